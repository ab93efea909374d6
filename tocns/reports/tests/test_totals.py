import datetime
import uuid

from django.utils import timezone

from tocns.activities import totals
from tocns.activities.models import (
    Activity,
    AreaMonth,
    AreaMonthOutcome,
    TeamLastReport,
    TeamMonth,
    TeamMonthOutcome,
    TeamWeek,
    TeamYear,
    TeamYearOutcome,
)
from tocns.activities.selectors import with_details
from tocns.activities.services import OutcomeInput, ReportInput, edit_report, file_report


def snapshot():
    """Every total row with something in it (an edit may leave a row at zero; a rebuild never makes one)."""

    def nonzero(rows, values=3):
        return [
            row
            for row in rows
            if any(isinstance(v, int) and v for v in row[-values:] if not isinstance(v, bool))
        ]

    raw = {
        "team": sorted(
            TeamMonth.objects.values_list("team_id", "month", "reports", "people", "households", "weeks")
        ),
        "team_outcomes": sorted(
            TeamMonthOutcome.objects.values_list("team_id", "month", "service__code", "guided", "completed")
        ),
        "years": sorted(
            TeamYear.objects.values_list("team_id", "year", "reports", "people", "households", "weeks")
        ),
        "team_years": sorted(
            TeamYearOutcome.objects.values_list("team_id", "year", "service__code", "guided", "completed")
        ),
        "area": sorted(
            AreaMonth.objects.values_list("area_path", "month", "reports", "people", "households")
        ),
        "area_outcomes": sorted(
            AreaMonthOutcome.objects.values_list("area_path", "month", "service__code", "guided", "completed")
        ),
    }
    raw["weeks"] = sorted(TeamWeek.objects.values_list("team_id", "week", "area_path", "reports"))
    raw["last"] = sorted(TeamLastReport.objects.values_list("team_id", "last_date"))
    return {
        name: rows if name == "last" else nonzero(rows, 4 if name in ("team", "years") else 3)
        for name, rows in raw.items()
    }


def test_running_totals_equal_a_rebuild_from_raw_reports(rosters, people):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=10)
    reports = []
    for team, day, outcomes, people_reached in [
        (rosters.coc_leu, today, [("vneid", 5, 4)], 6),
        (rosters.coc_leu, today, [("vneid", 2, 2), ("cashless", 3, 1)], 0),
        (rosters.coc_leu, last_month, [("vssid", 7, 7)], 9),
        (rosters.lung_cu, today, [("vneid", 1, 0)], 0),
    ]:
        activity, _created = file_report(
            actor=people.admin,
            report_id=uuid.uuid4(),
            data=ReportInput(
                team=team.pk,
                date=day,
                people_reached=people_reached,
                households_reached=2,
                outcomes=[OutcomeInput(*o) for o in outcomes],
            ),
        )
        reports.append(activity)
    # The admin files the first report again (no change) and edits the second: another service, another month.
    file_report(
        actor=people.admin, report_id=reports[0].pk, data=ReportInput(team=rosters.coc_leu.pk, date=today)
    )
    edited = with_details(Activity.objects.filter(pk=reports[1].pk)).get()
    edited.created_by = people.admin
    edit_report(
        actor=people.admin,
        activity=edited,
        data=ReportInput(team=rosters.coc_leu.pk, date=last_month, outcomes=[OutcomeInput("cashless", 4, 4)]),
    )
    running = snapshot()
    totals.rebuild()
    assert snapshot() == running
    area = totals.area_of(rosters.coc_leu.unit.path)
    this_month = AreaMonthOutcome.objects.get(
        area_path=area, month=today.replace(day=1), service__code="vneid"
    )
    assert (this_month.guided, this_month.completed) == (5, 4)
    previous = dict(
        AreaMonthOutcome.objects.filter(area_path=area, month=last_month.replace(day=1)).values_list(
            "service__code", "completed"
        )
    )
    assert previous == {"vssid": 7, "cashless": 4}
    assert TeamLastReport.objects.get(team=rosters.coc_leu).last_date == today


def test_area_of_cuts_after_the_commune():
    assert totals.area_of("/15/02647/02647-001/") == "/15/02647/"
    assert totals.area_of("/15/02647/") == "/15/02647/"
    assert totals.area_of("/15/") == "/15/"


def test_a_week_counts_once_in_the_month_of_its_monday(rosters, people):
    """Thursday 1 October 2026 is in the week of Monday 28 September: that week is September's."""

    def file(day):
        activity, _created = file_report(
            actor=people.admin,
            report_id=uuid.uuid4(),
            data=ReportInput(team=rosters.coc_leu.pk, date=day, people_reached=1),
        )
        return activity

    def weeks():
        return dict(
            TeamMonth.objects.filter(team=rosters.coc_leu).values_list("month", "weeks").order_by("month")
        )

    sep, oct_ = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)
    first = file(datetime.date(2026, 10, 1))
    file(datetime.date(2026, 10, 2))  # the same week again: still one week
    assert weeks() == {sep: 1, oct_: 0}
    assert TeamMonth.objects.get(team=rosters.coc_leu, month=oct_).reports == 2
    edited = with_details(Activity.objects.filter(pk=first.pk)).get()
    edited.created_by = people.admin
    edit_report(
        actor=people.admin,
        activity=edited,
        data=ReportInput(team=rosters.coc_leu.pk, date=datetime.date(2026, 10, 5), people_reached=1),
    )
    assert weeks() == {sep: 1, oct_: 1}
    running = snapshot()
    totals.rebuild()
    assert snapshot() == running


def test_a_report_after_its_commune_merged_still_counts(tree, rosters, people):
    """Communes merge (2025 cut 10,000 to 3,321): the villages move under the new commune and their paths
    change mid-month. A team's month already holds reports under the old path; the next report must add
    to it, and a rebuild from the raw reports must agree."""
    from tocns.units.services import merge_units

    today = timezone.localdate()

    def file(outcomes):
        file_report(
            actor=people.admin,
            report_id=uuid.uuid4(),
            data=ReportInput(
                team=rosters.coc_leu.pk,
                date=today,
                people_reached=4,
                outcomes=[OutcomeInput(code, g, c) for code, g, c in outcomes],
            ),
        )

    file([("vneid", 2, 1)])
    merge_units(
        sources=[tree.phuong_lao_cai, tree.muong_khuong],
        new_name="Phường Lào Cai mới",
        new_code="02999",
        effective_date=today,
    )
    file([("vneid", 4, 3)])
    month = today.replace(day=1)
    row = TeamMonth.objects.get(team=rosters.coc_leu, month=month)
    assert (row.reports, row.people) == (2, 8)
    assert row.unit_path.startswith("/15/02999/")  # the team's month follows it to the new commune
    outcome = TeamMonthOutcome.objects.get(team=rosters.coc_leu, month=month, service__code="vneid")
    assert (outcome.guided, outcome.completed) == (6, 4)
    year = TeamYearOutcome.objects.get(team=rosters.coc_leu, year=today.year, service__code="vneid")
    assert (year.guided, year.completed, year.unit_path) == (6, 4, row.unit_path)
    whole = TeamYear.objects.get(team=rosters.coc_leu, year=today.year)
    assert (whole.reports, whole.people, whole.unit_path) == (2, 8, row.unit_path)
    running = snapshot()
    totals.rebuild()
    assert snapshot() == running
