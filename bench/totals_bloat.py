"""Whether the running totals stay compact while reports stream in: the share of HOT updates per total table,
and what the dashboard's floor query reads before and after ``--reports`` reports (10,000 by default).

PostgreSQL only: a HOT (heap-only tuple) update writes the new version of a row on the same page and adds
no index entry, which PostgreSQL can do only when no index of the table holds a column the update changes
and the page has room. Every report adds to several rows of the running totals (``activities.totals``); when
those updates are not HOT, each leaves a dead version behind plus a new entry in every index, and the
dashboards read through them until a VACUUM (at the default settings autovacuum waits for 20 % of a table to
be dead: days of reports).

Steps, all timed and printed:

1. a throwaway database (``--database-url``: ``tocns_bench_<random>`` created on that server, dropped at the
   end), ``migrate``, ``manage.py generate_national --scale N`` (0.05 by default; it ends with VACUUM
   ANALYZE of every table, as autovacuum would leave them);
2. every index of every total table, its columns (INCLUDE ones too), and whether it holds a column that
   ``totals.apply`` changes (a counter; the paths it writes are unchanged unless a merge moved the team),
   which makes every update of that table non-HOT; the tables' storage options;
3. the floor before: the dashboard floor of ``bench/dashboard.py`` (the province with the most teams, the
   current year: ``AreaMonth`` reports by month and ``AreaMonthOutcome`` guided/completed by service), as
   the SQL the ORM sends: the rows it reads (index entries plus rows of sequential scans, from
   ``pg_stat_user_indexes``/``pg_stat_user_tables`` after ``pg_stat_force_next_flush()``), then
   ``EXPLAIN (ANALYZE, BUFFERS)``: rows out of the scans, rows removed by filters, heap fetches, buffers;
   then p50/p95 of ``--runs`` runs;
4. ``--reports`` reports filed through ``activities.services.file_report`` (the API's and the report form's
   write path) by a system admin, spread round-robin over the active teams of that province (shuffled), on
   days of the current month up to today, 1-3 services each; the share of HOT updates per total table over
   these reports (``n_tup_hot_upd / n_tup_upd``), the autovacuum runs that happened meanwhile, the tables'
   sizes;
5. the floor after: the same figures on the live tables, and, interleaved run by run in this process so
   the machine's load falls on all alike, on three compact copies of the two floor tables made now (same
   rows, ``VACUUM ANALYZE``d): one with the live tables' indexes (what a VACUUM FULL would give back), one
   with covering indexes added (``INCLUDE`` the counters: the index-only scan such an index would allow,
   on a freshly vacuumed table, its best case), and one with the live indexes and the rows written in the
   order of their area (what ``CLUSTER`` on the unique key would give: a province's rows on few pages);
6. checks: the floor equals a GROUP BY of the raw reports (a benchmark of wrong figures is no use) and
   the copies give the same figures.

Goals, each judged PASS/FAIL: every total table the reports updated has a HOT share of at least 90 % (what is
left: a row's first update after its page filled, a merge moving a team; below that the table grows with
the reports), and the floor after the reports reads at most 2x the rows it read before (the first read
after the reports, before any later read or vacuum cleaned up). Exit status 1 when a goal fails, 2 on
errors or wrong figures, else 0.

``--upgrade`` is an install upgraded with data in it: the data is generated with ``activities`` migrated only to
``0006`` (before its totals were updated in place: covering indexes, pages packed full), then the remaining
migrations run, timed, and the reports follow; no table is rewritten in between.

``--no-autovacuum`` turns autovacuum off on the total tables for the run: the figures then show what the
updates alone leave (HOT and page pruning), whatever autovacuum might have cleaned meanwhile.

Run from the project root:

    .venv/bin/python bench/totals_bloat.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/totals_bloat.py --upgrade --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/totals_bloat.py --scale 0.02 --reports 2000 --database-url postgres://…
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
import traceback
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._support import throwaway_instance  # noqa: E402  (bench runs as a script)
from bench._timing import Lines, nearest_rank  # noqa: E402

HOT_GOAL = 0.90
ROWS_GOAL = 2.0
# The columns totals.apply adds to (TeamLastReport: the date it moves forward). An index holding one of them
# makes every update of its table non-HOT.
COUNTERS = {"reports", "people", "households", "weeks", "guided", "completed", "last_date"}
# --upgrade: the data is generated at this migration, the rest applied after.
BEFORE_IN_PLACE = ("activities", "0006_services_to_catalogue")


def total_models():
    from tocns.activities import models

    return [
        models.TeamMonth,
        models.TeamYear,
        models.TeamMonthOutcome,
        models.TeamYearOutcome,
        models.AreaMonth,
        models.AreaMonthOutcome,
        models.TeamWeek,
        models.TeamLastReport,
    ]


def flush_stats(cursor) -> None:
    """This backend's pending statistics into the shared ones, and a fresh snapshot of them to read."""
    cursor.execute("SELECT pg_stat_force_next_flush()")  # flushed as this statement ends (PostgreSQL 15+)
    cursor.execute("SELECT pg_stat_clear_snapshot()")


