"""The running totals of the national data, built in SQL straight from the raw reports (the same figures
totals.rebuild() computes row by row, in a few statements): split from national.py, which calls it."""

from collections.abc import Callable

from django.db import connection, transaction

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


def _sql(vendor: str) -> dict[str, str]:
    """Month, week (Monday) and the month of that Monday of activities_activity.date as `a`, the same days
    totals.month_of/week_of give, and the year of a total's month as `t`; PostgreSQL and SQLite spell them
    differently."""
    if vendor == "postgresql":
        return {
            "month": "CAST(date_trunc('month', a.date) AS date)",
            "week": "CAST(date_trunc('week', a.date) AS date)",
            "week_month": "CAST(date_trunc('month', date_trunc('week', a.date)) AS date)",
            "year_of_month": "CAST(EXTRACT(YEAR FROM t.month) AS integer)",
        }
    week = "date(a.date, '-' || ((CAST(strftime('%w', a.date) AS integer) + 6) % 7) || ' days')"
    return {
        "month": "date(a.date, 'start of month')",
        "week": week,
        "week_month": f"date({week}, 'start of month')",
        "year_of_month": "CAST(strftime('%Y', t.month) AS integer)",
    }


def build_totals_in_sql(timed: Callable[[str, Callable[[], int]], int]) -> None:
    """Every running total from the raw reports, as totals.rebuild() computes them, with one INSERT ...
    SELECT ... GROUP BY per table (each in its own transaction). The commune of a unit path (area_of) comes
    from a temporary table filled in Python, so it is exactly totals.area_of. Where rebuild takes the area
    of whichever row it meets first (TeamWeek) or of the latest report (TeamLastReport), this takes the
    smallest: the same, since a report's path is its team's and a team's path does not change under it."""
    q = connection.ops.quote_name
    table = {m: q(m._meta.db_table) for m in (TeamMonth, TeamMonthOutcome, AreaMonth, AreaMonthOutcome)}
    table[TeamYearOutcome] = q(TeamYearOutcome._meta.db_table)
    table[TeamYear] = q(TeamYear._meta.db_table)
    table.update({m: q(m._meta.db_table) for m in (TeamWeek, TeamLastReport, Activity, Outcome)})
    expr = _sql(connection.vendor)
    area_map = q("tocns_generate_area_of")

    def cols(model, *names) -> str:
        return ", ".join(q(model._meta.get_field(n).column) for n in names)

    def execute(sql: str) -> int:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL work_mem = '256MB'")  # the big GROUP BYs hash in memory
            cursor.execute(sql)
            return cursor.rowcount

    def refill(model, sql: str) -> Callable[[], int]:
        def run() -> int:
            with transaction.atomic():
                execute(f"DELETE FROM {table[model]}")
                return execute(f"INSERT INTO {table[model]} ({sql}")

        return run

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {area_map}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {area_map} (unit_path varchar(255) PRIMARY KEY, area_path varchar(255))"
        )
        paths = Activity.objects.order_by().values_list("unit_path", flat=True).distinct()
        cursor.executemany(
            f"INSERT INTO {area_map} (unit_path, area_path) VALUES (%s, %s)",
            [(path, totals.area_of(path)) for path in paths],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {area_map}")
    activity = f"{table[Activity]} a JOIN {area_map} m ON m.unit_path = a.unit_path"
    month, week = expr["month"], expr["week"]
    try:
        # Reports by the month of their day; weeks with a report by the month of their Monday (which may
        # be a month without a report of its own): both into one row per team and month.
        timed(
            "totals: team-month",
            refill(
                TeamMonth,
                f"{cols(TeamMonth, 'team', 'month', 'unit_path', 'area_path', 'reports', 'people', 'households')}, "
                f"{cols(TeamMonth, 'weeks')})"
                f" SELECT team_id, month, MIN(unit_path), MIN(area_path), SUM(reports), SUM(people),"
                f" SUM(households), SUM(weeks) FROM ("
                f"SELECT a.team_id AS team_id, {month} AS month, a.unit_path AS unit_path,"
                f" m.area_path AS area_path, COUNT(*) AS reports, SUM(a.people_reached) AS people,"
                f" SUM(a.households_reached) AS households, 0 AS weeks FROM {activity}"
                f" GROUP BY a.team_id, a.unit_path, m.area_path, {month}"
                f" UNION ALL SELECT a.team_id, {expr['week_month']}, MIN(a.unit_path), MIN(m.area_path), 0, 0, 0,"
                f" COUNT(DISTINCT {week}) FROM {activity} GROUP BY a.team_id, {expr['week_month']}"
                f") AS months GROUP BY team_id, month",
            ),
        )
        timed(
            "totals: team-month-service",
            refill(
                TeamMonthOutcome,
                f"{cols(TeamMonthOutcome, 'team', 'month', 'service', 'unit_path', 'area_path')}, "
                f"{cols(TeamMonthOutcome, 'guided', 'completed')})"
                f" SELECT a.team_id, {month}, o.service_id, a.unit_path, m.area_path, SUM(o.guided),"
                f" SUM(o.completed) FROM {table[Outcome]} o JOIN {table[Activity]} a ON a.id = o.activity_id"
                f" JOIN {area_map} m ON m.unit_path = a.unit_path"
                f" GROUP BY a.team_id, a.unit_path, m.area_path, {month}, o.service_id",
            ),
        )
        year = expr["year_of_month"]
        timed(
            "totals: team-year",
            refill(
                TeamYear,
                f"{cols(TeamYear, 'team', 'year', 'unit_path', 'area_path', 'reports', 'people', 'households')}, "
                f"{cols(TeamYear, 'weeks')})"
                f" SELECT t.team_id, {year}, MIN(t.unit_path), MIN(t.area_path), SUM(t.reports), SUM(t.people),"
                f" SUM(t.households), SUM(t.weeks) FROM {table[TeamMonth]} t GROUP BY t.team_id, {year}",
            ),
        )
        timed(
            "totals: team-year-service",
            refill(
                TeamYearOutcome,
                f"{cols(TeamYearOutcome, 'team', 'year', 'service', 'unit_path', 'area_path')}, "
                f"{cols(TeamYearOutcome, 'guided', 'completed')})"
                f" SELECT t.team_id, {year}, t.service_id, MIN(t.unit_path), MIN(t.area_path), SUM(t.guided),"
                f" SUM(t.completed) FROM {table[TeamMonthOutcome]} t GROUP BY t.team_id, {year}, t.service_id",
            ),
        )
        timed(
            "totals: commune-month",
            refill(
                AreaMonth,
                f"{cols(AreaMonth, 'area_path', 'month', 'reports', 'people', 'households')})"
                f" SELECT t.area_path, t.month, SUM(t.reports), SUM(t.people), SUM(t.households)"
                f" FROM {table[TeamMonth]} t WHERE t.reports > 0 GROUP BY t.area_path, t.month",
            ),
        )
        timed(
            "totals: commune-month-svc",
            refill(
                AreaMonthOutcome,
                f"{cols(AreaMonthOutcome, 'area_path', 'month', 'service', 'guided', 'completed')})"
                f" SELECT t.area_path, t.month, t.service_id, SUM(t.guided), SUM(t.completed)"
                f" FROM {table[TeamMonthOutcome]} t GROUP BY t.area_path, t.month, t.service_id",
            ),
        )
        timed(
            "totals: team-week",
            refill(
                TeamWeek,
                f"{cols(TeamWeek, 'team', 'week', 'area_path', 'reports')})"
                f" SELECT a.team_id, {week}, MIN(m.area_path), COUNT(*) FROM {activity}"
                f" GROUP BY a.team_id, {week}",
            ),
        )
        timed(
            "totals: team last report",
            refill(
                TeamLastReport,
                f"{cols(TeamLastReport, 'team', 'area_path', 'last_date')})"
                f" SELECT a.team_id, MIN(m.area_path), MAX(a.date) FROM {activity} GROUP BY a.team_id",
            ),
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {area_map}")
