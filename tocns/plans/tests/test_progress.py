import datetime

from django.utils import timezone

from tocns.plans import services
from tocns.plans.models import Indicator, PlanStatus
from tocns.plans.selectors import DONE, ON_TRACK, OVERDUE, elapsed_share, plan_page

from .conftest import report


def rows_by_name(target_row):
    return {row.share.recipient.name: row.progress for row in target_row.shares}


def test_a_report_made_now_moves_the_targets_and_shares_now(
    vneid_target, province_plan, people, rosters, tree
):
    before = plan_page(province_plan).targets[0]
    assert before.progress.actual == 0
    report(people.team_member, rosters.coc_leu, completed=12)
    after = plan_page(province_plan).targets[0]
    assert after.progress.actual == 12 and after.progress.target == 1000
    shares = rows_by_name(after)
    assert (shares["Phường Lào Cai"].actual, shares["Xã Mường Khương"].actual) == (12, 0)
    assert shares["Phường Lào Cai"].percent == round(100 * 12 / 863)
    # A report for the other province does not count here.
    report(people.outsider, rosters.lung_cu, completed=5)
    assert plan_page(province_plan).targets[0].progress.actual == 12


def test_commune_plan_counts_per_team_and_per_village(vneid_target, province_plan, people, rosters, tree):
    services.cascade_to_children(actor=None, plan=province_plan)
    commune_plan = province_plan.children.get(unit=tree.phuong_lao_cai)
    village_target = services.add_target(
        actor=None, plan=commune_plan, indicator=Indicator.ACTIVITIES, value=40, split_to="units"
    )
    report(people.team_member, rosters.coc_leu, completed=7)
    report(people.team_member, rosters.coc_leu, completed=2)
    page = plan_page(commune_plan)
    by_target = {row.target.pk: row for row in page.targets}
    vneid_row = next(row for row in page.targets if row.target.indicator == Indicator.SERVICE_COMPLETED)
    assert vneid_row.progress.actual == 9
    assert rows_by_name(vneid_row)["Tổ CNS Cốc Lếu"].actual == 9
    villages = rows_by_name(by_target[village_target.pk])
    assert (villages["Tổ dân phố Cốc Lếu"].actual, villages["Tổ dân phố Kim Tân"].actual) == (2, 0)
    assert sum(row.share.value for row in by_target[village_target.pk].shares) == 40


def test_households_share_is_households_reached_over_households(province_plan, people, rosters, tree):
    services.add_target(actor=None, plan=province_plan, indicator=Indicator.HOUSEHOLDS_SHARE, value=50)
    report(people.team_member, rosters.coc_leu, households=32)
    row = plan_page(province_plan).targets[0]
    # Lào Cai has 320 + 280 + 95 = 695 households; Phường Lào Cai 600.
    assert row.progress.actual == round(100 * 32 / 695, 1)
    assert rows_by_name(row)["Phường Lào Cai"].actual == round(100 * 32 / 600, 1)
    assert row.progress.percentage


def test_on_pace_compares_with_the_share_of_the_year_gone_by(vneid_target, province_plan, people, rosters):
    report(people.team_member, rosters.coc_leu, completed=100)
    july = datetime.date(province_plan.year, 7, 2)  # day 183 of the year: about half
    row = plan_page(province_plan, today=july).targets[0]
    assert row.progress.expected == float(1000 * elapsed_share(province_plan.year, july))
    assert not row.progress.on_pace
    assert plan_page(province_plan, today=datetime.date(province_plan.year, 1, 1)).targets[0].progress.on_pace
    assert elapsed_share(province_plan.year, datetime.date(province_plan.year + 1, 1, 1)) == 1


def _task(plan, team, **values):
    return services.add_task(actor=None, plan=plan, team=team, title="Hướng dẫn kích hoạt VNeID", **values)


