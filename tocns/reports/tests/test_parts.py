"""A province's and the country's dashboards summed from kept per-commune parts (reports.parts) give the
figures computed per request, and every write a dashboard counts shows on them at once."""

import datetime

import pytest
from django.utils import timezone

from tocns.activities.models import Activity
from tocns.activities.services import OutcomeInput, ReportInput, edit_report
from tocns.core.models import AreaStamp
from tocns.evaluation.models import ScoreWeights
from tocns.evaluation.scoring import Period
from tocns.reports import parts, selectors
from tocns.reports.tests.test_dashboard import report
from tocns.teams import scope as team_scope
from tocns.teams.services import add_member, create_team, member_leaves, update_member, update_team


def snapshot(board) -> dict:
    """Every figure a dashboard page shows."""
    return {
        "months": board.months,
        "services": [(s.service.code, s.guided, s.completed, s.target) for s in board.services],
        "reports": board.reports,
        "people": board.people,
        "classes": board.classes,
        "coverage": board.coverage,
        "children": [
            (
                r.label,
                r.unit.pk if r.unit else None,
                r.reports,
                r.people,
                r.completed,
                r.teams,
                r.effective,
                r.paper,
                r.villages,
                r.villages_with_team,
            )
            for r in board.children
        ],
        "follow_up": [
            (s.team.pk, s.score, s.klass, s.reasons) for s in board.follow_up[: parts.FOLLOW_UP_SHOWN]
        ],
        "follow_up_total": board.follow_up_total,
    }


def boards(unit, user, period=None):
    """(the dashboard from kept parts, the dashboard computed per request) of the unit, as the user sees it."""
    period = period or Period.parse(None)
    teams = team_scope.teams_under(user, unit)
    targets = selectors.targets_for(unit, period)
    kept = parts.dashboard(unit, period, teams, targets=targets, kept=True)
    computed = selectors.build(unit, period, teams, targets=targets)
    return kept, computed


@pytest.fixture
def busy_province(tree, people, rosters):
    """Lào Cai with teams of every class: reporting, weak, only on paper, attached to the province, and one
    more commune than ONE_BY_ONE computes one by one."""
    from tocns.conftest import make_unit

    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    add_member(actor=None, team=kim_tan, full_name="Lò Thị Mai", birth_year=1990, has_smartphone=True)
    create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")  # never reports: only on paper
    province_team = create_team(actor=None, unit=tree.lao_cai, name="Tổ CNS cấp tỉnh")
    report(people.admin, rosters.coc_leu, vneid=(5, 4), cashless=(2, 2))
    report(people.admin, kim_tan, vneid=(3, 1))
    report(people.admin, province_team, vssid=(1, 1))
    for i in range(parts.ONE_BY_ONE + 1):
        commune = make_unit(f"0299{i}", f"Xã Thử {i}", "commune", tree.lao_cai)
        village = make_unit(f"0299{i}-001", f"Thôn Thử {i}", "village", commune, households=50 + i)
        team = create_team(actor=None, unit=village, name=f"Tổ Thử {i}")
        if i % 2:
            report(people.admin, team, vneid=(i, i))
    return tree.lao_cai


def test_a_province_from_kept_parts_equals_the_province_computed_per_request(busy_province, people):
    kept, computed = boards(busy_province, people.province_officer)
    assert snapshot(kept) == snapshot(computed)
    assert kept.reports == 7 and kept.follow_up_total >= 2
    assert {r.label for r in kept.children} >= {"Tổ trực thuộc Lào Cai", "Xã Thử 0"}
    # Asked again: every part comes from those kept, with the same figures.
    before = len(parts.KEPT)
    assert snapshot(boards(busy_province, people.province_officer)[0]) == snapshot(computed)
    assert len(parts.KEPT) == before


