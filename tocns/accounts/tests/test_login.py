import pytest
from django.test import Client

from tocns import settings as project_settings
from tocns.accounts.models import LoginLock
from tocns.conftest import PASSWORD


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/dang-nhap/", {"username": username, "password": password, **extra})


def test_production_hasher_is_argon2():
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sign_in_with_username(people):
    client = Client()
    response = sign_in(client, "canbo.xa")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Cán bộ cấp xã" in client.get("/").text


@pytest.mark.parametrize("typed", ["0912345678", "+84 912 345 678", "0912.345.678", "84912345678"])
def test_sign_in_with_phone_in_any_usual_spelling(people, typed):
    client = Client()
    assert sign_in(client, typed).status_code == 302
    assert int(client.session["_auth_user_id"]) == people.team_leader.pk


def test_wrong_password_says_so_in_vietnamese(people):
    response = sign_in(Client(), "canbo.xa", "sai-mat-khau")
    assert response.status_code == 200
    assert "mật khẩu không đúng" in response.text


def test_lock_out_after_five_failures_even_with_the_right_password(people, settings):
    settings.LOGIN_MAX_FAILURES = 5
    client = Client()
    for _ in range(4):
        assert sign_in(client, "canbo.xa", "sai").status_code == 200
    locked = sign_in(client, "canbo.xa", "sai")
    assert locked.status_code == 429 and "tạm khóa" in locked.text
    refused = sign_in(client, "canbo.xa")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # Other accounts are not affected.
    assert sign_in(Client(), "totruong").status_code == 302


def test_lock_expires_and_success_clears_failures(people, settings):
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        sign_in(client, "canbo.xa", "sai")
    LoginLock.objects.update(locked_until=None, first_failure_at=None)
    assert sign_in(client, "canbo.xa").status_code == 302
    # The account's count is cleared; the address's is not (one good password must not wipe the count of
    # someone trying other accounts from the same address).
    assert not LoginLock.objects.filter(identifier=f"account:{people.commune_officer.pk}").exists()


def test_remember_me_keeps_a_phone_signed_in_otherwise_browser_session(people, settings):
    client = Client()
    response = sign_in(client, "thanhvien", remember="on")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.REMEMBER_ME_DAYS * 24 * 3600
    other = Client()
    response = sign_in(other, "thanhvien")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""


def test_remember_me_is_not_pre_ticked(db):
    page = Client().get("/dang-nhap/").text
    assert 'name="remember"' in page
    assert "checked" not in page.split('name="remember"')[1].split(">")[0]


def test_next_parameter_is_followed_only_on_this_site(people):
    client = Client()
    response = client.post(
        "/dang-nhap/?next=/don-vi/", {"username": "canbo.xa", "password": PASSWORD, "next": "/don-vi/"}
    )
    assert response["Location"] == "/don-vi/"
    response = Client().post(
        "/dang-nhap/", {"username": "canbo.xa", "password": PASSWORD, "next": "https://evil.example"}
    )
    assert response["Location"] == "/"


def test_sign_out(people, client_for):
    client = client_for("team_member")
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "spelling", ["+84 912 345 679", "0912.345.679", "0912-345-679", "84912345679", "thanhvien", "THANHVIEN"]
)
def test_the_lock_holds_for_every_spelling_of_the_same_account(people, settings, spelling):
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        sign_in(client, "0912345679", "sai")
    refused = sign_in(Client(REMOTE_ADDR="10.1.1.1"), spelling)  # the right password, from elsewhere
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.client.session


def test_many_wrong_passwords_from_one_address_make_it_wait_whatever_the_accounts(people, settings):
    settings.ADDRESS_MAX_FAILURES = 4
    client = Client(REMOTE_ADDR="10.2.2.2")
    for name in ["canbo.xa", "totruong", "thanhvien", "ai-do"]:  # one try each: no account is locked
        assert sign_in(client, name, "sai").status_code in (200, 429)
    assert sign_in(client, "canbo.tinh").status_code == 429  # even the right password waits
    assert sign_in(Client(REMOTE_ADDR="10.3.3.3"), "canbo.tinh").status_code == 302
