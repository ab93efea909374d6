"""Accounts for every member of a province, on the national data (``manage.py generate_national``).

Issue 15 asks what it costs to create the accounts of a whole province at once (the province officer's
"tạo tài khoản cho mọi thành viên có số điện thoại"), printed against a floor measured in the same
process: reading those same members with their teams and units, which any creation must do. Then the
pages that read accounts afterwards: the province's accounts page (adoption per commune and the first 50
accounts) and the province dashboard computed afresh (its parts now count accounts too).

    .venv/bin/python bench/accounts.py [--scale 1.0] [--database-url postgres://…] [--runs 5]

Scale 1.0 is the country (~80,000 teams, ~400,000 members; the largest province ~20,000 members)."""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import throwaway_instance  # noqa: E402


def timed(work, runs: int) -> tuple[float, object]:
    """Median seconds of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="generate_national --scale (1.0: the country)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=5, help="runs of each read (creation runs once)")
    parser.add_argument("--database-url", help="a PostgreSQL server to make a throwaway database on")
    parser.add_argument("--profile", action="store_true", help="cProfile the creation")
    args = parser.parse_args(argv)
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["TOCNS_STATIC_MANIFEST"] = "0"  # pages measured, not static files: none are collected
    with throwaway_instance(args.database_url):
        return run(args)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tocns.accounts.models import RoleAssignment, User
    from tocns.audit.models import AuditEntry
    from tocns.reports.parts import KEPT
    from tocns.teams import accounts
    from tocns.teams.models import Member
    from tocns.units.models import Unit

    print(f"tocns accounts benchmark: scale {args.scale:g}, database {connection.vendor}", flush=True)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command(
        "generate_national", "--scale", str(args.scale), "--seed", str(args.seed), stdout=io.StringIO()
    )
    print(f"generate_national took {time.perf_counter() - start:.1f} s", flush=True)
    import tocns.wsgi  # noqa: F401  (the process prepared as the server's)

    # The province with the most members.
    sizes = (
        Member.objects.current()
        .values("team__unit__path")
        .annotate(n=Count("pk"))
        .values_list("team__unit__path", "n")
    )
    by_province: dict[str, int] = {}
    for path, n in sizes:
        province = "/" + path.strip("/").split("/")[0] + "/"
        by_province[province] = by_province.get(province, 0) + n
    path = max(by_province, key=by_province.get)
    province = Unit.objects.get(path=path)
    members = accounts.members_in(province)
    count = members.count()
    with_phone = members.exclude(phone="").count()
    print(f"province {province.name}: {count:,} current members, {with_phone:,} with a phone", flush=True)

    def floor():
        return len(list(members.select_related("team", "team__unit", "user")))

    floor_s, _n = timed(floor, args.runs)
    plan_s, plan = timed(lambda: accounts.plan(members), args.runs)
    print(
        f"(floor) read the members with their teams and units: {floor_s * 1000:,.0f} ms (median of {args.runs})"
    )
    print(
        f"preview (plan):                                    {plan_s * 1000:,.0f} ms "
        f"= {plan_s / floor_s:.1f}x the floor; {plan.to_do:,} to create, {len(plan.no_phone):,} without a phone"
    )
    before = (User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count())
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            result = profiler.runcall(accounts.create_accounts, actor=None, members=members)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        else:
            result = accounts.create_accounts(actor=None, members=members)
        made_s = time.perf_counter() - start
    after = (User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count())
    print(
        f"create every account (one transaction):            {made_s * 1000:,.0f} ms "
        f"= {made_s / floor_s:.1f}x the floor; {len(result.create):,} accounts, "
        f"{after[1] - before[1]:,} roles, {after[2] - before[2]:,} audit entries, {len(queries):,} queries"
    )
    again_s, again = timed(lambda: accounts.plan(members), 1)
    print(f"preview again (nothing to do: {again.to_do}):               {again_s * 1000:,.0f} ms")

    admin = User.objects.create_superuser("bench.admin", None, "bench-admin-password")
    client = Client()
    client.force_login(admin)
    page_s, response = timed(lambda: client.get(f"/don-vi/{province.code}/tai-khoan/"), args.runs)
    assert response.status_code == 200, response.status_code
    print(f"the province's accounts page:                      {page_s * 1000:,.0f} ms (median)")
    if args.profile:
        with CaptureQueriesContext(connection) as page_queries:
            client.get(f"/don-vi/{province.code}/tai-khoan/")
        for query in sorted(page_queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")

    def cold_dashboard():
        KEPT.clear()
        return client.get(f"/don-vi/{province.code}/so-lieu/")

    cold_s, response = timed(cold_dashboard, args.runs)
    assert response.status_code == 200 and b'id="adoption"' in response.content
    print(
        f"the province dashboard, nothing kept:              {cold_s * 1000:,.0f} ms (median); "
        f"{accounts.adoption(members).account_share}% of members with an account"
    )
    warm_s, _r = timed(lambda: client.get(f"/don-vi/{province.code}/so-lieu/"), args.runs)
    print(f"the province dashboard, parts kept:                {warm_s * 1000:,.0f} ms (median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
