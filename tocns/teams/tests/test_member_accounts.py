"""Accounts for the people on the rosters: bulk creation, the sheet of codes, who may issue a code, the
roster and the roles in step, and what the pages list."""

from django.contrib.sessions.models import Session
from django.test import Client

from tocns.accounts import codes
from tocns.accounts.api_tokens import issue_token, user_for_key
from tocns.accounts.models import Role, RoleAssignment, SignInCode, User
from tocns.audit.models import AuditEntry
from tocns.conftest import PASSWORD
from tocns.teams import accounts
from tocns.teams.models import Member, MemberRole
from tocns.teams.services import add_member, create_team, member_leaves, update_member


def _team_with_people(tree):
    """A Kim Tân team: a leader and a member with phones, one without a phone, and a member whose phone is
    already another person's account."""
    team = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    leader = add_member(
        actor=None, team=team, full_name="Vàng A Dế", role=MemberRole.LEADER, phone="0971000001"
    )
    member = add_member(actor=None, team=team, full_name="Lý Thị Sen", phone="0971000002")
    add_member(actor=None, team=team, full_name="Hoàng Văn Núi")  # no phone
    add_member(actor=None, team=team, full_name="Người Trùng Số", phone="0900000003")  # canbo.xa's phone
    return team, leader, member


def test_bulk_creation_for_a_team_lists_what_it_cannot_do_and_writes_the_rest(tree, people, client_for):
    team, leader, member = _team_with_people(tree)
    client = client_for("commune_officer")
    preview = client.get(f"/to/{team.pk}/tai-khoan/tao-hang-loat/")
    assert preview.status_code == 200
    text = preview.text
    assert "Tạo 2 tài khoản" in text
    assert "Hoàng Văn Núi" in text and "Chưa có số điện thoại: 1 người" in text
    assert "Người Trùng Số" in text and "đã là tài khoản của người khác" in text
    assert not User.objects.filter(phone="0971000001").exists()  # the preview wrote nothing

    done = client.post(f"/to/{team.pk}/tai-khoan/tao-hang-loat/")
    assert done.status_code == 200 and "Đã tạo 2 tài khoản" in done.text
    leader.refresh_from_db()
    member.refresh_from_db()
    assert leader.user.username == leader.user.phone == "0971000001"
    assert not leader.user.has_usable_password()
    assert leader.user.role_assignments.get().role == Role.TEAM_LEADER
    assert member.user.role_assignments.get().role == Role.TEAM_MEMBER
    assert member.user.role_assignments.get().unit == tree.kim_tan
    for name in ("Hoàng Văn Núi", "Người Trùng Số"):
        assert Member.objects.get(full_name=name).user is None
    assert Member.objects.get(full_name="Người Trùng Số").user is None
    entry = AuditEntry.objects.get(action="create", object_type="user", object_id=str(leader.user_id))
    assert entry.unit_path == tree.kim_tan.path and entry.actor == people.commune_officer
    assert entry.after == {
        "username": "0971000001",
        "full_name": "Vàng A Dế",
        "role": "Tổ trưởng",
        "unit": "Tổ dân phố Kim Tân",
        "team": "Tổ CNS Kim Tân",
    }
    assert (
        AuditEntry.objects.filter(action="create", object_type="user", unit_path=tree.kim_tan.path).count()
        == 2
    )

    # Pressed again (or by a second officer a moment later): nothing new.
    before = (User.objects.count(), RoleAssignment.objects.count())
    client.post(f"/to/{team.pk}/tai-khoan/tao-hang-loat/")
    assert (User.objects.count(), RoleAssignment.objects.count()) == before


def test_two_people_sharing_a_family_phone_on_two_teams_are_listed_and_left(tree, people, client_for):
    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    coc_leu = create_team(actor=None, unit=tree.coc_leu, name="Tổ CNS Cốc Lếu 2")
    add_member(actor=None, team=kim_tan, full_name="Giàng Thị Mỷ", phone="0971000009")
    add_member(actor=None, team=coc_leu, full_name="Giàng A Chứ", phone="0971000009")
    add_member(actor=None, team=coc_leu, full_name="Vừ A Tủa", phone="0971000010")
    client = client_for("commune_officer")
    preview = client.get(f"/don-vi/{tree.phuong_lao_cai.code}/tai-khoan/tao-hang-loat/").text
    assert "Giàng Thị Mỷ" in preview and "Giàng A Chứ" in preview and "dùng chung số 0971000009" in preview
    client.post(f"/don-vi/{tree.phuong_lao_cai.code}/tai-khoan/tao-hang-loat/")
    assert not User.objects.filter(phone="0971000009").exists()
    assert User.objects.filter(phone="0971000010").exists()


