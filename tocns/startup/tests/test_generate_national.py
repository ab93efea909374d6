import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from tocns.activities import totals
from tocns.activities.models import (
    Activity,
    AreaMonth,
    AreaMonthOutcome,
    Outcome,
    TeamLastReport,
    TeamMonth,
    TeamMonthOutcome,
    TeamWeek,
    TeamYear,
    TeamYearOutcome,
)
from tocns.startup import national
from tocns.teams.models import Member, Team
from tocns.units.models import Unit, UnitKind

SCALE = 0.003  # about 300 villages and 240 teams: every province has a few


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_national", "--scale", str(SCALE), "--seed", "7", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated(db) -> str:
    return generate()


def every_total():
    return {
        "team_months": sorted(
            TeamMonth.objects.values_list(
                "team_id", "month", "unit_path", "area_path", "reports", "people", "households", "weeks"
            )
        ),
        "team_outcomes": sorted(
            TeamMonthOutcome.objects.values_list(
                "team_id", "month", "service_id", "unit_path", "area_path", "guided", "completed"
            )
        ),
        "years": sorted(
            TeamYear.objects.values_list(
                "team_id", "year", "unit_path", "area_path", "reports", "people", "households", "weeks"
            )
        ),
        "team_years": sorted(
            TeamYearOutcome.objects.values_list(
                "team_id", "year", "service_id", "unit_path", "area_path", "guided", "completed"
            )
        ),
        "area_months": sorted(
            AreaMonth.objects.values_list("area_path", "month", "reports", "people", "households")
        ),
        "area_outcomes": sorted(
            AreaMonthOutcome.objects.values_list("area_path", "month", "service_id", "guided", "completed")
        ),
        "weeks": sorted(TeamWeek.objects.values_list("team_id", "week", "area_path", "reports")),
        "last": sorted(TeamLastReport.objects.values_list("team_id", "area_path", "last_date")),
    }


def test_counts_scale_as_documented_and_every_row_is_labelled_synthetic(generated):
    expected = national.expected(SCALE)
    villages = Unit.objects.filter(kind=UnitKind.VILLAGE)
    counts = {
        "villages": villages.count(),
        "teams": Team.objects.count(),
        "members": Member.objects.count(),
        "activities": Activity.objects.count(),
        "outcomes": Outcome.objects.count(),
    }
    for name, count in counts.items():
        assert 0.75 * expected[name] < count < 1.25 * expected[name], (name, count, expected[name])
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 34
    assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == 3321
    assert not villages.exclude(is_synthetic=True).exists()
    assert not villages.exclude(name__contains="(mô phỏng)").exists()
    assert not villages.filter(Q(households__lt=40) | Q(households__gt=300)).exists()
    # Every province has villages with teams, however small the scale.
    provinces_with_teams = {path.split("/")[1] for path in Team.objects.values_list("unit__path", flat=True)}
    assert len(provinces_with_teams) == 34
    assert "outcomes" in generated and "rows/s" in generated


def test_reports_cover_the_last_year_with_two_or_three_services_and_completed_within_guided(generated):
    today = timezone.localdate()
    assert not Activity.objects.filter(date__lt=today - datetime.timedelta(days=363)).exists()
    assert not Activity.objects.filter(date__gt=today).exists()
    assert not Outcome.objects.filter(completed__gt=F("guided")).exists()
    per_activity = set(Activity.objects.annotate(n=Count("outcomes")).values_list("n", flat=True).distinct())
    assert per_activity == {2, 3}
    # The mix of demo.py: teams reporting most weeks, teams now and then, teams only on paper.
    per_team = dict(Activity.objects.values("team_id").annotate(n=Count("pk")).values_list("team_id", "n"))
    teams = Team.objects.count()
    paper = teams - len(per_team)
    regular = sum(1 for n in per_team.values() if n > national.OCCASIONAL_REPORTS[1])
    assert 0.1 < paper / teams < 0.3 and 0.4 < regular / teams < 0.7


def test_totals_built_in_sql_equal_what_rebuild_computes(generated):
    built = every_total()
    assert built["team_months"] and built["weeks"] and built["last"]
    totals.rebuild()
    assert every_total() == built


def test_a_provinces_area_months_add_up_to_its_communes_and_to_the_raw_reports(generated):
    province = (
        Unit.objects.filter(kind=UnitKind.PROVINCE)
        .annotate(n=Count("children__children__teams"))
        .order_by("-n")
        .first()
    )
    communes = Unit.objects.filter(parent=province, kind=UnitKind.COMMUNE)
    fields = {"r": Sum("reports"), "p": Sum("people"), "h": Sum("households")}
    whole = AreaMonth.objects.filter(area_path__startswith=province.path).aggregate(**fields)
    parts = [AreaMonth.objects.filter(area_path__startswith=c.path).aggregate(**fields) for c in communes]
    assert whole["r"] > 0
    assert whole == {key: sum(p[key] or 0 for p in parts) for key in fields}
    raw = Activity.objects.filter(unit_path__startswith=province.path).aggregate(
        r=Count("pk"), p=Sum("people_reached"), h=Sum("households_reached")
    )
    assert whole == raw
    by_service = dict(
        AreaMonthOutcome.objects.filter(area_path__startswith=province.path)
        .values("service_id")
        .annotate(c=Sum("completed"))
        .values_list("service_id", "c")
    )
    raw_by_service = dict(
        Outcome.objects.filter(activity__unit_path__startswith=province.path)
        .values("service_id")
        .annotate(c=Sum("completed"))
        .values_list("service_id", "c")
    )
    assert by_service == raw_by_service


def test_refuses_a_database_with_real_teams_unless_forced(tree):
    Team.objects.create(unit=tree.coc_leu, name="Tổ CNS Cốc Lếu")
    with pytest.raises(CommandError, match="--force"):
        generate()
    assert not Unit.objects.filter(is_synthetic=True).exists()
    generate("--force")
    generate("--force")  # again: new villages are numbered after the ones there
    villages = Unit.objects.filter(kind=UnitKind.VILLAGE, is_synthetic=True)
    assert villages.count() > 0 and villages.values("code").distinct().count() == villages.count()
    assert Team.objects.filter(unit__is_synthetic=False).count() == 1