def test_parts_computed_one_by_one_equal_parts_of_the_whole_province(busy_province, people):
    period, on = Period.parse(None), timezone.localdate()
    areas = parts._areas(busy_province, list(busy_province.children.all()))[busy_province.path]
    whole = parts.compute(busy_province.path, period, on)
    alone = parts.compute(busy_province.path, period, on, areas)

    empty = _figures(parts.AreaPart())
    assert {a: _figures(p) for a, p in whole.items()} == {
        a: _figures(p) for a, p in alone.items() if _figures(p) != empty
    }


def test_the_country_from_kept_parts_adds_up_to_its_provinces(
    client_for, busy_province, tree, rosters, people
):
    """The country's rows are its provinces' dashboards (each with its own weights), and its headline
    figures their sum."""
    ScoreWeights.objects.create(
        unit=tree.tuyen_quang, regularity=10, reach=10, targets=10, capacity=70, citizen=0, grace_days=30
    )
    report(people.admin, rosters.lung_cu, vneid=(2, 2))
    country = client_for("admin").get("/so-lieu/").context["board"]
    admin = client_for("admin")
    rows = {r.label: r for r in country.children}
    for province in (busy_province, tree.tuyen_quang):
        own = admin.get(f"/don-vi/{province.code}/so-lieu/").context["board"]
        row = rows[province.name]
        assert (row.reports, row.completed, row.teams, row.effective, row.paper) == (
            own.reports,
            own.completed,
            own.teams,
            own.count("effective"),
            own.count("paper"),
        )
        assert (row.villages, row.villages_with_team) == (
            own.coverage.villages,
            own.coverage.villages_with_team,
        )
    assert country.reports == sum(r.reports for r in country.children) == 8
    assert country.coverage.members == sum(
        admin.get(f"/don-vi/{p.code}/so-lieu/").context["board"].coverage.members
        for p in (busy_province, tree.tuyen_quang)
    )


def _figures(part) -> tuple:
    return (
        part.months,
        part.people,
        part.services,
        part.classes,
        part.coverage,
        [(s.team.pk, s.score, s.klass, s.reasons) for s in part.follow_up],
        part.follow_count,
    )


def _more_provinces(people, n: int, first: int = 90) -> list:
    """n provinces, each with a commune, a village and a team that has reported."""
    from tocns.conftest import make_unit

    made = []
    for code in range(first, first + n):
        province = make_unit(str(code), f"Tỉnh Thử {code}", "province")
        commune = make_unit(f"{code}001", f"Xã Thử {code}", "commune", province)
        village = make_unit(f"{code}001-001", f"Thôn Thử {code}", "village", commune, households=80)
        team = create_team(actor=None, unit=village, name=f"Tổ Thử {code}")
        add_member(actor=None, team=team, full_name="Hà Văn Thử", birth_year=1980, has_smartphone=True)
        report(people.admin, team, vneid=(code % 7 + 5, code % 5))
        made.append(province)
    return made


def test_the_country_in_one_pass_equals_its_provinces_one_by_one(busy_province, tree, rosters, people):
    """Each province's teams are scored with its own weights, the provinces that weigh alike together."""
    report(people.admin, rosters.lung_cu, vneid=(2, 2))
    extra = _more_provinces(people, 2)
    alike = dict(regularity=10, reach=10, targets=10, capacity=70, citizen=0)
    for province in (tree.tuyen_quang, extra[0]):  # two provinces with the same weights of their own
        ScoreWeights.objects.create(unit=province, **alike)
    ScoreWeights.objects.create(unit=extra[1], regularity=0, reach=100, targets=0, capacity=0, citizen=0)
    period, on = Period.parse(None), timezone.localdate()
    country = parts.compute_country(period, on)
    one_by_one = {}
    for province in (busy_province, tree.tuyen_quang, *extra):
        one_by_one.update(parts.compute(province.path, period, on))
    empty = _figures(parts.AreaPart())
    assert {a: _figures(p) for a, p in country.items()} == {
        a: _figures(p) for a, p in one_by_one.items() if _figures(p) != empty
    }
    weighed = {s.team.unit.path: s.score for p in country.values() for s in p.follow_up}
    assert len(set(weighed.values())) > 1  # the weights made a difference somewhere


