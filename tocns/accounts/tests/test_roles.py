from tocns.accounts import selectors
from tocns.accounts.models import Role, RoleAssignment, User
from tocns.audit.models import AuditEntry
from tocns.teams import scope as team_scope
from tocns.units.models import Unit


def test_a_role_covers_everything_below_its_unit(tree, people):
    assert set(selectors.units_for(people.province_officer)) == set(
        Unit.objects.filter(path__startswith=tree.lao_cai.path)
    )
    assert set(selectors.units_for(people.commune_officer)) == {
        tree.phuong_lao_cai,
        tree.coc_leu,
        tree.kim_tan,
    }
    assert set(selectors.units_for(people.team_member)) == {tree.coc_leu}
    assert set(selectors.units_for(people.admin)) == set(Unit.objects.all())
    assert not selectors.units_for(people.no_role).exists()


def test_teams_under_a_unit_stay_within_the_users_scope(tree, people, rosters):
    from tocns.teams.services import create_team

    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    province_team = create_team(actor=None, unit=tree.lao_cai, name="Tổ CNS cấp tỉnh")
    province = {rosters.coc_leu, kim_tan, na_lang, province_team}
    assert set(team_scope.teams_under(people.province_officer, tree.lao_cai)) == province
    assert set(team_scope.teams_under(people.admin, tree.lao_cai)) == province
    assert set(team_scope.teams_under(people.commune_officer, tree.phuong_lao_cai)) == {
        rosters.coc_leu,
        kim_tan,
    }
    # A unit above the user's own: only the teams of their scope, never the rest of the province.
    assert set(team_scope.teams_under(people.commune_officer, tree.lao_cai)) == {rosters.coc_leu, kim_tan}
    assert set(team_scope.teams_under(people.outsider, tree.lao_cai)) == set()
    assert set(team_scope.teams_under(people.team_member, tree.phuong_lao_cai)) == {rosters.coc_leu}


def test_team_roles_are_read_only(tree, people):
    assert selectors.unit_for(people.team_leader, tree.coc_leu.code) == (tree.coc_leu, False)
    assert selectors.unit_for(people.commune_officer, tree.coc_leu.code) == (tree.coc_leu, True)


def test_commune_officer_grants_a_team_leader_in_their_commune(tree, people, client_for):
    newcomer = User.objects.create(username="moi", phone="0987654321")
    client = client_for("commune_officer")
    response = client.post(
        "/phan-quyen/",
        {"user_login": "0987 654 321", "role": Role.TEAM_LEADER, "unit_code": tree.kim_tan.code},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer)
    assert (assignment.role, assignment.unit, assignment.granted_by) == (
        Role.TEAM_LEADER,
        tree.kim_tan,
        people.commune_officer,
    )
    entry = AuditEntry.objects.get(action="grant", actor=people.commune_officer)
    assert entry.after["role"] == "Tổ trưởng" and entry.unit_path == tree.kim_tan.path
    assert entry.after["unit"] == "Tổ dân phố Kim Tân" and entry.after["user"] == "moi"


def test_officer_cannot_grant_outside_scope_or_above_own_role(tree, people, client_for):
    newcomer = User.objects.create(username="moi")
    client = client_for("commune_officer")
    outside = client.post(
        "/phan-quyen/", {"user_login": "moi", "role": Role.TEAM_LEADER, "unit_code": "00721-001"}
    )
    assert "Không có đơn vị mang mã này trong phạm vi của bạn" in outside.text
    above = client.post(
        "/phan-quyen/",
        {"user_login": "moi", "role": Role.PROVINCE_OFFICER, "unit_code": tree.phuong_lao_cai.code},
    )
    assert (
        above.status_code == 200
        and "province_officer" not in above.text.split('name="role"')[1].split("</select>")[0]
    )
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_revoke_is_audited_and_scoped(tree, people, client_for):
    assignment = people.team_member.role_assignments.get()
    assert client_for("outsider").post(f"/phan-quyen/{assignment.pk}/thu-hoi/").status_code == 404
    assert client_for("team_leader").post(f"/phan-quyen/{assignment.pk}/thu-hoi/").status_code == 403
    assert client_for("commune_officer").post(f"/phan-quyen/{assignment.pk}/thu-hoi/").status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
    assert AuditEntry.objects.filter(action="revoke", object_id=str(assignment.pk)).exists()
    # It was the member's only role: the account is disabled, so their signed-in browser is signed out.
    response = client_for("team_member").get(f"/don-vi/{tree.coc_leu.code}/")
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")
    people.team_member.refresh_from_db()
    assert not people.team_member.is_active


def test_roles_page_lists_only_assignments_in_scope(tree, people, client_for):
    page = client_for("commune_officer").get("/phan-quyen/").text
    assert "totruong" in page and "thanhvien" in page
    assert "canbo.dongvan" not in page and "canbo.tinh" not in page


def test_nobody_revokes_their_own_role(tree, people, client_for):
    own = people.commune_officer.role_assignments.get()
    client = client_for("commune_officer")
    assert client.post(f"/phan-quyen/{own.pk}/thu-hoi/").status_code == 403
    own.refresh_from_db()
    assert own.revoked_at is None
    assert f"/phan-quyen/{own.pk}/thu-hoi/" not in client.get("/phan-quyen/").text
