from tocns.audit.models import AuditEntry
from tocns.conftest import make_unit
from tocns.teams.models import Member, MemberRole, Team, TeamStatus
from tocns.teams.services import add_member, create_team
from tocns.units.models import UnitKind


def member_form(**values):
    data = {
        "full_name": "Hoàng Văn Nam",
        "role": MemberRole.MEMBER,
        "phone": "",
        "gender": "",
        "birth_year": "",
        "affiliation": "other",
        "skill_level": "",
        "joined_on": "2026-11-01",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_commune_officer_creates_a_team_for_a_village(tree, people, client_for):
    client = client_for("commune_officer")
    response = client.post(
        f"/don-vi/{tree.kim_tan.code}/them-to/",
        {
            "name": "Tổ CNS Kim Tân",
            "decision_number": "45/QĐ-UBND",
            "decision_date": "15/03/2024",
            "status": "active",
        },
    )
    team = Team.objects.get(unit=tree.kim_tan)
    assert response.status_code == 302 and response["Location"] == f"/to/{team.pk}/"
    assert str(team.decision_date) == "2024-03-15"
    assert AuditEntry.objects.filter(
        action="create", object_type="team", actor=people.commune_officer
    ).exists()


def test_team_leader_adds_a_member_and_the_page_shows_them(tree, people, rosters, client_for):
    client = client_for("team_leader")
    response = client.post(
        f"/to/{rosters.coc_leu.pk}/thanh-vien/moi/",
        member_form(
            full_name="  Hoàng   Văn Nam ", phone="+84 987 654 321", birth_year="2001", has_smartphone="on"
        ),
    )
    assert response.status_code == 302
    member = Member.objects.get(full_name="Hoàng Văn Nam")
    assert (member.phone, member.birth_year, member.has_smartphone, member.phone_public) == (
        "0987654321",
        2001,
        True,
        False,
    )
    assert "Hoàng Văn Nam" in client.get(f"/to/{rosters.coc_leu.pk}/").text
    assert AuditEntry.objects.filter(action="create", object_type="member", actor=people.team_leader).exists()


def test_a_team_member_reads_but_cannot_add(rosters, client_for):
    client = client_for("team_member")
    assert client.get(f"/to/{rosters.coc_leu.pk}/").status_code == 200
    assert client.post(f"/to/{rosters.coc_leu.pk}/thanh-vien/moi/", member_form()).status_code == 403
    assert not Member.objects.filter(full_name="Hoàng Văn Nam").exists()


def test_roster_rules_are_explained_in_vietnamese(rosters, client_for):
    client = client_for("team_leader")
    url = f"/to/{rosters.coc_leu.pk}/thanh-vien/moi/"
    bad_phone = client.post(url, member_form(phone="12345"))
    assert "Số điện thoại không hợp lệ" in bad_phone.text
    same_phone = client.post(url, member_form(phone="0912 345 679"))
    assert "Số điện thoại này đã có trong tổ" in same_phone.text
    second_leader = client.post(url, member_form(role=MemberRole.LEADER))
    assert "Tổ đã có tổ trưởng (Nguyễn Văn Tổ)" in second_leader.text
    no_name = client.post(url, member_form(full_name=""))
    assert "This field is required" not in no_name.text and "Cần điền mục này." in no_name.text
    assert rosters.coc_leu.members.count() == 2


def test_phone_consent_is_never_pre_ticked_and_is_timestamped(rosters, client_for):
    client = client_for("team_leader")
    form_html = client.get(f"/to/{rosters.coc_leu.pk}/thanh-vien/moi/").text
    checkbox = form_html.split('name="phone_public"')[1].split(">")[0]
    assert "checked" not in checkbox
    client.post(
        f"/to/{rosters.coc_leu.pk}/thanh-vien/{rosters.member.pk}/sua/",
        member_form(full_name="Lò Thị Mai", phone="0912345679", phone_public="on", birth_year="1998"),
    )
    rosters.member.refresh_from_db()
    assert rosters.member.phone_public and rosters.member.phone_public_consent_at is not None


def test_leaving_keeps_history_and_revokes_the_card(rosters, client_for):
    client = client_for("team_leader")
    response = client.post(
        f"/to/{rosters.coc_leu.pk}/thanh-vien/{rosters.member.pk}/roi-to/", {"left_on": "2026-11-20"}
    )
    assert response.status_code == 302
    rosters.member.refresh_from_db()
    assert str(rosters.member.left_on) == "2026-11-20"
    assert Member.objects.filter(pk=rosters.member.pk).exists()
    page = client.get(f"/to/{rosters.coc_leu.pk}/").text
    assert "Đã rời tổ" in page and "rời tổ 20/11/2026" in page
    assert rosters.member.cards.get().revoked_reason == "left"
    assert AuditEntry.objects.filter(action="leave", object_id=str(rosters.member.pk)).exists()


def test_team_list_filters_and_scope(tree, rosters, client_for):
    create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang", status=TeamStatus.DISSOLVED)
    province = client_for("province_officer")
    names = lambda response: [t.name for t in response.context["page"]]  # noqa: E731
    assert names(province.get("/to/")) == ["Tổ CNS Cốc Lếu", "Tổ CNS Kim Tân", "Tổ CNS Na Lang"]
    assert names(province.get("/to/?trang-thai=dissolved")) == ["Tổ CNS Na Lang"]
    assert names(province.get("/to/?to-truong=khong")) == ["Tổ CNS Kim Tân", "Tổ CNS Na Lang"]
    assert names(province.get("/to/?to-truong=co")) == ["Tổ CNS Cốc Lếu"]
    assert names(province.get(f"/to/?don-vi={tree.muong_khuong.code}")) == ["Tổ CNS Na Lang"]
    assert names(client_for("outsider").get("/to/")) == ["Tổ CNS Lũng Cú"]
    assert client_for("outsider").get(f"/to/?don-vi={tree.lao_cai.code}").status_code == 404


def test_lists_do_not_grow_queries_with_teams_and_members(
    tree, rosters, client_for, django_assert_max_num_queries
):
    client = client_for("province_officer")
    urls = [
        "/to/",
        f"/to/{rosters.coc_leu.pk}/",
        f"/don-vi/{tree.lao_cai.code}/",
        f"/don-vi/{tree.coc_leu.code}/",
    ]
    baseline = {}
    for url in urls:
        with django_assert_max_num_queries(30) as queries:
            client.get(url)
        baseline[url] = len(queries.captured_queries)
    for number in range(15):
        village = make_unit(
            f"02647-1{number:02d}", f"Tổ dân phố {number}", UnitKind.VILLAGE, tree.phuong_lao_cai
        )
        team = create_team(actor=None, unit=village, name=f"Tổ CNS {number}")
        for person in range(4):
            add_member(actor=None, team=team, full_name=f"Người {number}-{person}", birth_year=1990)
        add_member(actor=None, team=rosters.coc_leu, full_name=f"Thêm {number}", birth_year=1990)
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            client.get(url)


def test_an_officer_links_a_member_to_an_account_which_can_then_sign_in_as_team_member(
    tree, people, rosters, client_for
):
    from django.test import Client

    from tocns.accounts.services import create_user
    from tocns.conftest import PASSWORD

    add = client_for("team_leader").post(
        f"/to/{rosters.coc_leu.pk}/thanh-vien/moi/", member_form(full_name="Vàng Seo Pao", phone="0966000111")
    )
    assert add.status_code == 302
    member = Member.objects.get(full_name="Vàng Seo Pao")
    create_user(actor=None, username="vangseopao", password=PASSWORD, phone="0966000111")
    leader_form = client_for("team_leader").get(f"/to/{rosters.coc_leu.pk}/thanh-vien/{member.pk}/sua/").text
    assert 'name="account"' not in leader_form  # only officers hand out accounts
    response = client_for("commune_officer").post(
        f"/to/{rosters.coc_leu.pk}/thanh-vien/{member.pk}/sua/",
        member_form(full_name="Vàng Seo Pao", phone="0966000111", account="0966 000 111"),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.user.username == "vangseopao"
    client = Client()
    client.post("/dang-nhap/", {"username": "0966000111", "password": PASSWORD})
    assert client.get(f"/to/{rosters.coc_leu.pk}/").status_code == 200
    assert client.get(f"/to/{rosters.coc_leu.pk}/thanh-vien/moi/").status_code == 403


def test_filter_teams_with_no_activity_yet(client_for, rosters, people):
    import uuid

    from django.utils import timezone

    from tocns.activities.services import ReportInput, file_report
    from tocns.teams.services import create_team

    quiet = create_team(actor=None, unit=rosters.coc_leu.unit, name="Tổ CNS chỉ trên giấy")
    file_report(
        actor=people.team_leader,
        report_id=uuid.uuid4(),
        data=ReportInput(team=rosters.coc_leu.pk, date=timezone.localdate(), note="họp thôn"),
    )
    client = client_for("commune_officer")
    never = [t.name for t in client.get("/to/", {"hoat-dong": "chua"}).context["page"]]
    reported = [t.name for t in client.get("/to/", {"hoat-dong": "co"}).context["page"]]
    assert never == [quiet.name]
    assert reported == [rosters.coc_leu.name]
