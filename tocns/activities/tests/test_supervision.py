import datetime
import uuid

import pytest
from django.utils import timezone

from tocns.activities import selectors
from tocns.activities.services import OutcomeInput, ReportInput, file_report
from tocns.conftest import make_unit
from tocns.teams.services import create_team


def report(actor, team, days_ago=0, **outcomes):
    activity, _created = file_report(
        actor=actor,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=team.pk,
            date=timezone.localdate() - datetime.timedelta(days=days_ago),
            outcomes=[OutcomeInput(code, g, c) for code, (g, c) in outcomes.items()],
        ),
    )
    # Reports arrive late from the field; back-date the creation too, as the demo data does.
    return activity


@pytest.fixture
def field(tree, people, rosters):
    """Phường Lào Cai: Cốc Lếu reports often, Kim Tân reported 40 days ago; Mường Khương reports once."""
    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    muong_khuong = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    admin = people.admin
    report(admin, rosters.coc_leu, 0, vneid=(5, 5))
    report(admin, rosters.coc_leu, 3, vneid=(4, 2), cashless=(3, 3))
    report(admin, kim_tan, 40, vneid=(10, 8))
    report(admin, muong_khuong, 1, vssid=(2, 1))
    return {"coc_leu": rosters.coc_leu, "kim_tan": kim_tan, "na_lang": muong_khuong}


def test_commune_officer_sees_last_report_and_silent_teams(client_for, field):
    page = client_for("commune_officer").get("/don-vi/02647/hoat-dong/")
    assert page.status_code == 200
    rows = {t.name: t for t in page.context["team_rows"]}
    assert set(rows) == {"Tổ CNS Cốc Lếu", "Tổ CNS Kim Tân"}  # no team of another commune
    assert rows["Tổ CNS Cốc Lếu"].last_report == timezone.localdate()
    assert rows["Tổ CNS Cốc Lếu"].reports_30d == 2
    assert rows["Tổ CNS Kim Tân"].reports_30d == 0
    html = page.content.decode()
    assert "30 ngày không báo cáo" in html and "im lặng" not in html
    silent_row = html.split("Tổ CNS Kim Tân")[1].split("</li>")[0]
    assert "30 ngày không báo cáo" in silent_row


def test_monthly_totals_per_service(client_for, field):
    page = client_for("commune_officer").get("/don-vi/02647/hoat-dong/")
    months = page.context["months"]
    services = [s.code for s in page.context["month_services"]]
    assert "vssid" not in services  # Mường Khương's report is another commune's
    totals = {code: [0, 0] for code in services}
    reports = 0
    for _month, cells, count in months:
        reports += count
        for code, (guided, completed) in zip(services, cells, strict=True):
            totals[code][0] += guided
            totals[code][1] += completed
    assert totals["vneid"] == [19, 15]
    assert totals["cashless"] == [3, 3]
    assert reports == 3


def test_a_village_page_totals_its_own_teams_months(client_for, field, tree):
    page = client_for("team_leader").get(f"/don-vi/{tree.coc_leu.code}/hoat-dong/")
    services = [s.code for s in page.context["month_services"]]
    assert set(services) == {"vneid", "cashless"}
    by_month = {
        month: (dict(zip(services, cells, strict=True)), n) for month, cells, n in page.context["months"]
    }
    this_month = timezone.localdate().replace(day=1)
    three_days_ago = (timezone.localdate() - datetime.timedelta(days=3)).replace(day=1)
    summed = {code: [0, 0] for code in services}
    for cells, _n in by_month.values():
        for code, (guided, completed) in cells.items():
            summed[code][0] += guided
            summed[code][1] += completed
    assert summed == {"vneid": [9, 7], "cashless": [3, 3]}  # Cốc Lếu's two reports, not Kim Tân's
    assert sum(n for _cells, n in by_month.values()) == 2
    assert by_month[this_month][1] == (1 if three_days_ago != this_month else 2)