def test_the_same_person_on_two_teams_gets_one_account_with_both_roles(tree, people):
    first = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    second = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    add_member(actor=None, team=first, full_name="Lò Văn Hai", phone="0972000002", role=MemberRole.LEADER)
    add_member(actor=None, team=second, full_name="Lò  Văn Hai", phone="0972 000 002")
    accounts.create_accounts(actor=None, members=accounts.members_in(tree.lao_cai))
    user = User.objects.get(phone="0972000002")
    assert set(Member.objects.filter(user=user).values_list("team__name", flat=True)) == {
        "Tổ CNS Kim Tân",
        "Tổ CNS Na Lang",
    }
    assert set(user.role_assignments.values_list("role", "unit__code")) == {
        (Role.TEAM_LEADER, tree.kim_tan.code),
        (Role.TEAM_MEMBER, tree.na_lang.code),
    }


def test_an_existing_account_of_the_same_person_is_linked_not_duplicated(tree, people):
    team = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    member = add_member(actor=None, team=team, full_name="chuaphanquyen", phone="0973000003")
    people.no_role.phone = "0973000003"
    people.no_role.save()
    plan = accounts.create_accounts(actor=None, members=accounts.members_in(team=team))
    assert [m.pk for m, _u in plan.link] == [member.pk] and not plan.create
    member.refresh_from_db()
    assert member.user == people.no_role
    assert people.no_role.role_assignments.get().role == Role.TEAM_MEMBER