def test_task_status_comes_from_reports(province_plan, people, rosters, vneid, this_year):
    done = _task(
        province_plan,
        rosters.coc_leu,
        deadline=datetime.date(this_year, 12, 31),
        indicator=Indicator.SERVICE_COMPLETED,
        service=vneid,
        target_value=5,
    )
    on_track = _task(
        province_plan,
        rosters.coc_leu,
        deadline=datetime.date(this_year, 12, 31),
        indicator=Indicator.ACTIVITIES,
        target_value=50,
    )
    statuses = {row.task.pk: row.status for row in plan_page(province_plan).tasks}
    assert statuses == {done.pk: ON_TRACK, on_track.pk: ON_TRACK}
    report(people.team_member, rosters.coc_leu, completed=5)
    rows = {row.task.pk: row for row in plan_page(province_plan).tasks}
    assert (rows[done.pk].status, rows[done.pk].progress) == (DONE, 5)
    assert (rows[on_track.pk].status, rows[on_track.pk].progress) == (ON_TRACK, 1)


def test_a_deadline_mid_month_counts_the_whole_month(province_plan, people, rosters, vneid, this_year):
    first_of_month = timezone.localdate().replace(day=1)
    task = _task(
        province_plan,
        rosters.coc_leu,
        deadline=first_of_month,
        indicator=Indicator.SERVICE_COMPLETED,
        service=vneid,
        target_value=3,
    )
    report(people.team_member, rosters.coc_leu, completed=3)  # dated today, on or after the deadline
    row = plan_page(province_plan).tasks[0]
    assert row.task == task and row.progress == 3 and row.status == DONE


def test_a_task_past_its_deadline_and_not_done_is_overdue(people, rosters, tree, vneid, this_year):
    last_year = services.create_plan(
        actor=None, unit=tree.lao_cai, year=this_year - 1, title="KH năm trước", status=PlanStatus.ACTIVE
    )
    counted = _task(
        last_year,
        rosters.coc_leu,
        deadline=datetime.date(this_year - 1, 12, 31),
        indicator=Indicator.SERVICE_COMPLETED,
        service=vneid,
        target_value=1,
    )
    typed = services.add_task(
        actor=None,
        plan=last_year,
        team=rosters.coc_leu,
        title="Họp tổ",
        deadline=datetime.date(this_year - 1, 6, 30),
    )
    report(people.team_member, rosters.coc_leu, completed=4)  # this year: outside last year's plan
    statuses = {row.task.pk: row.status for row in plan_page(last_year).tasks}
    assert statuses == {counted.pk: OVERDUE, typed.pk: OVERDUE}
    services.mark_task_done(actor=people.province_officer, task=typed)
    statuses = {row.task.pk: row.status for row in plan_page(last_year).tasks}
    assert statuses == {counted.pk: OVERDUE, typed.pk: DONE}


def test_only_a_task_without_an_indicator_is_marked_done_by_hand(province_plan, rosters, vneid, this_year):
    import pytest
    from django.core.exceptions import ValidationError

    task = _task(
        province_plan,
        rosters.coc_leu,
        deadline=datetime.date(this_year, 12, 31),
        indicator=Indicator.SERVICE_COMPLETED,
        service=vneid,
        target_value=5,
    )
    with pytest.raises(ValidationError):
        services.mark_task_done(actor=None, task=task)
    with pytest.raises(ValidationError):  # a team of another province
        _task(province_plan, rosters.lung_cu, deadline=datetime.date(this_year, 12, 31))
    with pytest.raises(ValidationError):  # a deadline outside the plan's year
        _task(province_plan, rosters.coc_leu, deadline=datetime.date(this_year + 1, 1, 31))


def test_households_per_path_equal_the_villages_below_it(tree):
    """Households.of sums up each village's path once; it gives what scanning the villages gives."""
    from tocns.conftest import make_unit
    from tocns.plans.selectors import Households
    from tocns.units.models import Unit, UnitKind

    make_unit("02953-002", "Thôn Không Số Hộ", UnitKind.VILLAGE, tree.muong_khuong)  # households unknown
    households = Households(tree.lao_cai.path)
    villages = list(Unit.objects.current().filter(kind=UnitKind.VILLAGE).values_list("path", "households"))

    def scanned(path):
        return sum(h or 0 for p, h in villages if p.startswith(path))

    assert households.of(tree.lao_cai.path) == 320 + 280 + 95 == scanned(tree.lao_cai.path)
    for unit in Unit.objects.filter(path__startswith=tree.lao_cai.path):
        assert households.of(unit.path) == scanned(unit.path), unit.name
    assert households.of(tree.dong_van.path) == 0  # outside the plan's unit
    assert households.of(tree.phuong_lao_cai.path[:-1]) == scanned(tree.phuong_lao_cai.path[:-1])