def test_province_officer_sees_communes_and_they_add_up(client_for, field, tree):
    page = client_for("province_officer").get(f"/don-vi/{tree.lao_cai.code}/hoat-dong/")
    assert page.status_code == 200
    rows = {r.unit.code: r for r in page.context["children"]}
    phuong, xa = rows[tree.phuong_lao_cai.code], rows[tree.muong_khuong.code]
    assert (phuong.teams, phuong.silent, phuong.never, phuong.reports_30d) == (2, 1, 0, 2)
    assert phuong.last_report == timezone.localdate()
    assert (xa.teams, xa.silent, xa.reports_30d) == (1, 0, 1)
    # The province's own figures are the sum of its communes'.
    province_reports = sum(count for _m, _c, count in page.context["months"])
    commune_reports = 0
    for code in (tree.phuong_lao_cai.code, tree.muong_khuong.code):
        sub = client_for("province_officer").get(f"/don-vi/{code}/hoat-dong/")
        commune_reports += sum(count for _m, _c, count in sub.context["months"])
    assert province_reports == commune_reports == 4
    summary = page.context["summary"]
    assert (summary.teams, summary.silent, summary.reports_30d) == (3, 1, 3)


def test_team_without_any_report_is_silent(tree, people, rosters):
    from tocns.teams.scope import teams_for

    rows = {t.name: t for t in selectors.teams_with_last_report(teams_for(people.commune_officer))}
    assert rows["Tổ CNS Cốc Lếu"].last_report is None


def test_teams_that_never_reported_come_first_and_are_counted(client_for, field, tree):
    never = create_team(actor=None, unit=tree.coc_leu, name="Tổ CNS mới lập")
    page = client_for("commune_officer").get("/don-vi/02647/hoat-dong/")
    names = [t.name for t in page.context["team_rows"]]
    assert names == [never.name, "Tổ CNS Kim Tân", "Tổ CNS Cốc Lếu"]
    summary = page.context["summary"]
    assert (summary.teams, summary.silent, summary.never, summary.reports_30d) == (3, 2, 1, 2)


def test_outsider_cannot_supervise_another_province(client_for, field, tree):
    assert client_for("outsider").get(f"/don-vi/{tree.phuong_lao_cai.code}/hoat-dong/").status_code == 404
    assert client_for("outsider").get(f"/hoat-dong/?don-vi={tree.phuong_lao_cai.code}").status_code == 404


def test_feed_lists_in_scope_reports_without_n_plus_1(client_for, field, django_assert_max_num_queries):
    client = client_for("province_officer")
    with django_assert_max_num_queries(14):
        page = client.get("/hoat-dong/")
    assert page.context["page"].paginator.count == 4
    assert client_for("commune_officer").get("/hoat-dong/").context["page"].paginator.count == 3


def test_commune_with_many_teams_needs_no_query_per_team(
    tree, people, django_assert_max_num_queries, client_for
):
    for i in range(12):
        village = make_unit(f"02647-{100 + i}", f"Tổ dân phố {i}", "village", tree.phuong_lao_cai)
        team = create_team(actor=None, unit=village, name=f"Tổ CNS {i}")
        report(people.admin, team, i, vneid=(1, 1))
    client = client_for("commune_officer")
    with django_assert_max_num_queries(14):
        page = client.get("/don-vi/02647/hoat-dong/")
        assert len(list(page.context["team_rows"])) == 12


def test_team_list_names_each_leader_and_gives_officers_the_phone(client_for, field, tree):
    """Whom to call about a silent team: its leader, with the phone for officers only."""
    officer = client_for("commune_officer").get("/don-vi/02647/hoat-dong/")
    rows = {t.name: t for t in officer.context["team_rows"]}
    assert (rows["Tổ CNS Cốc Lếu"].leader_name, rows["Tổ CNS Cốc Lếu"].leader_phone) == (
        "Nguyễn Văn Tổ",
        "0912345678",
    )
    html = officer.content.decode()
    assert "Tổ trưởng: Nguyễn Văn Tổ · 0912345678" in html
    assert "Chưa có tổ trưởng" in html.split("Tổ CNS Kim Tân")[1].split("</li>")[0]

    leader = client_for("team_leader").get(f"/don-vi/{tree.coc_leu.code}/hoat-dong/")
    assert leader.status_code == 200
    [row] = leader.context["team_rows"]
    assert row.leader_name == "Nguyễn Văn Tổ" and row.leader_phone == ""
    assert "0912345678" not in leader.content.decode()