def test_the_sheet_has_a_slip_per_person_and_a_zalo_message_and_reprinting_replaces_codes(
    tree, people, client_for
):
    team, leader, member = _team_with_people(tree)
    accounts.create_accounts(actor=None, members=accounts.members_in(team=team))
    client = client_for("commune_officer")
    page = client.get(f"/to/{team.pk}/tai-khoan/")
    assert "In phiếu kích hoạt (2 người)" in page.text
    sheet = client.post(f"/to/{team.pk}/tai-khoan/phieu/")
    assert sheet.status_code == 200
    html = sheet.text
    assert html.count('class="slip"') == 2 and html.count("<svg") == 2
    assert "Vàng A Dế" in html and "0971 ••• 001" in html and "0971000001" not in html.split("zalo")[0]
    assert html.count("data-copy=") == 2 and "http://testserver/kich-hoat/" in html
    first_codes = set(SignInCode.objects.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    assert len(first_codes) == 2
    client.post(f"/to/{team.pk}/tai-khoan/phieu/")
    assert not SignInCode.objects.filter(pk__in=first_codes, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="issue_code").count() == 4


def test_a_team_leader_issues_codes_for_their_own_team_only(tree, people, rosters, client_for):
    kim_tan, _leader, kim_tan_member = _team_with_people(tree)
    accounts.create_accounts(actor=None, members=accounts.members_in(team=kim_tan))
    kim_tan_member.refresh_from_db()
    leader = client_for("team_leader")  # leads Cốc Lếu
    own = leader.post(f"/tai-khoan/{people.team_member.pk}/cap-ma/")
    assert own.status_code == 200 and people.team_member.full_name in own.text and 'class="slip"' in own.text
    assert leader.post(f"/tai-khoan/{kim_tan_member.user_id}/cap-ma/").status_code == 404
    assert leader.get(f"/to/{kim_tan.pk}/tai-khoan/").status_code == 404
    assert leader.post(f"/to/{kim_tan.pk}/tai-khoan/phieu/").status_code == 404
    # Nobody issues codes upward or sideways: a member for their leader, a commune officer for the province.
    assert client_for("team_member").post(f"/tai-khoan/{people.team_leader.pk}/cap-ma/").status_code == 403
    assert client_for("commune_officer").post(
        f"/tai-khoan/{people.province_officer.pk}/cap-ma/"
    ).status_code in (
        403,
        404,
    )
    assert client_for("outsider").post(f"/tai-khoan/{people.team_member.pk}/cap-ma/").status_code == 404
    assert (
        client_for("commune_officer").post(f"/tai-khoan/{kim_tan_member.user_id}/cap-ma/").status_code == 200
    )
    assert client_for("team_member").post(f"/to/{rosters.coc_leu.pk}/tai-khoan/phieu/").status_code == 403


def test_a_member_who_leaves_loses_the_role_and_with_no_role_left_the_account_stops(
    tree, people, rosters, client_for
):
    user = people.team_member
    issued = codes.issue(actor=None, user=user)
    _token, key = issue_token(user=user, name="điện thoại")
    signed_in = client_for("team_member")
    assert signed_in.get("/bao-cao/").status_code == 200
    member_leaves(actor=people.commune_officer, member=rosters.member)
    user.refresh_from_db()
    assert not RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert not user.is_active
    assert signed_in.get("/bao-cao/").status_code == 302  # signed out at once
    assert user_for_key(key) is None
    assert Client().get(f"/kich-hoat/{issued.token}").status_code == 403  # the unused code is dead too
    assert AuditEntry.objects.filter(action="disable", object_id=str(user.pk)).exists()
    # The person rejoins: granting a role again opens the account.
    from tocns.accounts.services import grant_role

    grant_role(actor=None, user=user, role=Role.TEAM_MEMBER, unit=tree.coc_leu)
    user.refresh_from_db()
    assert user.is_active


def test_leaving_one_team_keeps_the_role_another_team_on_the_same_unit_gives(tree, people, rosters):
    other = create_team(actor=None, unit=tree.coc_leu, name="Tổ CNS Cốc Lếu 2")
    add_member(actor=None, team=other, full_name="Lò Thị Mai", phone="0912345679", user=people.team_member)
    member_leaves(actor=None, member=rosters.member)
    people.team_member.refresh_from_db()
    assert people.team_member.is_active
    assert people.team_member.role_assignments.get(revoked_at__isnull=True).role == Role.TEAM_MEMBER


def test_a_member_made_leader_becomes_team_leader(tree, people, rosters):
    member_leaves(actor=None, member=rosters.leader)
    update_member(actor=None, member=rosters.member, role=MemberRole.LEADER)
    roles = set(
        people.team_member.role_assignments.filter(revoked_at__isnull=True).values_list("role", flat=True)
    )
    assert roles == {Role.TEAM_LEADER}


def test_one_account_by_hand_refuses_a_phone_that_has_one_and_shows_the_code(tree, people, client_for):
    client = client_for("province_officer")
    url = f"/don-vi/{tree.lao_cai.code}/tai-khoan/moi/"
    taken = client.post(
        url, {"full_name": "A", "phone": "0900.000.003", "role": Role.COMMUNE_OFFICER, "unit_code": "02647"}
    )
    assert taken.status_code == 400 and "đã có tài khoản" in taken.text
    made = client.post(
        url,
        {"full_name": "Đỗ Văn Xã", "phone": "0974000004", "role": Role.COMMUNE_OFFICER, "unit_code": "02953"},
    )
    assert made.status_code == 200 and 'class="slip"' in made.text and "Đỗ Văn Xã" in made.text
    user = User.objects.get(phone="0974000004")
    assert user.role_assignments.get().unit == tree.muong_khuong
    # A commune officer cannot make a province officer, nor an account in another commune.
    commune = client_for("commune_officer")
    upward = commune.post(
        f"/don-vi/{tree.phuong_lao_cai.code}/tai-khoan/moi/",
        {"full_name": "B", "phone": "0974000005", "role": Role.PROVINCE_OFFICER, "unit_code": "15"},
    )
    assert upward.status_code == 400 and not User.objects.filter(phone="0974000005").exists()


def test_one_account_by_hand_for_a_rostered_phone_links_the_member(tree, people, client_for):
    team = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    member = add_member(
        actor=None, team=team, full_name="Sùng Thị Pà", phone="0975000005", role=MemberRole.LEADER
    )
    client_for("commune_officer").post(
        f"/don-vi/{tree.phuong_lao_cai.code}/tai-khoan/moi/",
        {
            "full_name": "Sùng Thị Pà",
            "phone": "0975000005",
            "role": Role.TEAM_MEMBER,
            "unit_code": "02647-002",
        },
    )
    member.refresh_from_db()
    assert member.user is not None and member.user.role_assignments.get().role == Role.TEAM_LEADER


def test_the_accounts_page_says_who_never_signed_in_and_who_is_disabled(tree, people, rosters, client_for):
    team, leader, _member = _team_with_people(tree)
    accounts.create_accounts(actor=None, members=accounts.members_in(team=team))
    member_leaves(actor=None, member=rosters.member)
    page = client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/tai-khoan/")
    assert page.status_code == 200
    text = page.text
    assert "Vàng A Dế" in text and "Chưa cấp mã" in text
    assert people.team_member.full_name in text and "Đã vô hiệu hóa" in text
    assert "canbo.dongvan" not in text and "Sùng Mí Páo" not in text  # another province
    # Cốc Lếu: its leader (an account); Kim Tân: four members, two with accounts. Lò Thị Mai has left.
    adoption = page.context["adoption"]
    assert (adoption.members, adoption.with_account) == (5, 3)
    by_team = {
        row["label"]: (row["adoption"].members, row["adoption"].with_account)
        for row in page.context["breakdown"]
    }
    assert by_team == {"Tổ CNS Cốc Lếu": (1, 1), "Tổ CNS Kim Tân": (4, 2)}
    disabled_only = client_for("commune_officer").get(
        f"/don-vi/{tree.phuong_lao_cai.code}/tai-khoan/?loc=vo-hieu"
    )
    assert people.team_member.full_name in disabled_only.text and "Vàng A Dế" not in disabled_only.text


def test_my_account_lists_sessions_ends_one_and_a_new_password_signs_out_the_others(people):
    phone, laptop = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 10) Chrome/120"), Client()
    for client in (phone, laptop):
        assert client.post("/dang-nhap/", {"username": "0912345679", "password": PASSWORD}).status_code == 302
    page = laptop.get("/tai-khoan-cua-toi/")
    assert page.status_code == 200 and "Android · Chrome" in page.text and "Thành viên tổ" in page.text
    android = people.team_member.browser_sessions.get(device="Android · Chrome")
    assert laptop.post(f"/tai-khoan-cua-toi/phien/{android.pk}/ket-thuc/").status_code == 302
    assert phone.get("/bao-cao/").status_code == 302
    assert not Session.objects.filter(session_key=android.session_key).exists()

    phone.post("/dang-nhap/", {"username": "0912345679", "password": PASSWORD})
    changed = laptop.post(
        "/tai-khoan-cua-toi/doi-mat-khau/",
        {"old_password": PASSWORD, "password1": "ruong-bac-thang-7", "password2": "ruong-bac-thang-7"},
    )
    assert changed.status_code == 302
    assert laptop.get("/bao-cao/").status_code == 200  # this browser stays signed in
    assert phone.get("/bao-cao/").status_code == 302  # the other one is signed out
    wrong = laptop.post(
        "/tai-khoan-cua-toi/doi-mat-khau/",
        {"old_password": "sai", "password1": "x" * 9, "password2": "x" * 9},
    )
    assert wrong.status_code == 400 and "không đúng" in wrong.text
    assert AuditEntry.objects.filter(action="password_change").count() == 1


