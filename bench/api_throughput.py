"""Sustained throughput and latency of ``POST /api/v1/activities`` against the floor of the same server.

A phone that was offline all day sends its reports in a burst when it gets signal, and a province's
phones tend to do that at the same hours; this measures how many reports a second one tocns server takes,
and how long each phone waits, compared with the least any request can cost on that server.

Both endpoints are measured on the real WSGI server (waitress, started as ``manage.py serve --threads N``
in a subprocess), in the same run, one after the other:

a. floor - ``GET /api/v1/ping``: ``{"ok": true}``, no authentication, no database: the cost of waitress,
           the Django middleware and django-ninja routing alone;
b. POST  - ``POST /api/v1/activities`` with ``Authorization: Bearer <API key>`` of a team leader: each body
           a new report (fresh uuid4 ``id``, two service outcomes), expected 201. About 1 in 100 requests
           re-sends a body that already got its 201, expected 200 with the stored report's ``id`` and
           nothing new stored: the retry of a phone that never saw the first answer.

The client is this process: ``--concurrency`` threads, each with its own keep-alive
``http.client.HTTPConnection`` (reconnecting after an error), sending back to back for ``--duration``
seconds after a 1 s warm-up of the same endpoint. A request's latency is ``time.perf_counter()`` from
sending to having read the whole response. req/s counts the expected 2xx responses over the measured
wall time; the percentiles are over those responses too (the nearest-rank method). The CPU seconds the
server process and this client process used are read alongside (Linux ``/proc``): on a small machine the
client competes with the server for the same cores, so the figures are a floor for the server, not a
ceiling. Responses are not gzipped (no ``Accept-Encoding``), like a client that does not ask.

Everything runs for real and is thrown away afterwards: a temp ``TOCNS_VAR_DIR`` with a new SQLite
database (or, with ``--database-url``, a database ``tocns_bench_<random>`` created on that PostgreSQL
server and dropped at the end), ``migrate``, and the least data a report needs, made with the project's
own services: a province, a commune, a village, a team in it, a team leader (a user with the role and a
member of the team) and an API key for them.

After the run the database is checked: the number of stored reports must equal the number of 201
responses (warm-up included), each with its two outcomes. Exit status 2 when that check fails, when any
POST got a status other than the expected one (or no answer), or when the floor had errors; 0 otherwise.
There is no goal to miss: the figures are for comparing runs.

Run from the project root:

    .venv/bin/python bench/api_throughput.py
    .venv/bin/python bench/api_throughput.py --duration 30 --concurrency 16 --threads 8
    .venv/bin/python bench/api_throughput.py --json var/api_throughput.json
    .venv/bin/python bench/api_throughput.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._support import HOST, serving, throwaway_instance  # noqa: E402  (bench runs as a script)

PING = "/api/v1/ping"
ACTIVITIES = "/api/v1/activities"
WARM_UP_S = 1.0
REPEAT_SHARE = 0.01
REQUEST_TIMEOUT_S = 30.0
OUTCOMES_PER_REPORT = 2


@dataclass
class Fixture:
    team_id: int
    key: str


def make_fixture() -> Fixture:
    """The least a report needs, through the same services the app uses (so audit rows etc. are real)."""
    from tocns.accounts.api_tokens import issue_token
    from tocns.accounts.models import Role
    from tocns.accounts.services import create_user, grant_role
    from tocns.teams.models import MemberRole
    from tocns.teams.services import add_member, create_team
    from tocns.units.models import UnitKind
    from tocns.units.services import new_unit

    province = new_unit(code="15", name="Lào Cai", kind=UnitKind.PROVINCE, parent=None, division_type="tỉnh")
    province.save()
    commune = new_unit(
        code="02647", name="Xã Bản Xèo", kind=UnitKind.COMMUNE, parent=province, division_type="xã"
    )
    commune.save()
    village = new_unit(
        code="02647-001",
        name="Thôn Na Lang",
        kind=UnitKind.VILLAGE,
        parent=commune,
        division_type="thôn",
        households=300,
    )
    village.save()
    team = create_team(actor=None, unit=village, name="Tổ CNS bench")
    leader = create_user(actor=None, username="bench.totruong", password=None, full_name="Lò Văn Bench")
    grant_role(actor=None, user=leader, role=Role.TEAM_LEADER, unit=village)
    # A leader is on the roster: with no participants in the body, the report names its sender's membership,
    # so every POST also writes the participant row a real one does.
    add_member(actor=None, team=team, full_name=leader.full_name, role=MemberRole.LEADER, user=leader)
    _token, key = issue_token(user=leader, name="bench")
    return Fixture(team_id=team.pk, key=key)


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far, or None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the ")" closing the command name, utime and stime are the 12th and 13th fields.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    """What one client thread saw; merged after the threads are joined, so no lock in the hot loop."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    sent: int = 0
    created: int = 0
    repeats_sent: int = 0
    repeats_ok: int = 0
    problems: list[str] = field(default_factory=list)  # wrong answers that a status alone does not show
    samples: list[str] = field(default_factory=list)  # bodies of error responses, to show what went wrong

    def merge(self, other: Tally) -> None:
        self.latencies.extend(other.latencies)
        self.errors.update(other.errors)
        self.sent += other.sent
        self.created += other.created
        self.repeats_sent += other.repeats_sent
        self.repeats_ok += other.repeats_ok
        self.problems.extend(other.problems)
        self.samples.extend(other.samples[: max(0, 3 - len(self.samples))])


