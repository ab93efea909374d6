"""One-time sign-in codes: issued, opened, typed, spent, expired, locked; and create_admin."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from tocns.accounts import codes
from tocns.accounts.models import LoginLock, Role, SignInCode, User
from tocns.audit.models import AuditEntry

NEW_PASSWORD = "luaxanh-2026"


def fresh_account(phone="0987654321", name="Hà Thị Lan"):
    from tocns.accounts.services import create_user

    return create_user(actor=None, username=phone, password=None, full_name=name, phone=phone)


def set_password_with_link(client, token, password=NEW_PASSWORD, remember=False):
    data = {"password1": password, "password2": password}
    if remember:
        data["remember"] = "on"
    return client.post(f"/kich-hoat/{token}", data)


def test_a_code_is_8_characters_without_look_alikes_and_only_its_hash_is_kept(db):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    typed = issued.code.replace("-", "")
    assert len(typed) == 8 and set(typed) <= set(codes.ALPHABET)
    assert not set(typed) & set("0O1IL2Z5S8BUVGQDJ")
    stored = SignInCode.objects.get(user=user)
    # Neither the code nor the link's token is in any column of the row.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_signincode WHERE id = %s", [stored.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert typed not in row and issued.token not in row
    assert abs(stored.expires_at - stored.created_at - datetime.timedelta(days=14)) < datetime.timedelta(
        seconds=5
    )


def test_opening_the_link_changes_nothing_and_setting_a_password_signs_in_once(db):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    client = Client()
    page = client.get(f"/kich-hoat/{issued.token}")
    assert page.status_code == 200 and "Hà Thị Lan" in page.text and "0987 ••• 321" in page.text
    assert client.get(f"/kich-hoat/{issued.token}").status_code == 200  # a Zalo preview opened it too
    done = set_password_with_link(client, issued.token)
    assert done.status_code == 302 and done.url == "/"
    assert client.get("/").status_code == 200  # signed in
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="activate", object_id=str(user.pk)).exists()
    again = Client().get(f"/kich-hoat/{issued.token}")
    assert again.status_code == 410 and "đã được dùng" in again.text
    spent = set_password_with_link(Client(), issued.token, password="matkhau-khac-99")
    assert spent.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_typing_phone_and_code_in_any_usual_spelling(db):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    typed = " " + issued.code.lower().replace("-", " ") + " "
    response = Client().post(
        "/kich-hoat/",
        {"phone": "+84 987 654 321", "code": typed, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_code_is_refused(db):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    SignInCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    page = Client().get(f"/kich-hoat/{issued.token}")
    assert page.status_code == 410 and "hết hạn" in page.text
    assert set_password_with_link(Client(), issued.token).status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_an_unknown_link_is_404_and_counts_against_the_address(db):
    page = Client().get("/kich-hoat/khong-co-ma-nay")
    assert page.status_code == 404 and "không đúng" in page.text
    assert LoginLock.objects.get(identifier="ip:127.0.0.1").failures == 1


def test_a_disabled_accounts_code_is_refused(db):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    page = Client().get(f"/kich-hoat/{issued.token}")
    assert page.status_code == 403 and "vô hiệu hóa" in page.text
    assert set_password_with_link(Client(), issued.token).status_code == 403


def test_a_new_code_revokes_the_earlier_one(db):
    user = fresh_account()
    first = codes.issue(actor=None, user=user)
    second = codes.issue(actor=None, user=user)
    assert Client().get(f"/kich-hoat/{first.token}").status_code == 410
    assert set_password_with_link(Client(), second.token).status_code == 302


def test_wrong_codes_lock_the_code_after_five_tries(db):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    client = Client()
    wrong = {"phone": "0987654321", "code": "AAAA-AAAA", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    for _ in range(codes.CODE_MAX_FAILURES):
        assert client.post("/kich-hoat/", wrong).status_code == 400
    right = {**wrong, "code": issued.code}
    refused = client.post("/kich-hoat/", right)
    assert refused.status_code == 400 and "không còn hiệu lực" in refused.text
    assert AuditEntry.objects.filter(action="code_locked", object_id=str(user.pk)).exists()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_guessing_codes_from_one_address_is_stopped_and_logged(db, settings):
    settings.ADDRESS_MAX_FAILURES = 6
    for n in range(6):
        fresh_account(phone=f"098765432{n}", name=f"Người {n}")
    client = Client()
    for n in range(6):  # one try per phone: no code is locked, the address is
        client.post(
            "/kich-hoat/",
            {
                "phone": f"098765432{n}",
                "code": "AAAAAAAA",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    user = User.objects.get(phone="0987654320")
    issued = codes.issue(actor=None, user=user)
    blocked = client.get(f"/kich-hoat/{issued.token}")
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.text
    assert set_password_with_link(client, issued.token).status_code == 429
    assert AuditEntry.objects.filter(action="address_locked").count() == 1
    # The lock is the address's, not the person's: from elsewhere the code still works.
    elsewhere = Client(REMOTE_ADDR="10.0.0.9")
    assert set_password_with_link(elsewhere, issued.token).status_code == 302


def test_passwords_that_do_not_match_or_are_too_short_leave_the_code_unused(db):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    client = Client()
    mismatch = client.post(
        f"/kich-hoat/{issued.token}", {"password1": NEW_PASSWORD, "password2": "khac-han-9"}
    )
    assert mismatch.status_code == 400 and "không giống nhau" in mismatch.text
    short = client.post(f"/kich-hoat/{issued.token}", {"password1": "abc12", "password2": "abc12"})
    assert short.status_code == 400
    assert SignInCode.objects.get(user=user).used_at is None
    assert set_password_with_link(client, issued.token).status_code == 302


@pytest.mark.parametrize("remember", [False, True])
def test_this_is_my_phone_is_never_ticked_and_keeps_the_session_when_ticked(db, remember):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    client = Client()
    form = client.get(f"/kich-hoat/{issued.token}").text
    assert 'name="remember"' in form and "checked" not in form.split('name="remember"')[1].split(">")[0]
    set_password_with_link(client, issued.token, remember=remember)
    assert client.session.get_expire_at_browser_close() is (not remember)


def test_the_same_code_spent_twice_sets_one_password(db):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    code = codes.by_token(issued.token)
    codes.redeem(code=code, password=NEW_PASSWORD)
    with pytest.raises(codes.CodeError) as refused:
        codes.redeem(code=code, password="mat-khau-thu-hai")
    assert refused.value.reason == "used"


def test_create_admin_makes_the_first_administrator_with_a_code_and_no_password(db):
    out = io.StringIO()
    call_command(
        "create_admin", phone="0912 000 111", name=" Trần  Văn Quản ", site="https://tocns.vn/", stdout=out
    )
    user = User.objects.get(phone="0912000111")
    assert user.username == "0912000111" and user.full_name == "Trần Văn Quản"
    assert not user.has_usable_password()
    assert user.role_assignments.get(revoked_at__isnull=True).role == Role.ADMIN
    text = out.getvalue()
    link = next(word for word in text.split() if word.startswith("https://tocns.vn/kich-hoat/"))
    token = link.rsplit("/", 1)[1]
    assert set_password_with_link(Client(), token).status_code == 302

    again = io.StringIO()
    call_command("create_admin", phone="0912000111", name="Trần Văn Quản", stdout=again)
    assert User.objects.filter(phone="0912000111").count() == 1
    assert user.role_assignments.filter(revoked_at__isnull=True).count() == 1
    assert "mã kích hoạt mới" in again.getvalue()
    assert SignInCode.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).count() == 1


def test_create_admin_refuses_a_phone_that_is_not_one(db):
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("create_admin", phone="12345", name="A", stdout=io.StringIO())
    assert not User.objects.exists()


def test_forgot_password_says_who_issues_a_new_code(db):
    page = Client().get("/quen-mat-khau/").text
    assert "tổ trưởng" in page and "cán bộ" in page and "SMS" in page
    assert "/quen-mat-khau/" in Client().get("/dang-nhap/").text


def test_opening_someone_elses_link_while_signed_in_warns_before_switching(people):
    user = fresh_account()
    issued = codes.issue(actor=None, user=user)
    officer = Client()
    officer.force_login(people.commune_officer)
    page = officer.get(f"/kich-hoat/{issued.token}")
    assert "đang đăng nhập bằng tài khoản canbo.xa" in page.text
    assert "đang đăng nhập bằng" not in Client().get(f"/kich-hoat/{issued.token}").text
