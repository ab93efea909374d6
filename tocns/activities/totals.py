"""Keeping the running totals in step with the reports (see models). Called inside the report's own
transaction by activities.services, with +1 when a report is stored and -1/+1 around an edit."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum

from tocns.core import stamps
from tocns.units.models import Unit

from .models import (
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


def month_totals(unit: Unit, start: datetime.date, end: datetime.date) -> tuple[dict, dict]:
    """({month: reports}, {(month, service id): (guided, completed)}) of everything under the unit from
    start to end, read from the running totals: the per-commune ones for a commune or above, else the
    per-team ones."""
    month_model, outcome_model = totals_models(unit)
    in_period = {"month__gte": start, "month__lte": end}
    reports = dict(
        month_model.objects.filter(**area_filter(unit, month_model), **in_period)
        .values("month")
        .annotate(n=Sum("reports"))
        .values_list("month", "n")
        .order_by()
    )
    outcomes = {
        (month, service_id): (guided, completed)
        for month, service_id, guided, completed in outcome_model.objects.filter(
            **area_filter(unit, outcome_model), **in_period
        )
        .values("month", "service_id")
        .annotate(g=Sum("guided"), c=Sum("completed"))
        .values_list("month", "service_id", "g", "c")
        .order_by()
    }
    return reports, outcomes


def totals_models(unit: Unit | None) -> tuple:
    """(month model, outcome model) a unit's own figures are read from."""
    return (AreaMonth, AreaMonthOutcome) if uses_area_totals(unit) else (TeamMonth, TeamMonthOutcome)


def uses_area_totals(unit: Unit | None) -> bool:
    """Province, commune and the whole country read the per-commune totals; a village its teams'."""
    return unit is None or unit.path.count("/") <= 3


def area_filter(unit: Unit | None, model) -> dict:
    if unit is None:
        return {}
    if model in (AreaMonth, AreaMonthOutcome):
        return {"area_path__startswith": unit.path}
    return {"unit_path__startswith": unit.path}


def area_of(path: str) -> str:
    """The commune a unit path belongs to ("/15/02647/02647-001/" -> "/15/02647/"); a province's own path."""
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:2]) + "/"


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _last_report(team_id: int, area: str, day: datetime.date, sign: int) -> None:
    if sign > 0:
        # The area too: a team whose commune merged reports under its new one from now on.
        updated = TeamLastReport.objects.filter(team_id=team_id, last_date__lt=day).update(
            last_date=day, area_path=area
        )
        if not updated:
            TeamLastReport.objects.get_or_create(
                team_id=team_id, defaults={"area_path": area, "last_date": day}
            )
        return

    # Taking a report away: the latest of the others (the report itself is still stored at this point).
    remaining = (
        Activity.objects.filter(team_id=team_id)
        .exclude(date=day)
        .order_by("-date")
        .values_list("date", flat=True)
    )
    same_day = Activity.objects.filter(team_id=team_id, date=day).count()
    latest = day if same_day > 1 else remaining.first()
    if latest is None:
        TeamLastReport.objects.filter(team_id=team_id).delete()
    else:
        TeamLastReport.objects.update_or_create(
            team_id=team_id, defaults={"area_path": area, "last_date": latest}
        )


def _bump(model, keys: dict, paths: dict | None = None, **deltas) -> None:
    """Add the deltas to the row with these keys (its unique key), creating it when missing. ``paths``:
    where the row's team is now, written on every bump: after a merge moves its village, the team's row
    for the month follows it instead of a second row being refused by the unique key."""
    paths = paths or {}
    # UPDATE first: the common case is a row that exists, and F() makes concurrent reports add up.
    added = {k: F(k) + v for k, v in deltas.items()}
    if model.objects.filter(**keys).update(**added, **paths):
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert of the same row wins, then we add
            model.objects.create(**keys, **paths, **{k: max(v, 0) for k, v in deltas.items()})
    except IntegrityError:
        model.objects.filter(**keys).update(**added, **paths)


