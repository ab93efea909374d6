"""Members' phones and birth years: officers in scope and the team's own leader see them; a plain member sees
names and roles, the phones of those who agreed to show theirs, and their own."""

from tocns.teams.services import update_member


def test_a_plain_member_sees_names_and_roles_but_not_others_phones_or_birth_years(rosters, client_for):
    page = client_for("team_member").get(f"/to/{rosters.coc_leu.pk}/").text
    assert "Nguyễn Văn Tổ" in page and "Tổ trưởng" in page
    assert "0912345678" not in page and "sinh 1975" not in page  # the leader's
    assert "0912345679" in page and "sinh 1998" in page  # their own


def test_a_phone_whose_owner_agreed_is_shown_to_members(rosters, client_for):
    update_member(actor=None, member=rosters.leader, phone_public=True)
    page = client_for("team_member").get(f"/to/{rosters.coc_leu.pk}/").text
    assert "0912345678" in page and "sinh 1975" not in page


def test_the_leader_and_officers_in_scope_see_the_roster_in_full(rosters, client_for):
    for who in ("team_leader", "commune_officer", "province_officer"):
        page = client_for(who).get(f"/to/{rosters.coc_leu.pk}/").text
        assert "0912345679" in page and "sinh 1998" in page, who