def table_stats(tables: list[str]) -> dict[str, dict]:
    from django.db import connection

    with connection.cursor() as cursor:
        flush_stats(cursor)
        cursor.execute(
            "SELECT relname, n_tup_upd, n_tup_hot_upd, n_live_tup, n_dead_tup, autovacuum_count,"
            " pg_relation_size(relid), pg_indexes_size(relid)"
            " FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [tables],
        )
        names = ("upd", "hot", "live", "dead", "autovacuums", "heap_bytes", "index_bytes")
        return {row[0]: dict(zip(names, row[1:], strict=True)) for row in cursor.fetchall()}


def index_inventory(table: str) -> list[tuple[str, list[str], list[str]]]:
    """(index name, key columns, INCLUDE columns) of every index of the table, constraints' too."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, x.indnkeyatts,"
            " array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)"
            "       JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n)"
            " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = %s::regclass ORDER BY i.relname",
            [table],
        )
        return [(name, list(cols[:nkey]), list(cols[nkey:])) for name, nkey, cols in cursor.fetchall()]


def reloptions(table: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0] or []


def print_inventory(models) -> int:
    """Every index of the total tables; returns how many hold a counter."""
    blockers = 0
    print(
        "indexes of the total tables (* holds a counter the reports change: no update of the table is HOT):"
    )
    for model in models:
        table = model._meta.db_table
        print(f"  {table}  storage options: {', '.join(reloptions(table)) or 'none (fillfactor 100)'}")
        for name, keys, include in index_inventory(table):
            changed = (set(keys) | set(include)) & COUNTERS
            blockers += bool(changed)
            described = ", ".join(keys) + (f" INCLUDE ({', '.join(include)})" if include else "")
            print(f"    {'*' if changed else ' '} {name:<40} ({described})")
    return blockers


# --- the floor -----------------------------------------------------------------------------------------------


def floor_statements(province, period) -> list[tuple[str, list]]:
    """The two statements of the dashboard floor (bench/dashboard.py, b), as the ORM sends them."""
    from django.db.models import Sum

    from tocns.activities.models import AreaMonth, AreaMonthOutcome

    in_year = {"area_path__startswith": province.path, "month__gte": period.start, "month__lte": period.end}
    months = (
        AreaMonth.objects.filter(**in_year)
        .values("month")
        .annotate(n=Sum("reports"))
        .values_list("month", "n")
    )
    services = (
        AreaMonthOutcome.objects.filter(**in_year)
        .values("service_id")
        .annotate(g=Sum("guided"), c=Sum("completed"))
        .values_list("service_id", "g", "c")
    )
    statements = []
    for queryset in (months.order_by(), services.order_by()):
        sql, params = queryset.query.sql_with_params()
        statements.append((sql, list(params)))
    return statements


def on_tables(statements, renames: dict[str, str]) -> list[tuple[str, list]]:
    """The same statements reading other tables (the compact copies)."""
    result = []
    for sql, params in statements:
        for old, new in renames.items():
            sql = sql.replace(f'"{old}"', f'"{new}"')
        result.append((sql, params))
    return result


def run_statements(statements) -> list[list[tuple]]:
    from django.db import connection

    with connection.cursor() as cursor:
        results = []
        for sql, params in statements:
            cursor.execute(sql, params)
            results.append(sorted(cursor.fetchall()))
        return results


def rows_read(statements, tables: list[str]) -> int:
    """Index entries plus rows of sequential scans the statements read on the tables (one run)."""
    from django.db import connection

    def counts(cursor) -> int:
        flush_stats(cursor)
        cursor.execute(
            "SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname = ANY(%s)",
            [tables],
        )
        entries = cursor.fetchone()[0]
        cursor.execute(
            "SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables WHERE relname = ANY(%s)", [tables]
        )
        return int(entries) + int(cursor.fetchone()[0])

    with connection.cursor() as cursor:
        start = counts(cursor)
    run_statements(statements)
    with connection.cursor() as cursor:
        return counts(cursor) - start


def explain(statements) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements, summed: rows out of the scans, rows removed by filters,
    heap fetches, shared buffers hit and read, execution time; and the scans used."""
    import json

    from django.db import connection

    totals = {"rows": 0, "removed": 0, "heap fetches": 0, "buffers": 0, "read": 0, "ms": 0.0, "scans": []}

    def walk(node):
        if "Relation Name" in node:
            totals["rows"] += node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
            totals["removed"] += node.get("Rows Removed by Filter", 0) + node.get(
                "Rows Removed by Index Recheck", 0
            )
            totals["heap fetches"] += node.get("Heap Fetches", 0)
            index = f" using {node['Index Name']}" if "Index Name" in node else ""
            totals["scans"].append(f"{node['Node Type']} on {node['Relation Name']}{index}")
        elif node.get("Node Type") == "Bitmap Index Scan":
            totals["scans"].append(f"Bitmap Index Scan using {node['Index Name']}")
        for child in node.get("Plans", []):
            walk(child)

    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
            totals["ms"] += plan["Execution Time"]
            totals["buffers"] += plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get(
                "Shared Read Blocks", 0
            )
            totals["read"] += plan["Plan"].get("Shared Read Blocks", 0)
            walk(plan["Plan"])
    return totals