def apply(activity, sign: int) -> None:
    """Add (sign=+1) or take away (sign=-1) one report and its outcomes."""
    stamps.touch(activity.unit_path)
    month, area = month_of(activity.date), area_of(activity.unit_path)
    paths = {"unit_path": activity.unit_path, "area_path": area}
    counts = {
        "reports": sign,
        "people": sign * activity.people_reached,
        "households": sign * activity.households_reached,
    }
    _bump(TeamMonth, {"team_id": activity.team_id, "month": month}, paths, **counts)
    _bump(TeamYear, {"team_id": activity.team_id, "year": activity.date.year}, paths, **counts)
    _bump(AreaMonth, {"area_path": area, "month": month}, **counts)
    week = week_of(activity.date)
    _bump(TeamWeek, {"team_id": activity.team_id, "week": week}, {"area_path": area}, reports=sign)
    # The week just gained its first report or lost its last: the month of its Monday counts it.
    left = TeamWeek.objects.filter(team_id=activity.team_id, week=week).values_list("reports", flat=True)
    if left.first() == (1 if sign > 0 else 0):
        _bump(TeamMonth, {"team_id": activity.team_id, "month": month_of(week)}, paths, weeks=sign)
        _bump(TeamYear, {"team_id": activity.team_id, "year": week.year}, paths, weeks=sign)
    _last_report(activity.team_id, area, activity.date, sign)

    # Read from the database, not a prefetched list: an edit has just replaced the outcomes.
    for outcome in Outcome.objects.filter(activity_id=activity.pk):
        deltas = {"guided": sign * outcome.guided, "completed": sign * outcome.completed}
        _bump(
            TeamMonthOutcome,
            {"team_id": activity.team_id, "month": month, "service_id": outcome.service_id},
            paths,
            **deltas,
        )
        _bump(
            TeamYearOutcome,
            {"team_id": activity.team_id, "year": activity.date.year, "service_id": outcome.service_id},
            paths,
            **deltas,
        )
        _bump(
            AreaMonthOutcome, {"area_path": area, "month": month, "service_id": outcome.service_id}, **deltas
        )