@dataclass
class Planned:
    method: str
    path: str
    body: bytes | None
    expected: int
    report_id: str | None = None
    repeat: bool = False


class PingPlan:
    label = "GET /api/v1/ping"
    headers: dict[str, str] = {}

    def next(self, state: dict) -> Planned:
        return Planned("GET", PING, None, 200)

    def answered(self, state: dict, planned: Planned, status: int, data: bytes, tally: Tally) -> None:
        pass


class ReportPlan:
    label = "POST /api/v1/activities"

    def __init__(self, fixture: Fixture, today: str):
        self.team_id = fixture.team_id
        self.today = today
        self.headers = {"Authorization": f"Bearer {fixture.key}", "Content-Type": "application/json"}

    def next(self, state: dict) -> Planned:
        # Only bodies that already got their 201 are re-sent: their report is committed, so 200 is the one
        # right answer (a body still in flight on another connection could rightly get either).
        stored = state.setdefault("stored", [])
        rng = state.setdefault("rng", random.Random())
        if stored and rng.random() < REPEAT_SHARE:
            report_id, body = rng.choice(stored)
            return Planned("POST", ACTIVITIES, body, 200, report_id, repeat=True)
        report_id = str(uuid.uuid4())
        report = {
            "id": report_id,
            "team": self.team_id,
            "date": self.today,
            "kind": "home_visit",
            "outcomes": [
                {"service": "vneid", "guided": 5, "completed": 4},
                {"service": "cashless", "guided": 2, "completed": 1},
            ],
            "people_reached": 6,
            "households_reached": 3,
            "hours": 1.5,
            "note": "bench",
        }
        return Planned("POST", ACTIVITIES, json.dumps(report).encode(), 201, report_id)

    def answered(self, state: dict, planned: Planned, status: int, data: bytes, tally: Tally) -> None:
        if status == 201:
            state["stored"].append((planned.report_id, planned.body))
        if planned.repeat and status == 200:
            try:
                stored_id = json.loads(data).get("id")
            except (ValueError, AttributeError):
                stored_id = None
            if stored_id == planned.report_id:
                tally.repeats_ok += 1
            elif len(tally.problems) < 5:
                tally.problems.append(f"repeat of {planned.report_id} answered with id {stored_id}")