def describe_floor(label: str, statements, tables: list[str]) -> tuple[int, dict]:
    read = rows_read(statements, tables)  # first: EXPLAIN's own run may clean up what it passes
    plan = explain(statements)
    print(
        f"  {label:<34} rows read {read:>7,}  (EXPLAIN: {plan['rows']:,} rows out of the scans, "
        f"{plan['removed']:,} removed by filters, {plan['heap fetches']:,} heap fetches, {plan['buffers']:,} "
        f"buffers, {plan['read']:,} from disk, {plan['ms']:.2f} ms)",
        flush=True,
    )
    print(f"  {'':<34} {'; '.join(plan['scans'])}")
    return read, plan


def timed(variants: dict[str, list], runs: int, warmup: int) -> dict[str, tuple[float, float]]:
    """p50/p95 (ms) of each variant's statements, the variants interleaved run by run (the order rotating),
    so load from other work on the machine falls on each alike."""
    names = list(variants)
    for _ in range(warmup):
        for name in names:
            run_statements(variants[name])
    samples: dict[str, list[float]] = {name: [] for name in names}
    for turn in range(runs):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            start = time.perf_counter()
            run_statements(variants[name])
            samples[name].append(time.perf_counter() - start)
    return {
        name: (statistics.median(values) * 1000, nearest_rank(values, 0.95) * 1000)
        for name, values in samples.items()
    }