@transaction.atomic
def rebuild() -> dict:
    """Recompute every total from the raw reports (after a bulk load, or to check the running ones)."""
    from django.db.models.functions import TruncMonth

    stamps.touch_all()
    for model in (
        TeamMonth,
        TeamYear,
        TeamMonthOutcome,
        TeamYearOutcome,
        AreaMonth,
        AreaMonthOutcome,
        TeamWeek,
        TeamLastReport,
    ):
        model.objects.all().delete()
    team_rows = (
        Activity.objects.annotate(m=TruncMonth("date"))
        .values("team_id", "m")
        .annotate(n=Count("pk"), p=Sum("people_reached"), h=Sum("households_reached"))
    )
    weeks: dict = {}
    last: dict = {}
    # A team's rows carry the path of its latest filed report of the month (of the week), as apply() leaves
    # them: a merge may have moved the team in between.
    month_path: dict = {}
    for team_id, unit_path, day, filed in Activity.objects.values_list(
        "team_id", "unit_path", "date", "created_at"
    ).iterator(chunk_size=20000):
        key = (team_id, week_of(day))
        entry = weeks.setdefault(key, [unit_path, 0, filed])
        entry[1] += 1
        if filed >= entry[2]:
            entry[0], entry[2] = unit_path, filed
        seen = month_path.get((team_id, month_of(day)))
        if seen is None or filed >= seen[1]:
            month_path[team_id, month_of(day)] = (unit_path, filed)
        if team_id not in last or day > last[team_id][1]:
            last[team_id] = (area_of(unit_path), day)
    team_months = {}
    for r in team_rows:
        key = (r["team_id"], _day(r["m"]))
        unit_path = month_path[key][0]
        team_months[key] = TeamMonth(
            team_id=r["team_id"],
            month=key[1],
            unit_path=unit_path,
            area_path=area_of(unit_path),
            reports=r["n"],
            people=r["p"] or 0,
            households=r["h"] or 0,
        )
    for (team_id, week), (unit_path, _n, _filed) in weeks.items():
        row = team_months.get((team_id, month_of(week)))
        if row is None:  # a week starting in a month without reports (a report on Thursday the 1st)
            row = team_months[team_id, month_of(week)] = TeamMonth(
                team_id=team_id, month=month_of(week), unit_path=unit_path, area_path=area_of(unit_path)
            )
        row.weeks += 1
    team_months = list(team_months.values())
    TeamMonth.objects.bulk_create(team_months, batch_size=5000)
    # A team's year: its months summed, with the path of its latest filed report of the year.
    year_path = {}
    for (team_id, month), (unit_path, filed) in month_path.items():
        seen = year_path.get((team_id, month.year))
        if seen is None or filed >= seen[1]:
            year_path[team_id, month.year] = (unit_path, filed)
    team_years: dict = {}
    for row in team_months:
        key = (row.team_id, row.month.year)
        if key not in team_years:
            unit_path = year_path[key][0] if key in year_path else row.unit_path
            team_years[key] = TeamYear(
                team_id=row.team_id, year=key[1], unit_path=unit_path, area_path=area_of(unit_path)
            )
        year = team_years[key]
        year.reports += row.reports
        year.people += row.people
        year.households += row.households
        year.weeks += row.weeks
    TeamYear.objects.bulk_create(team_years.values(), batch_size=5000)
    outcome_rows = (
        Outcome.objects.annotate(m=TruncMonth("activity__date"))
        .values("activity__team_id", "m", "service_id")
        .annotate(g=Sum("guided"), c=Sum("completed"))
    )
    team_outcomes = []
    for r in outcome_rows:
        month = _day(r["m"])
        unit_path = month_path[r["activity__team_id"], month][0]
        team_outcomes.append(
            TeamMonthOutcome(
                team_id=r["activity__team_id"],
                month=month,
                service_id=r["service_id"],
                unit_path=unit_path,
                area_path=area_of(unit_path),
                guided=r["g"] or 0,
                completed=r["c"] or 0,
            )
        )
    TeamMonthOutcome.objects.bulk_create(team_outcomes, batch_size=5000)
    # A team's year per service: its months summed, with the path of its latest filed report of the year.
    years: dict = {}
    for row in team_outcomes:
        key = (row.team_id, row.month.year, row.service_id)
        entry = years.setdefault(key, [0, 0])
        entry[0] += row.guided
        entry[1] += row.completed
    TeamYearOutcome.objects.bulk_create(
        [
            TeamYearOutcome(
                team_id=team_id,
                year=year,
                service_id=service_id,
                unit_path=year_path[team_id, year][0],
                area_path=area_of(year_path[team_id, year][0]),
                guided=guided,
                completed=completed,
            )
            for (team_id, year, service_id), (guided, completed) in years.items()
        ],
        batch_size=5000,
    )
    # The commune totals count each report where it was filed (its own path), as apply() does.
    areas: dict = {}
    for r in (
        Activity.objects.annotate(m=TruncMonth("date"))
        .values("unit_path", "m")
        .annotate(n=Count("pk"), p=Sum("people_reached"), h=Sum("households_reached"))
    ):
        entry = areas.setdefault((area_of(r["unit_path"]), _day(r["m"])), [0, 0, 0])
        entry[0] += r["n"]
        entry[1] += r["p"] or 0
        entry[2] += r["h"] or 0
    AreaMonth.objects.bulk_create(
        [
            AreaMonth(area_path=a, month=m, reports=r, people=p, households=h)
            for (a, m), (r, p, h) in areas.items()
        ],
        batch_size=5000,
    )
    area_outcomes: dict = {}
    for r in (
        Outcome.objects.annotate(m=TruncMonth("activity__date"))
        .values("activity__unit_path", "m", "service_id")
        .annotate(g=Sum("guided"), c=Sum("completed"))
    ):
        entry = area_outcomes.setdefault(
            (area_of(r["activity__unit_path"]), _day(r["m"]), r["service_id"]), [0, 0]
        )
        entry[0] += r["g"] or 0
        entry[1] += r["c"] or 0
    AreaMonthOutcome.objects.bulk_create(
        [
            AreaMonthOutcome(area_path=a, month=m, service_id=s, guided=g, completed=c)
            for (a, m, s), (g, c) in area_outcomes.items()
        ],
        batch_size=5000,
    )
    TeamWeek.objects.bulk_create(
        [
            TeamWeek(team_id=t, week=w, area_path=area_of(u), reports=n)
            for (t, w), (u, n, _f) in weeks.items()
        ],
        batch_size=5000,
    )
    TeamLastReport.objects.bulk_create(
        [TeamLastReport(team_id=t, area_path=a, last_date=d) for t, (a, d) in last.items()], batch_size=5000
    )
    return {"team_months": len(team_months), "team_outcomes": len(team_outcomes), "areas": len(areas)}


def _day(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value