def test_a_session_of_someone_else_cannot_be_ended(people):
    from tocns.accounts.models import UserSession

    Client().post("/dang-nhap/", {"username": "totruong", "password": PASSWORD})
    theirs = UserSession.objects.get(user=people.team_leader)
    client = Client()
    client.post("/dang-nhap/", {"username": "thanhvien", "password": PASSWORD})
    assert client.post(f"/tai-khoan-cua-toi/phien/{theirs.pk}/ket-thuc/").status_code == 404
    assert UserSession.objects.filter(pk=theirs.pk).exists()


def test_dashboards_show_who_has_an_account_and_used_it(tree, people, rosters, client_for):
    team, _leader, _member = _team_with_people(tree)
    accounts.create_accounts(actor=None, members=accounts.members_in(team=team))
    client_for("team_member").get("/")  # Lò Thị Mai uses tocns today
    board = client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/").context["board"]
    # Phường Lào Cai: 2 on Cốc Lếu (both with accounts) and 4 on Kim Tân (2 with accounts).
    assert (board.adoption.members, board.adoption.with_account, board.adoption.active) == (6, 4, 1)
    kept = client_for("province_officer").get(f"/don-vi/{tree.lao_cai.code}/so-lieu/")
    row = next(r for r in kept.context["board"].children if r.label == "Phường Lào Cai")
    assert (row.members, row.accounts, row.active) == (6, 4, 1)
    assert kept.context["board"].adoption.with_account == 4
    assert 'id="adoption"' in kept.text


def test_sessions_that_ended_leave_the_list(people):
    from tocns.accounts.models import UserSession

    gone, here = Client(), Client()
    for client in (gone, here):
        client.post("/dang-nhap/", {"username": "thanhvien", "password": PASSWORD})
    gone.post("/dang-xuat/")
    Session.objects.filter(session_key=gone.session.session_key).delete()
    assert UserSession.objects.filter(user=people.team_member).count() == 1  # signing out removed its row
    UserSession.objects.create(
        user=people.team_member, session_key="het-han-tu-lau", device="Android · Chrome"
    )
    page = here.get("/tai-khoan-cua-toi/")
    assert page.status_code == 200 and len(page.context["sessions"]) == 1
    assert not UserSession.objects.filter(session_key="het-han-tu-lau").exists()