def compact_copy(table: str, copy: str, covering: list[str] | None = None, order: str = "id") -> None:
    """A copy of the table with its rows, indexes and constraints, vacuumed; ``covering``: an index to add
    (SQL after ``CREATE INDEX ON copy``); ``order``: the order the rows are written in (as CLUSTER would)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{copy}"')
        cursor.execute(f'CREATE TABLE "{copy}" (LIKE "{table}" INCLUDING ALL)')
        cursor.execute(f'INSERT INTO "{copy}" SELECT * FROM "{table}" ORDER BY {order}')
        for index in covering or []:
            cursor.execute(f'CREATE INDEX ON "{copy}" {index}')
        cursor.execute(f'VACUUM (ANALYZE) "{copy}"')


# --- the reports ---------------------------------------------------------------------------------------------


def file_reports(province, actor, count: int, seed: int) -> float:
    """`count` reports through file_report for the province's active teams, round-robin; returns seconds."""
    from django.utils import timezone

    from tocns.activities.services import OutcomeInput, ReportInput, file_report
    from tocns.catalogue.models import DigitalService
    from tocns.teams.models import Team, TeamStatus

    rng = random.Random(seed)
    teams = list(
        Team.objects.filter(status=TeamStatus.ACTIVE, unit__path__startswith=province.path)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng.shuffle(teams)
    services = list(DigitalService.objects.filter(retired_on__isnull=True).values_list("code", flat=True))
    today = timezone.localdate()
    print(
        f"filing {count:,} reports for the {len(teams):,} active teams of {province.name}, "
        f"{len(services)} services, days {today.replace(day=1):%d/%m}-{today:%d/%m/%Y}",
        flush=True,
    )
    start = time.perf_counter()
    for n in range(count):
        outcomes = []
        for code in rng.sample(services, rng.randint(1, min(3, len(services)))):
            guided = rng.randint(1, 10)
            outcomes.append(OutcomeInput(code, guided, rng.randint(0, guided)))
        file_report(
            actor=actor,
            report_id=uuid.uuid4(),
            data=ReportInput(
                team=teams[n % len(teams)],
                date=today.replace(day=rng.randint(1, today.day)),
                outcomes=outcomes,
                people_reached=max(o.guided for o in outcomes) + rng.randint(0, 5),
                households_reached=rng.randint(0, 6),
            ),
        )
        if (n + 1) % 2000 == 0 or n + 1 == count:
            elapsed = time.perf_counter() - start
            print(
                f"  {n + 1:>7,} reports  {elapsed:>7.1f} s  {(n + 1) / elapsed:>6.1f} reports/s", flush=True
            )
    return time.perf_counter() - start


def pick_province():
    """The province with the most teams."""
    from collections import Counter

    from tocns.teams.models import Team
    from tocns.units.models import Unit

    provinces = Counter(
        path.strip("/").split("/")[0]
        for path in Team.objects.values_list("unit__path", flat=True).iterator(chunk_size=20000)
    )
    code, teams = provinces.most_common(1)[0]
    return Unit.objects.get(code=code), teams


# --- the run -------------------------------------------------------------------------------------------------


def run(
    scale: float, seed: int, reports: int, runs: int, warmup: int, autovacuum: bool, upgrade: bool
) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from tocns.accounts.models import User
    from tocns.activities.models import Activity, AreaMonth, AreaMonthOutcome, Outcome
    from tocns.evaluation.scoring import Period

    if connection.vendor != "postgresql":
        print("HOT updates are PostgreSQL's: run with --database-url postgres://…")
        return 2
    connection.ensure_connection()
    server = connection.connection.info.server_version
    print(
        f"tocns totals bloat benchmark: scale {scale:g}, {reports:,} reports; python {platform.python_version()}, "
        f"{os.cpu_count()} CPU(s), PostgreSQL {server // 10000}.{server % 10000}",
        flush=True,
    )
    if server < 150000:
        print("pg_stat_force_next_flush() needs PostgreSQL 15 or later")
        return 2
    call_command("migrate", verbosity=0)
    if upgrade:
        call_command("migrate", *BEFORE_IN_PLACE, verbosity=0)
        print(f"generating at migration {'.'.join(BEFORE_IN_PLACE)} (--upgrade)", flush=True)
    print("generate_national:", flush=True)
    start = time.perf_counter()
    call_command("generate_national", "--scale", str(scale), "--seed", str(seed), stdout=Lines())
    print(f"generation took {time.perf_counter() - start:.1f} s", flush=True)
    if upgrade:
        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"the remaining migrations took {time.perf_counter() - start:.1f} s", flush=True)

    models = total_models()
    tables = [m._meta.db_table for m in models]
    floor_tables = [AreaMonth._meta.db_table, AreaMonthOutcome._meta.db_table]
    blockers = print_inventory(models)
    if not autovacuum:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = off)')
        print("autovacuum turned off on the total tables for this run (--no-autovacuum)")

    admin = User.objects.create_superuser("bench.admin", None, "bench-admin-password")
    province, teams = pick_province()
    today = timezone.localdate()
    period = Period.parse(str(today.year))
    statements = floor_statements(province, period)
    print(f"\nfloor: {province.name} ({province.code}, {teams:,} teams), period {period.code}", flush=True)
    print("before the reports:")
    before_read, _plan = describe_floor("live tables", statements, floor_tables)
    before_time = timed({"live": statements}, runs, warmup)["live"]
    print(f"  {'live tables':<34} p50 {before_time[0]:.2f} ms  p95 {before_time[1]:.2f} ms ({runs} runs)")
    sizes_before = table_stats(tables)

    print()
    filing = file_reports(province, admin, reports, seed)
    stats = table_stats(tables)
    print(f"\nthe total tables over these {reports:,} reports ({filing:.0f} s):")
    print(
        f"  {'table':<30} {'updates':>9} {'HOT':>9} {'HOT share':>10} {'autovacuum':>11} {'dead now':>9} "
        f"{'heap+index MB':>22}"
    )
    hot_failures = []
    for table in tables:
        old, new = sizes_before[table], stats[table]
        updates, hot = new["upd"] - old["upd"], new["hot"] - old["hot"]
        share = hot / updates if updates else None
        if share is not None and share < HOT_GOAL:
            hot_failures.append(f"{table} {share:.0%}")
        mb_before = (old["heap_bytes"] + old["index_bytes"]) / 2**20
        mb_after = (new["heap_bytes"] + new["index_bytes"]) / 2**20
        print(
            f"  {table:<30} {updates:>9,} {hot:>9,} {f'{share:.1%}' if share is not None else '-':>10} "
            f"{new['autovacuums'] - old['autovacuums']:>11} {new['dead']:>9,} "
            f"{f'{mb_before:.1f} -> {mb_after:.1f}':>22}"
        )

    print("\nafter the reports (compact copies made now, vacuumed: the same rows, no dead versions):")
    after_read, _plan = describe_floor("live tables", statements, floor_tables)
    compact = {t: f"bench_compact_{t}" for t in floor_tables}
    covering = {t: f"bench_covering_{t}" for t in floor_tables}
    clustered = {t: f"bench_clustered_{t}" for t in floor_tables}
    for table, copy in compact.items():
        compact_copy(table, copy)
        compact_copy(table, clustered[table], order="area_path, month")
    compact_copy(
        AreaMonth._meta.db_table,
        covering[AreaMonth._meta.db_table],
        ["(area_path, month) INCLUDE (reports, people, households)"],
    )
    compact_copy(
        AreaMonthOutcome._meta.db_table,
        covering[AreaMonthOutcome._meta.db_table],
        ["(area_path, month, service_id) INCLUDE (guided, completed)"],
    )
    variants = {
        "live tables": statements,
        "compact copy, same indexes": on_tables(statements, compact),
        "compact copy + covering INCLUDE": on_tables(statements, covering),
        "compact copy in area order": on_tables(statements, clustered),
    }
    copy_read, _plan = describe_floor(
        "compact copy, same indexes", variants["compact copy, same indexes"], list(compact.values())
    )
    describe_floor(
        "compact copy + covering INCLUDE",
        variants["compact copy + covering INCLUDE"],
        list(covering.values()),
    )
    describe_floor(
        "compact copy in area order", variants["compact copy in area order"], list(clustered.values())
    )
    times = timed(variants, runs, warmup)
    print(f"  timed, interleaved run by run ({runs} runs each after {warmup} warm-ups):")
    for name, (p50, p95) in times.items():
        print(f"  {name:<34} p50 {p50:>7.2f} ms  p95 {p95:>7.2f} ms")
    # Index scans mark the entries of dead rows they pass, and later scans skip them: what the floor reads once
    # it has been read again and again with no report in between.
    print(f"  live tables, after those runs: rows read {rows_read(statements, floor_tables):,}")

    problems = []
    live_figures = run_statements(statements)
    for name, variant in variants.items():
        if run_statements(variant) != live_figures:
            problems.append(f"the {name} floor disagrees with the live one")
    months = sorted(
        (day.date() if isinstance(day, datetime.datetime) else day, n)
        for day, n in Activity.objects.filter(unit_path__startswith=province.path, date__year=today.year)
        .order_by()
        .annotate(m=TruncMonth("date"))
        .values_list("m")
        .annotate(n=Count("pk"))
    )
    services = sorted(
        Outcome.objects.filter(activity__unit_path__startswith=province.path, activity__date__year=today.year)
        .order_by()
        .values_list("service_id")
        .annotate(g=Sum("guided"), c=Sum("completed"))
    )
    if live_figures != [months, services]:
        problems.append("the running totals and the raw reports disagree for the province")
    with connection.cursor() as cursor:
        for copy in [*compact.values(), *covering.values(), *clustered.values()]:
            cursor.execute(f'DROP TABLE "{copy}"')

    ratio = after_read / before_read if before_read else float("inf")
    hot_ok, rows_ok = not hot_failures, ratio <= ROWS_GOAL
    print(
        f"\nfloor: {before_read:,} rows read before, {after_read:,} after the reports ({ratio:.2f}x; a compact "
        f"copy of the same rows: {copy_read:,}); p95 {before_time[1]:.2f} ms before, {times['live tables'][1]:.2f} "
        f"ms after, {times['compact copy, same indexes'][1]:.2f} ms on the compact copy"
    )
    print(
        f"goal: HOT share >= {HOT_GOAL:.0%} on every total table updated: {'PASS' if hot_ok else 'FAIL'}"
        + (f" ({'; '.join(hot_failures)})" if hot_failures else "")
    )
    print(
        f"goal: floor rows read after {reports:,} reports within {ROWS_GOAL:g}x of before: "
        f"{'PASS' if rows_ok else 'FAIL'} ({ratio:.2f}x)"
    )
    print(
        f"(indexes holding a counter: {blockers}; autovacuum {'on' if autovacuum else 'off'} on the total tables"
        + ("; data generated before the last migrations, --upgrade)" if upgrade else ")")
    )
    if problems:
        print("FIGURES WRONG: " + "; ".join(problems))
        return 2
    return 0 if hot_ok and rows_ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=0.05, help="generate_national --scale (1.0: the country)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reports", type=int, default=10_000, help="reports filed between the two measurements"
    )
    parser.add_argument("--runs", type=int, default=30, help="timed runs of the floor (each variant)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--upgrade", action="store_true", help="generate the data before the totals were updated in place"
    )
    parser.add_argument(
        "--no-autovacuum", action="store_true", help="autovacuum off on the total tables during the run"
    )
    parser.add_argument(
        "--database-url",
        help="the PostgreSQL server to use (a throwaway database is created on it and dropped afterwards)",
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the PostgreSQL database in place afterwards"
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("HOT updates are PostgreSQL's: give --database-url postgres://…")
    os.environ["DJANGO_DEBUG"] = "0"
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    try:
        with throwaway_instance(args.database_url, keep=args.keep_database):
            return run(
                args.scale,
                args.seed,
                args.reports,
                args.runs,
                args.warmup,
                not args.no_autovacuum,
                args.upgrade,
            )
    except Exception:
        traceback.print_exc()
        return 2


if __name__ == "__main__":
    sys.exit(main())