def test_the_country_computed_again_costs_the_same_queries_whatever_its_provinces(
    client_for, busy_province, tree, rosters, people
):
    """After every stamp changed (a bulk load, a restart), the country's page computes everything in one
    pass: the same queries with 2 provinces or 6 (one pass per province cost some ten each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tocns.core import stamps

    admin = client_for("admin")

    def cold() -> tuple[int, int]:
        stamps.touch_all()
        with CaptureQueriesContext(connection) as queries:
            board = admin.get("/so-lieu/").context["board"]
        return len(queries), board.reports

    few, reports = cold()
    _more_provinces(people, 4)
    many, more_reports = cold()
    assert more_reports == reports + 4
    assert many == few


def _report_now(people, rosters):
    report(people.admin, rosters.coc_leu, vneid=(7, 7))


def _edit_report(people, rosters):
    activity = Activity.objects.filter(team=rosters.coc_leu).latest("created_at")
    edit_report(
        actor=people.admin,
        activity=activity,
        data=ReportInput(team=rosters.coc_leu.pk, date=activity.date, outcomes=[OutcomeInput("vneid", 9, 9)]),
    )


def _add_member(people, rosters):
    add_member(
        actor=None, team=rosters.coc_leu, full_name="Giàng A Páo", birth_year=1999, has_smartphone=True
    )


def _member_leaves(people, rosters):
    member_leaves(actor=None, member=rosters.coc_leu.members.order_by("pk").last())


def _smartphone(people, rosters):
    member = rosters.coc_leu.members.order_by("pk").first()
    update_member(actor=None, member=member, has_smartphone=not member.has_smartphone)


def _new_team(people, rosters):
    from tocns.units.models import Unit

    create_team(actor=None, unit=Unit.objects.get(code="02953-001"), name="Tổ CNS Na Lang")


def _team_dissolved(people, rosters):
    from tocns.teams.models import TeamStatus

    update_team(actor=None, team=rosters.coc_leu, status=TeamStatus.DISSOLVED)


def _trained(people, rosters):
    from tocns.training.models import Course
    from tocns.training.services import create_session, enrol, mark_attendance
    from tocns.units.models import Unit

    course = Course.objects.create(code="an-toan", area="safety", title="An toàn trên mạng")
    session = create_session(
        actor=people.admin,
        course=course,
        unit=Unit.objects.get(code="02647"),
        date=timezone.localdate(),
        place="Nhà văn hóa",
        trainer="Cán bộ xã",
        capacity=20,
    )
    members = list(rosters.coc_leu.members.all())
    enrol(actor=people.admin, session=session, members=members)
    mark_attendance(actor=people.admin, session=session, present_ids={m.pk for m in members})


def _weights(people, rosters):
    from tocns.units.models import Unit

    ScoreWeights.objects.create(
        unit=Unit.objects.get(code="15"), regularity=5, reach=5, targets=0, capacity=90, citizen=0
    )


def _households(people, rosters):
    from tocns.units.models import Unit
    from tocns.units.services import update_village

    village = Unit.objects.get(code="02647-001")
    update_village(unit=village, name=village.name, households=4, actor=people.admin)


def _village_import(people, rosters):
    from tocns.conftest import xlsx_bytes
    from tocns.units.village_import import apply_villages, read_villages

    data = xlsx_bytes([["Mã xã", "Tên thôn", "Số hộ"], ["02953", "Thôn Pha Long", 120]])
    assert apply_villages(read_villages(data), actor=people.admin).written


def _roster_import(people, rosters):
    from tocns.teams.roster_import import apply_roster, read_roster
    from tocns.teams.tests.test_roster_import import roster_file, row

    data = roster_file(row(village="Thôn Na Lang", code="02953", name="Vàng Seo Chứ", team="Tổ CNS Na Lang"))
    assert apply_roster(read_roster(data)).written


def _plan(people, rosters):
    from tocns.catalogue.models import DigitalService
    from tocns.plans import services
    from tocns.plans.models import Indicator, PlanStatus
    from tocns.units.models import Unit

    plan = services.create_plan(
        actor=people.admin,
        unit=Unit.objects.get(code="02647"),
        year=timezone.localdate().year,
        title="Kế hoạch",
        status=PlanStatus.ACTIVE,
    )
    services.add_target(
        actor=people.admin,
        plan=plan,
        indicator=Indicator.SERVICE_COMPLETED,
        value=10_000,
        service=DigitalService.objects.get(code="vneid"),
        split_to="teams",
    )


def _merge(people, rosters):
    from tocns.units.models import Unit
    from tocns.units.services import merge_units

    merge_units(
        sources=[Unit.objects.get(code="02647"), Unit.objects.get(code="02953")],
        new_name="Phường Lào Cai mới",
        new_code="02999",
        effective_date=timezone.localdate(),
    )


def _rebuild(people, rosters):
    from tocns.activities import totals

    # A report written around the running totals (as a bulk load writes them), then the totals rebuilt.
    Activity.objects.filter(team=rosters.coc_leu).update(people_reached=40)
    totals.rebuild()


WRITES = [
    _report_now,
    _edit_report,
    _add_member,
    _member_leaves,
    _smartphone,
    _new_team,
    _team_dissolved,
    _trained,
    _weights,
    _households,
    _village_import,
    _roster_import,
    _plan,
    _merge,
    _rebuild,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__.strip("_") for w in WRITES])
def test_every_write_a_dashboard_counts_shows_on_the_kept_dashboard_at_once(tree, people, rosters, write):
    report(people.admin, rosters.coc_leu, vneid=(1, 1))
    create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")  # never reports: followed up
    officer = people.province_officer
    before, _computed = boards(tree.lao_cai, officer)
    write(people, rosters)
    kept, computed = boards(tree.lao_cai, officer)
    assert snapshot(kept) == snapshot(computed)
    assert snapshot(kept) != snapshot(before), "the write changed nothing the dashboard shows"


def test_a_write_recomputes_only_its_own_commune(
    busy_province, people, rosters, django_assert_max_num_queries
):
    boards(busy_province, people.province_officer)
    kept = dict(parts.KEPT._items)
    tokens = dict(AreaStamp.objects.values_list("path", "token"))
    report(people.admin, rosters.coc_leu, vneid=(1, 1))
    changed = {p for p, t in AreaStamp.objects.values_list("path", "token") if tokens.get(p) != t}
    assert changed == {"/15/02647/"}
    period = Period.parse(None)
    with django_assert_max_num_queries(15):  # stamps, areas, one commune's parts
        board = parts.dashboard(
            busy_province,
            period,
            team_scope.teams_under(people.province_officer, busy_province),
            targets={},
            kept=True,
        )
    assert board.reports == 8
    new = {slot for slot, item in parts.KEPT._items.items() if kept.get(slot) is not item}
    # The commune's part, the sums brought up to date by its difference, and the dashboard made of them.
    assert {slot[0] for slot in new} == {"/15/02647/", "sums", "board"}
    assert len(parts.KEPT) == len(kept)  # each in place of its older version


def test_a_page_with_nothing_changed_takes_the_kept_sum(
    client_for, busy_province, django_assert_max_num_queries
):
    client = client_for("province_officer")
    first = client.get(f"/don-vi/{busy_province.code}/so-lieu/")
    with django_assert_max_num_queries(9):  # session, user, scope, unit, plan targets, stamps
        again = client.get(f"/don-vi/{busy_province.code}/so-lieu/")
    assert snapshot(again.context["board"]) == snapshot(first.context["board"])
    assert table(again) == table(first) and "/don-vi/02647/so-lieu/" in table(first)
    # Its rows are its own: the view writes their links, the kept sum is not changed.
    again.context["board"].children[0].url = "/khac/"
    assert table(client.get(f"/don-vi/{busy_province.code}/so-lieu/")) == table(first)


def table(page) -> str:
    return page.content.decode().split('id="children"')[1].split("</table>")[0]


def test_kept_parts_are_not_used_on_another_day(busy_province, people, monkeypatch):
    kept, _computed = boards(busy_province, people.province_officer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=61)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    later, computed = boards(
        busy_province, people.province_officer, Period.parse(str(tomorrow.year), tomorrow)
    )
    assert snapshot(later) == snapshot(computed)
    # Sixty-one days on, every team is only on paper: the classes kept for today were not used.
    assert later.count("paper") == later.teams > kept.count("paper")


def test_only_a_viewer_who_sees_every_team_gets_kept_parts(
    client_for, busy_province, people, rosters, monkeypatch
):
    called = []
    monkeypatch.setattr(parts, "board", lambda *a, **k: called.append(a) or pytest.fail("kept parts used"))
    # The commune's page and its export are computed per request.
    assert client_for("commune_officer").get("/don-vi/02647/so-lieu/").status_code == 200
    assert client_for("commune_officer").get("/don-vi/02647/bao-cao.xlsx").status_code == 200
    assert not called


def test_a_provinces_export_from_kept_parts_lists_every_team_to_follow_up(
    client_for, busy_province, people, tree
):
    """The export reuses the parts the dashboard keeps, and still lists every team to follow up, not the
    first ten the page shows: the same rows as computed per request."""
    from openpyxl import load_workbook

    for i in range(parts.FOLLOW_UP_SHOWN + 2):
        create_team(actor=None, unit=tree.na_lang, name=f"Tổ CNS Na Lang {i}")  # on paper: followed up
    officer = client_for("province_officer")
    officer.get("/don-vi/15/so-lieu/")  # the parts are kept
    kept = parts.KEPT.get_many(
        {("sums", busy_province.pk, Period.parse(None).code, timezone.localdate()): None}
    )
    assert kept, "the province's page kept its sums"

    def follow_up_rows(content: bytes) -> list:
        import io

        sheet = load_workbook(io.BytesIO(content)).worksheets[-1]
        return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]

    from_parts = follow_up_rows(officer.get("/don-vi/15/bao-cao.xlsx").content)
    from tocns.reports import export

    board = selectors.build(
        busy_province, Period.parse(None), team_scope.teams_under(people.province_officer, busy_province)
    )
    computed = follow_up_rows(export.render(board, "xlsx", with_phones=True))
    assert len(from_parts) > parts.FOLLOW_UP_SHOWN + 2 and from_parts == computed


def test_a_stamp_token_is_never_reused(tree):
    from tocns.core import stamps

    seen = set()
    for _ in range(20):
        stamps.touch("/15/02647/02647-001/", "/15/")
        seen.update(AreaStamp.objects.filter(path__in=["/15/02647/", "/15/"]).values_list("token", flat=True))
    assert len(seen) == 40  # a village's change goes to its commune's stamp; each touch gives new tokens


def test_kept_parts_are_bounded_and_aged_out(monkeypatch):
    kept = parts.Kept(size=3, max_age=60)
    clock = [1000.0]
    monkeypatch.setattr(parts.time, "monotonic", lambda: clock[0])
    kept.put_many({slot: (1, parts.AreaPart()) for slot in "abcd"})
    assert len(kept) == 3 and set(kept.get_many(dict.fromkeys("abcd", 1))) == {
        "b",
        "c",
        "d",
    }  # oldest dropped
    kept.put_many({"b": (2, parts.AreaPart())})
    assert len(kept) == 3 and set(kept.get_many(dict.fromkeys("bcd", 1))) == {
        "c",
        "d",
    }  # b's version 1 replaced
    clock[0] += 61
    assert kept.get_many(dict.fromkeys("bcd", 1)) == {}  # too old to be used
    kept.put_many({"e": (1, parts.AreaPart())})
    assert len(kept) == 1  # and dropped when parts are added


def test_touches_in_a_batch_are_written_once_at_its_end(tree, django_assert_num_queries):
    from tocns.core import stamps

    before = dict(AreaStamp.objects.values_list("path", "token"))
    with stamps.batch():
        with django_assert_num_queries(0):
            stamps.touch("/15/02647/02647-001/")
            with stamps.batch():  # a batch inside another leaves the writing to the outer one
                stamps.touch("/15/02953/", "/15/02647/02647-002/")
        assert dict(AreaStamp.objects.values_list("path", "token")) == before
    after = dict(AreaStamp.objects.values_list("path", "token"))
    assert {p for p, t in after.items() if before.get(p) != t} == {"/15/02647/", "/15/02953/"}


def _sums(unit, period=None):
    period = period or Period.parse(None)
    slot = ("sums", unit.pk if unit is not None else None, period.code, timezone.localdate())
    return parts.KEPT._items[slot][2]


def test_a_report_changes_the_countrys_sums_by_its_communes_difference(
    client_for, busy_province, tree, rosters, people
):
    """The country's page after a report: its sums are the ones kept, with the reporting commune's old
    part taken out and its new part added (not summed again from every commune), and equal the country
    computed per request."""
    admin = client_for("admin")
    admin.get("/so-lieu/")
    before = _sums(None)
    report(people.admin, rosters.lung_cu, vneid=(2, 1))
    create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang 2")  # on paper: to follow up
    country = admin.get("/so-lieu/").context["board"]
    after = _sums(None)
    assert after is not before and after.made == before.made  # by difference, not from scratch
    assert after.parts["/08/00721/"] is not before.parts["/08/00721/"]
    untouched = [a for a in before.parts if a not in ("/08/00721/", "/15/02953/")]
    assert untouched and all(after.parts[a] is before.parts[a] for a in untouched)
    assert sums_figures(after) == sums_figures(from_scratch(after))
    assert country.reports == sum(before.months.values()) + 1
    assert country.follow_up_total == before.follow_count + 1
    computed = selectors.build(None, Period.parse(None), team_scope.teams_for(people.admin))
    assert [s.team.pk for s in country.follow_up] == [s.team.pk for s in computed.follow_up]


def from_scratch(sums):
    """The same sums made again from parts computed now (nothing kept)."""
    parts.KEPT.clear()
    return parts._from_scratch(None, Period.parse(None), timezone.localdate(), sums.tokens)


def sums_figures(sums) -> tuple:
    return (
        {m: n for m, n in sums.months.items() if n},
        {k: v for k, v in sums.services.items() if v != [0, 0]},
        sums.classes,
        sums.coverage,
        sums.people,
        sums.follow_count,
        sums.adoption,
        {k: v for k, v in sums.rows.items() if any(v)},
        [(key, area, score.team.pk, score.score, score.klass) for key, area, score in sums.follow],
    )


def test_a_provinces_own_stamp_recomputes_its_areas_in_the_countrys_sums(
    client_for, busy_province, tree, people
):
    """Weights are the province's: every area of it is scored again; the other province's parts stay."""
    admin = client_for("admin")
    admin.get("/so-lieu/")
    before = _sums(None)
    ScoreWeights.objects.create(
        unit=busy_province, regularity=70, reach=10, targets=10, capacity=10, citizen=0, grace_days=7
    )
    country = admin.get("/so-lieu/").context["board"]
    after = _sums(None)
    assert after.made == before.made
    assert all(after.parts[a] is not before.parts[a] for a in before.parts if a.startswith("/15/"))
    assert all(after.parts[a] is before.parts[a] for a in before.parts if not a.startswith("/15/"))
    assert sums_figures(after) == sums_figures(from_scratch(after))
    # The province's teams are scored with its new weights on the country's page.
    scores = {s.team.pk: s.score for s in country.follow_up}
    assert scores != {score.team.pk: score.score for _key, _area, score in before.follow}