def client(plan, port: int, start: threading.Barrier, deadline_box: list[float], tally: Tally) -> None:
    state: dict = {}
    conn: http.client.HTTPConnection | None = None
    start.wait()
    deadline = deadline_box[0]
    try:
        while time.perf_counter() < deadline:
            planned = plan.next(state)
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
            tally.sent += 1
            tally.repeats_sent += planned.repeat
            began = time.perf_counter()
            try:
                conn.request(planned.method, planned.path, body=planned.body, headers=plan.headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as error:
                tally.errors[f"no answer ({type(error).__name__})"] += 1
                conn.close()
                conn = None
                continue
            elapsed = time.perf_counter() - began
            status = response.status
            if response.will_close:
                conn.close()
                conn = None
            tally.created += status == 201
            if status == planned.expected:
                tally.latencies.append(elapsed)
            elif 200 <= status < 300:
                what = "a repeated id" if planned.repeat else "a new id"
                tally.errors[f"{status} for {what} (expected {planned.expected})"] += 1
            else:
                tally.errors[str(status)] += 1
                if len(tally.samples) < 3:
                    tally.samples.append(f"{status}: {data[:300].decode(errors='replace')}")
            plan.answered(state, planned, status, data, tally)
    finally:
        if conn is not None:
            conn.close()


@dataclass
class Figures:
    label: str
    seconds: float
    sent: int
    successes: int
    errors: dict[str, int]
    per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_ms_per_request: float | None
    client_cpu_ms_per_request: float
    created: int
    repeats_sent: int
    repeats_ok: int
    problems: list[str]
    samples: list[str]


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def load(plan, port: int, seconds: float, concurrency: int, server_pid: int) -> Figures:
    """`concurrency` threads sending back to back for `seconds`; requests in flight at the end finish."""
    tallies = [Tally() for _ in range(concurrency)]
    deadline_box = [0.0]
    # The deadline is set once every thread is ready, so thread start-up is not counted as idle time.
    start = threading.Barrier(
        concurrency + 1, action=lambda: deadline_box.__setitem__(0, time.perf_counter() + seconds)
    )
    threads = [
        threading.Thread(target=client, args=(plan, port, start, deadline_box, tally), daemon=True)
        for tally in tallies
    ]
    for thread in threads:
        thread.start()
    server_cpu_before = process_cpu_seconds(server_pid)
    client_cpu_before = time.process_time()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    client_cpu = time.process_time() - client_cpu_before
    server_cpu_after = process_cpu_seconds(server_pid)

    total = Tally()
    for tally in tallies:
        total.merge(tally)
    ordered = sorted(total.latencies)
    answered = max(total.sent, 1)
    return Figures(
        label=plan.label,
        seconds=wall,
        sent=total.sent,
        successes=len(ordered),
        errors=dict(total.errors.most_common()),
        per_second=len(ordered) / wall,
        p50_ms=percentile(ordered, 50) * 1000,
        p90_ms=percentile(ordered, 90) * 1000,
        p99_ms=percentile(ordered, 99) * 1000,
        max_ms=(ordered[-1] if ordered else math.nan) * 1000,
        server_cpu_ms_per_request=(
            (server_cpu_after - server_cpu_before) / answered * 1000
            if server_cpu_before is not None and server_cpu_after is not None
            else None
        ),
        client_cpu_ms_per_request=client_cpu / answered * 1000,
        created=total.created,
        repeats_sent=total.repeats_sent,
        repeats_ok=total.repeats_ok,
        problems=total.problems,
        samples=total.samples,
    )


def print_figures(rows: list[Figures]) -> None:
    print(
        f"  {'endpoint':<24} {'sent':>7} {'ok':>7} {'errors':>6} {'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} "
        f"{'p99 ms':>7} {'max ms':>7} {'srv CPU':>8} {'cli CPU':>8}"
    )
    for f in rows:
        server_cpu = (
            f"{f.server_cpu_ms_per_request:.2f}" if f.server_cpu_ms_per_request is not None else "n/a"
        )
        print(
            f"  {f.label:<24} {f.sent:>7} {f.successes:>7} {sum(f.errors.values()):>6} {f.per_second:>8.1f} "
            f"{f.p50_ms:>7.1f} {f.p90_ms:>7.1f} {f.p99_ms:>7.1f} {f.max_ms:>7.1f} {server_cpu:>8} "
            f"{f.client_cpu_ms_per_request:>8.2f}"
        )
        for status, count in f.errors.items():
            print(f"      error {status}: {count}")
        for sample in f.samples:
            print(f"      e.g. {sample}")
        for problem in f.problems:
            print(f"      {problem}")
    print("  (srv CPU / cli CPU = CPU ms the server process / this client process used per request sent)")


def serve_and_measure(env: dict, var_dir: Path, args, plans: list) -> tuple[list[Figures], list[Figures]]:
    with serving(env, var_dir, "--threads", str(args.threads)) as (server, port, _base):
        warm_ups, measured = [], []
        for plan in plans:
            print(f"measuring {plan.label} ...", flush=True)
            warm_ups.append(load(plan, port, WARM_UP_S, args.concurrency, server.pid))
            measured.append(load(plan, port, args.duration, args.concurrency, server.pid))
        return warm_ups, measured


def run(args, env: dict, var_dir: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from tocns.activities.models import Activity, Outcome

    vendor = connection.vendor
    print(
        f"tocns API throughput benchmark: database {vendor}, server waitress with {args.threads} threads, "
        f"client {args.concurrency} threads, {args.duration:g} s per endpoint after a {WARM_UP_S:g} s warm-up",
        flush=True,
    )
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPU(s) shared by server and client, "
        f"{platform.machine()} {platform.system()}",
        flush=True,
    )
    call_command("migrate", verbosity=0)
    fixture = make_fixture()
    # Counted before the run so the check below sees only what the API stored.
    activities_before = Activity.objects.count()
    outcomes_before = Outcome.objects.count()
    today = timezone.localdate().isoformat()
    # SQLite allows one writer: a connection left open here could hold a lock the server then waits on.
    connections.close_all()

    plans = [PingPlan(), ReportPlan(fixture, today)]
    warm_ups, (ping, post) = serve_and_measure(env, var_dir, args, plans)

    print("measured (same server, same run, one endpoint after the other):")
    print_figures([ping, post])
    ratios = {
        "throughput": post.per_second / ping.per_second if ping.per_second else math.nan,
        "p50": post.p50_ms / ping.p50_ms if ping.p50_ms else math.nan,
        "p99": post.p99_ms / ping.p99_ms if ping.p99_ms else math.nan,
    }
    print(
        f"POST / ping: throughput {ratios['throughput']:.2f}x, p50 {ratios['p50']:.1f}x, p99 {ratios['p99']:.1f}x"
    )

    created = post.created + warm_ups[1].created
    stored = Activity.objects.count() - activities_before
    stored_outcomes = Outcome.objects.count() - outcomes_before
    connections.close_all()
    repeats_sent = post.repeats_sent + warm_ups[1].repeats_sent
    repeats_ok = post.repeats_ok + warm_ups[1].repeats_ok
    print(
        f"database check: {created} responses 201 (warm-up included), {stored} reports stored, "
        f"{stored_outcomes} outcomes stored; {repeats_sent} repeated ids sent, {repeats_ok} answered 200 "
        "with the stored report"
    )

    problems = []
    for figures in (*warm_ups, ping, post):
        if figures.errors:
            phase = "warm-up " if any(figures is w for w in warm_ups) else ""
            problems.append(f"{phase}{figures.label}: {sum(figures.errors.values())} errors {figures.errors}")
        problems.extend(f"{figures.label}: {p}" for p in figures.problems)
    if stored != created:
        problems.append(f"{stored} reports stored for {created} responses 201")
    if stored_outcomes != OUTCOMES_PER_REPORT * stored:
        problems.append(f"{stored_outcomes} outcomes stored for {stored} reports")
    if repeats_ok != repeats_sent:
        problems.append(
            f"only {repeats_ok} of {repeats_sent} repeated ids answered 200 with the stored report"
        )

    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "database": vendor,
            "server_threads": args.threads,
            "client_concurrency": args.concurrency,
            "duration_s": args.duration,
            "warm_up_s": WARM_UP_S,
            "cpus": os.cpu_count(),
            "endpoints": {"ping": ping.__dict__, "post": post.__dict__},
            "ratios_post_over_ping": ratios,
            "check": {
                "responses_201": created,
                "reports_stored": stored,
                "outcomes_stored": stored_outcomes,
                "repeats_sent": repeats_sent,
                "repeats_ok": repeats_ok,
            },
            "problems": problems,
        }
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
        print(f"figures written to {path}")

    if problems:
        print("THE API DID NOT DO WHAT IT SHOULD: " + "; ".join(problems))
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per endpoint")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--threads", type=int, default=8, help="server (waitress) threads")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to use (a throwaway database is created on it and dropped afterwards)",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.concurrency < 1 or args.threads < 1:
        parser.error("--duration, --concurrency and --threads must be positive")

    with throwaway_instance(args.database_url) as var_dir:
        # The server gets exactly this process's settings: same var dir, same database.
        return run(args, dict(os.environ), var_dir)


if __name__ == "__main__":
    sys.exit(main())
