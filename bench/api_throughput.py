"""Reports offered at a fixed rate by many teams to ``POST /api/v1/activities``, with the floor in the same loop.

A phone that was offline all day sends its reports in a burst when it gets signal, and a province's phones
tend to do that at the same hours. Issue 24 states what one tocns deployment must take, and this bench
judges it:

1. sustained ``POST /api/v1/activities`` throughput >= 50% of a **write floor**, "an endpoint on the same
   server that stores the same report and outcome rows and nothing else";
2. offered 200 reports/s for 60 s (open loop, 2 worker processes, PostgreSQL, national scale): 0 errors,
   p99 <= 100 ms, and the province dashboard's figures equal a rebuild at the end.

The project has no write floor endpoint yet, and no multi-process serving (``manage.py serve`` is one waitress
process with threads). So the floor here is the read floor ``GET /api/v1/ping`` (``{"ok": true}``, no
authentication, no database: waitress, the middleware and django-ninja routing alone), a stricter bar than
the goal's, and the server is one process; every run says both.

Data: ``generate_national --scale N`` (``tocns/startup/national.py``; default 0.02, ~1,600 teams and ~80,000
reports; 1.0 is the country), then accounts for the members of ``--teams`` teams sampled across the country
(the team's leader, or a member when it has none), made with the project's own services (``create_user``,
``teams.services.link_account``, which grants the team role, and ``issue_token``). Each report comes from one
of those teams, picked at random, with that member's API key: a new uuid4 ``id``, dated today or one of the
two days before, two services of the catalogue in use. About 1 in 100 re-sends a body that already got its
201, expected 200 with the stored report's ``id``: the retry of a phone that never saw the first answer.

Served for real: ``manage.py serve --threads N`` (waitress) in a subprocess, after a warm-up of both
endpoints. Measured in one run, in this order:

a. fixed rate (goal 2) - open loop: report i is due at t0 + i/rate whatever the answers, for ``--duration``
   seconds; floor requests are mixed into the same schedule (one for every 10 reports, half an interval
   apart), so both meet the same server at the same moment. Reports are sent over a pool of
   ``--connections`` keep-alive connections, the floor over 4 of its own (so it never waits for a connection
   behind reports: what it waits for is the server). A request's latency runs from its due time to the end
   of its answer, so time spent waiting for a free connection or behind a slow server counts (no coordinated
   omission). A request not sent within ``--timeout`` of its due time is given up, as a phone would give up,
   and so is one whose answer takes longer than that: both are errors. The achieved rate is the expected
   answers over the time from t0 to the last answer. "this client's lateness" is how far behind the schedule
   this process put requests in the queue: a client short of CPU shows there, not hidden;
b. capacity (goal 1) - closed loop: ``--concurrency`` connections (twice the server's threads, so a thread
   never idles while the client reads an answer) sending back to back in windows of ``--window`` seconds,
   floor and reports alternating (``--windows`` of each, which goes first alternating), so both meet the
   same machine load. Throughput is the expected answers that ended within the windows over their time; the
   requests still in flight at a window's end finish before the next window starts and count only in the
   percentiles. An open loop cannot measure this: offered below the floor's capacity, the floor's
   "throughput" would be the offered rate, and the ratio would flatter the reports. On a small machine the
   floor is partly this client's own speed (one Python process sending ~1,000 requests a second, its CPU per
   request printed): a floor lower than the server's, a ratio higher than the truth. Against the read floor,
   far above any write floor, that cannot turn a FAIL into a PASS; against a write floor it needs watching.

Percentiles are nearest-rank over the expected answers. The CPU seconds the server process and this client
used are read alongside (Linux ``/proc``): on a small machine the client competes with the server for the
same cores (and PostgreSQL's own CPU is not counted). Responses are not gzipped (no ``Accept-Encoding``).

Checked afterwards, with the server stopped: every report answered 201 (or 200 to a retry) is stored with its
two outcomes, no report is stored that was never sent or that got an error, and the dashboard of the province
with the most of this run's reports (``reports.selectors.build``, the running totals) shows the reports and
people completed that its raw rows give for the year.

Goals are printed as ``PASS``/``FAIL`` lines with the ratio; goal 2 only when run at its load (``--rate 200
--duration 60`` or more), otherwise its line says ``SHOWN`` and not judged. The run's database, scale and one
process are printed beside them. Exit status 2 when the API did not do what it should (a status other than
the expected one except for time-outs and refused connections, a wrong answer to a retry, the database check,
the dashboard check); 1 when the bench itself failed (a traceback); 0 otherwise, whether or not a goal was met.

Everything is thrown away afterwards: a temp ``TOCNS_VAR_DIR`` with a new SQLite database, or with
``--database-url`` a database ``tocns_bench_<random>`` on that PostgreSQL server, dropped at the end.

Run from the project root:

    .venv/bin/python bench/api_throughput.py
    .venv/bin/python bench/api_throughput.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/api_throughput.py --rate 200 --duration 60 --scale 1.0 \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import queue
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
from bench._timing import verdict  # noqa: E402

PING = "/api/v1/ping"
ACTIVITIES = "/api/v1/activities"
REPEAT_SHARE = 0.01
OUTCOMES_PER_REPORT = 2
FLOOR_EVERY = 10  # in the fixed-rate schedule, one floor request for every this many reports
WARM_UP_S = 1.0
# Issue 24's goals.
GOAL_SHARE_OF_FLOOR = 0.5
GOAL_RATE, GOAL_DURATION_S, GOAL_P99_MS = 200.0, 60.0, 100.0
GOAL_VENDOR, GOAL_SCALE, GOAL_PROCESSES = "postgresql", 1.0, 2
FLOOR_CONNECTIONS = 4  # the floor's own, so that its requests never wait for a connection behind reports
# Answers that say the server could not keep up, not that it answered wrongly: errors for goal 2 only.
LOAD_ERRORS = ("no answer", "given up")


@dataclass
class Sender:
    team_id: int
    headers: dict[str, str]


def make_senders(count: int, seed: int) -> list[Sender]:
    """An account and API key for one member of each of `count` teams sampled across the generated country."""
    from tocns.accounts.api_tokens import issue_token
    from tocns.accounts.services import create_user
    from tocns.teams.models import Member, MemberRole, TeamStatus
    from tocns.teams.services import link_account

    current = Member.objects.current().exclude(team__status=TeamStatus.DISSOLVED)
    team_ids = sorted(set(current.values_list("team_id", flat=True)))
    chosen = set(random.Random(seed).sample(team_ids, min(count, len(team_ids))))
    picked: dict[int, Member] = {}
    for member in current.filter(team_id__in=chosen).select_related("team__unit").order_by("pk"):
        held = picked.get(member.team_id)
        if held is None or (member.role == MemberRole.LEADER and held.role != MemberRole.LEADER):
            picked[member.team_id] = member
    senders = []
    for team_id, member in sorted(picked.items()):
        user = create_user(
            actor=None, username=f"bench-{member.pk}", password=None, full_name=member.full_name
        )
        link_account(actor=None, member=member, user=user)
        _token, key = issue_token(user=user, name="bench")
        senders.append(
            Sender(team_id, {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        )
    return senders


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far, or None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the ")" closing the command name, utime and stime are the 12th and 13th fields.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Planned:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    expected: int
    report_id: str | None = None
    repeat: bool = False


@dataclass
class Tally:
    """What one endpoint got; one per thread in the closed loop, merged after the threads are joined."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    sent: int = 0
    repeats_answered: int = 0
    repeats_ok: int = 0
    acknowledged: set = field(default_factory=set)  # report ids answered 201, or 200 to a retry
    unanswered: set = field(default_factory=set)  # sent, no answer: stored or not, nobody knows
    refused: set = field(default_factory=set)  # answered with an error status: must not be stored
    problems: list[str] = field(default_factory=list)  # wrong answers that a status alone does not show
    samples: list[str] = field(default_factory=list)  # bodies of error responses, to show what went wrong
    answered_at: list[float] = field(default_factory=list)  # when each expected answer ended

    def merge(self, other: Tally) -> None:
        self.latencies.extend(other.latencies)
        self.errors.update(other.errors)
        for name in ("sent", "repeats_answered", "repeats_ok"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.acknowledged |= other.acknowledged
        self.unanswered |= other.unanswered
        self.refused |= other.refused
        self.problems.extend(other.problems[: max(0, 5 - len(self.problems))])
        self.samples.extend(other.samples[: max(0, 3 - len(self.samples))])
        self.answered_at.extend(other.answered_at)


class PingPlan:
    label = "GET /api/v1/ping (floor)"

    def next(self, rng: random.Random) -> Planned:
        return Planned("GET", PING, None, {}, 200)

    def answered(self, planned: Planned, status: int, data: bytes, tally: Tally) -> None:
        pass


class ReportPlan:
    label = "POST /api/v1/activities"

    def __init__(self, senders: list[Sender], services: list[str], today: datetime.date):
        self.senders, self.services = senders, services
        self.days = [(today - datetime.timedelta(days=back)).isoformat() for back in range(3)]
        self.stored: list[tuple[str, bytes, dict]] = []  # appended from many threads: list.append is atomic

    def next(self, rng: random.Random) -> Planned:
        # Only bodies that already got their 201 are re-sent: their report is committed, so 200 is the one
        # right answer (a body still in flight on another connection could rightly get either).
        if self.stored and rng.random() < REPEAT_SHARE:
            report_id, body, headers = rng.choice(self.stored)
            return Planned("POST", ACTIVITIES, body, headers, 200, report_id, repeat=True)
        sender = rng.choice(self.senders)
        report_id = str(uuid.uuid4())
        first, second = rng.sample(self.services, OUTCOMES_PER_REPORT)
        guided = rng.randint(1, 12)
        report = {
            "id": report_id,
            "team": sender.team_id,
            "date": rng.choice(self.days),
            "kind": "home_visit",
            "outcomes": [
                {"service": first, "guided": guided, "completed": rng.randint(0, guided)},
                {"service": second, "guided": 2, "completed": 1},
            ],
            "people_reached": guided + 1,
            "households_reached": rng.randint(1, guided),
            "hours": 1.5,
            "note": "bench",
        }
        return Planned("POST", ACTIVITIES, json.dumps(report).encode(), sender.headers, 201, report_id)

    def answered(self, planned: Planned, status: int, data: bytes, tally: Tally) -> None:
        if status == 201:
            self.stored.append((planned.report_id, planned.body, planned.headers))
        if planned.repeat and status == 200:
            try:
                stored_id = json.loads(data).get("id")
            except (ValueError, AttributeError):
                stored_id = None
            if stored_id == planned.report_id:
                tally.repeats_ok += 1
            elif len(tally.problems) < 5:
                tally.problems.append(f"repeat of {planned.report_id} answered with id {stored_id}")


class Connection:
    """One keep-alive connection, opened again after an error or a ``Connection: close``."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout, self.conn = port, timeout, None

    def send(self, plan, planned: Planned, tally: Tally, due: float) -> None:
        """Send `planned` and tally its answer; its latency counts from `due` (the send time in a closed loop)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        tally.sent += 1
        try:
            self.conn.request(planned.method, planned.path, body=planned.body, headers=planned.headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            tally.errors[f"no answer ({type(error).__name__})"] += 1
            if planned.report_id and not planned.repeat:
                tally.unanswered.add(planned.report_id)
            self.close()
            return
        done = time.perf_counter()
        status = response.status
        tally.repeats_answered += planned.repeat
        if response.will_close:
            self.close()
        if status == planned.expected:
            tally.latencies.append(done - due)
            tally.answered_at.append(done)
            if planned.report_id:
                tally.acknowledged.add(planned.report_id)
        elif 200 <= status < 300:
            what = "a repeated id" if planned.repeat else "a new id"
            tally.errors[f"{status} for {what} (expected {planned.expected})"] += 1
        else:
            tally.errors[str(status)] += 1
            if planned.report_id and not planned.repeat:
                tally.refused.add(planned.report_id)
            if len(tally.samples) < 3:
                tally.samples.append(f"{status}: {data[:300].decode(errors='replace')}")
        plan.answered(planned, status, data, tally)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Figures:
    label: str
    seconds: float
    offered: int
    sent: int
    ok: int
    errors: dict[str, int]
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_ms_per_request: float | None = None
    client_cpu_ms_per_request: float | None = None


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def figures(
    label: str, tally: Tally, seconds: float, offered: int, ok: int | None = None, **extra
) -> Figures:
    """`ok`: the expected answers the rate counts, when not all of them."""
    ordered = sorted(tally.latencies)
    return Figures(
        label=label,
        seconds=seconds,
        offered=offered,
        sent=tally.sent,
        ok=len(ordered),
        errors=dict(tally.errors.most_common()),
        per_second=(len(ordered) if ok is None else ok) / seconds if seconds else math.nan,
        p50_ms=percentile(ordered, 50) * 1000,
        p95_ms=percentile(ordered, 95) * 1000,
        p99_ms=percentile(ordered, 99) * 1000,
        max_ms=(ordered[-1] if ordered else math.nan) * 1000,
        **extra,
    )


def closed_loop(
    plan, port: int, seconds: float, concurrency: int, timeout: float
) -> tuple[Tally, float, float]:
    """`concurrency` connections sending back to back for `seconds`: (tally, start, deadline). Requests in flight
    at the deadline finish before this returns; the time that takes is not part of the window."""
    tallies = [Tally() for _ in range(concurrency)]
    deadline_box = [0.0]
    # The deadline is set once every thread is ready, so thread start-up is not counted as idle time.
    start = threading.Barrier(
        concurrency + 1, action=lambda: deadline_box.__setitem__(0, time.perf_counter() + seconds)
    )

    def client(tally: Tally) -> None:
        connection, rng = Connection(port, timeout), random.Random()
        start.wait()
        try:
            while time.perf_counter() < deadline_box[0]:
                connection.send(plan, plan.next(rng), tally, time.perf_counter())
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(t,), daemon=True) for t in tallies]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join()
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total, deadline_box[0] - seconds, deadline_box[0]


def open_loop(plans: list, rates: list[float], pools: list[int], port: int, seconds: float, timeout: float):
    """Each plan offered at its rate for `seconds` on one schedule, whatever the answers, each plan with a pool of
    connections of its own: (tallies, t0, offered, late). `late`: how far behind its schedule this client put
    each request in its queue (a client short of CPU shows there, and its lateness counts in the latency).

    The schedule is built up front; this thread hands each request to its plan's pool at its due time. A
    request waits in the queue while every connection of its pool is busy, and its latency counts from its due
    time all the same."""
    schedule = []
    for index, rate in enumerate(rates):
        offset = 0.5 / rate if index else 0.0  # the floor's requests fall between the reports'
        schedule += [(offset + i / rate, index) for i in range(round(rate * seconds))]
    schedule.sort()
    queues = [queue.Queue() for _ in plans]
    tallies = [[Tally() for _ in range(size)] for size in pools]

    def worker(index: int, tally: Tally) -> None:
        connection, rng, plan = Connection(port, timeout), random.Random(), plans[index]
        try:
            while (due := queues[index].get()) is not None:
                if time.perf_counter() - due > timeout:
                    tally.errors[f"given up: not sent within {timeout:g} s of its time"] += 1
                else:
                    connection.send(plan, plan.next(rng), tally, due)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(index, tally), daemon=True)
        for index, pool in enumerate(tallies)
        for tally in pool
    ]
    for thread in threads:
        thread.start()
    late = []
    t0 = time.perf_counter() + 0.2
    for at, index in schedule:
        due = t0 + at
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        late.append(time.perf_counter() - due)
        queues[index].put(due)
    for index, pool in enumerate(tallies):
        for _ in pool:
            queues[index].put(None)
    for thread in threads:
        thread.join()
    totals = [Tally() for _ in plans]
    for total, pool in zip(totals, tallies, strict=True):
        for tally in pool:
            total.merge(tally)
    offered = [sum(1 for _at, i in schedule if i == index) for index in range(len(plans))]
    return totals, t0, offered, sorted(late)


def print_table(rows: list[Figures]) -> None:
    print(
        f"  {'endpoint':<26} {'offered':>7} {'sent':>7} {'ok':>7} {'errors':>6} {'ok/s':>7} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>8} {'max ms':>8} {'srv CPU':>7} {'cli CPU':>7}"
    )
    for f in rows:
        cpu = [
            f"{v:.2f}" if v is not None else "-"
            for v in (f.server_cpu_ms_per_request, f.client_cpu_ms_per_request)
        ]
        print(
            f"  {f.label:<26} {f.offered or '-':>7} {f.sent:>7} {f.ok:>7} {sum(f.errors.values()):>6} "
            f"{f.per_second:>7.1f} {f.p50_ms:>7.1f} {f.p95_ms:>7.1f} {f.p99_ms:>8.1f} {f.max_ms:>8.1f} "
            f"{cpu[0]:>7} {cpu[1]:>7}"
        )
        for status, count in f.errors.items():
            print(f"      error {status}: {count}")


def measure(args, env: dict, var_dir: Path, senders: list[Sender], services: list[str], today) -> dict:
    """(a) then (b) on one server; returns their Figures and the Tallies behind them, warm-up included."""
    reports, ping = ReportPlan(senders, services, today), PingPlan()
    plans = [reports, ping]
    tallies: dict[str, list[Tally]] = {}
    with serving(env, var_dir, "--threads", str(args.threads)) as (server, port, _base):
        print(f"serving: waitress, 1 process, {args.threads} threads (pid {server.pid})", flush=True)
        # Every server thread opens its database connection here, not in the measurement.
        warm = max(args.concurrency, args.threads)
        tallies["warm-up"] = [closed_loop(p, port, WARM_UP_S, warm, args.timeout)[0] for p in plans]

        print(
            f"(a) fixed rate: {args.rate:g} reports/s and {args.rate / FLOOR_EVERY:g} floor requests/s for "
            f"{args.duration:g} s, open loop, {args.connections} connections; latency from each request's due time",
            flush=True,
        )
        server_cpu, client_cpu = process_cpu_seconds(server.pid), time.process_time()
        tallies["fixed rate"], t0, offered, late = open_loop(
            plans,
            [args.rate, args.rate / FLOOR_EVERY],
            [args.connections, FLOOR_CONNECTIONS],
            port,
            args.duration,
            args.timeout,
        )
        sent = max(sum(t.sent for t in tallies["fixed rate"]), 1)
        server_after = process_cpu_seconds(server.pid)
        client_ms = (time.process_time() - client_cpu) / sent * 1000
        end = max([t0 + args.duration] + [max(t.answered_at, default=t0) for t in tallies["fixed rate"]])
        fixed = [
            figures(plan.label, tally, end - t0, count)
            for plan, tally, count in zip(plans, tallies["fixed rate"], offered, strict=True)
        ]
        print_table(fixed)
        print(
            f"  this client's lateness, due time to queued: p50 {percentile(late, 50) * 1000:.1f} ms, p99 "
            f"{percentile(late, 99) * 1000:.1f} ms, max {percentile(late, 100) * 1000:.1f} ms (counted in the "
            "latency)"
        )
        if server_cpu is not None:
            print(
                f"  CPU per request sent, both endpoints: server {(server_after - server_cpu) / sent * 1000:.1f} "
                f"ms, this client {client_ms:.2f} ms; answers ended {end - t0 - args.duration:.1f} s after "
                "the schedule"
            )

        print(
            f"(b) capacity: closed loop, {args.concurrency} connections, {args.windows} windows of "
            f"{args.window:g} s each, floor and reports alternating",
            flush=True,
        )
        tallies["capacity"] = [Tally() for _ in plans]
        in_time, server_s, client_s = [0] * len(plans), [0.0] * len(plans), [0.0] * len(plans)
        for round_ in range(args.windows):
            for index in (0, 1) if round_ % 2 else (1, 0):
                server_cpu, client_cpu = process_cpu_seconds(server.pid), time.process_time()
                tally, _start, deadline = closed_loop(
                    plans[index], port, args.window, args.concurrency, args.timeout
                )
                server_after = process_cpu_seconds(server.pid)
                tallies["capacity"][index].merge(tally)
                # Only answers within the window count: the last requests finish after it, with fewer
                # connections busy, and are not part of its time.
                in_time[index] += sum(1 for at in tally.answered_at if at <= deadline)
                server_s[index] += server_after - server_cpu if server_cpu is not None else math.nan
                client_s[index] += time.process_time() - client_cpu
        capacity = [
            figures(
                plan.label,
                tally,
                args.window * args.windows,
                0,
                ok=in_time[index],
                server_cpu_ms_per_request=server_s[index] / max(tally.sent, 1) * 1000,
                client_cpu_ms_per_request=client_s[index] / max(tally.sent, 1) * 1000,
            )
            for index, (plan, tally) in enumerate(zip(plans, tallies["capacity"], strict=True))
        ]
        print_table(capacity)
        print("  (srv CPU / cli CPU: CPU ms the server process / this client used per request sent)")
    # Out of the block the server is stopped: what it was still doing is committed or rolled back by now.
    return {"fixed": fixed, "capacity": capacity, "tallies": tallies}


def check_database(report_tallies: list[Tally]) -> list[str]:
    """What the API acknowledged is stored with its outcomes; what was refused or never sent is not."""
    from tocns.accounts.models import User
    from tocns.activities.models import Activity, Outcome

    users = User.objects.filter(username__startswith="bench-")
    stored = {str(pk) for pk in Activity.objects.filter(created_by__in=users).values_list("pk", flat=True)}
    outcomes = Outcome.objects.filter(activity__created_by__in=users).count()
    acknowledged, unanswered, refused = set(), set(), set()
    for tally in report_tallies:
        acknowledged |= tally.acknowledged
        unanswered |= tally.unanswered
        refused |= tally.refused
    lost = acknowledged - stored
    unknown_stored = len(stored & unanswered)
    extra = stored - acknowledged - unanswered
    print(
        f"database check: {len(acknowledged)} reports acknowledged (201, or 200 to a retry; warm-up included), "
        f"{len(stored)} stored with {outcomes} outcomes; of {len(unanswered)} sent without an answer, "
        f"{unknown_stored} stored"
    )
    problems = []
    if lost:
        problems.append(f"{len(lost)} acknowledged reports not stored, e.g. {sorted(lost)[:3]}")
    if extra:
        what = "refused with an error status" if extra & refused else "never sent"
        problems.append(f"{len(extra)} reports stored that were {what}, e.g. {sorted(extra)[:3]}")
    if outcomes != OUTCOMES_PER_REPORT * len(stored):
        problems.append(f"{outcomes} outcomes stored for {len(stored)} reports")
    return problems


def check_dashboard(today: datetime.date) -> list[str]:
    """The dashboard of the province with most of this run's reports shows what its raw rows give for the year."""
    from django.db.models import Count, Sum

    from tocns.activities.models import Activity, Outcome
    from tocns.evaluation.scoring import Period
    from tocns.reports import selectors
    from tocns.teams.models import Team
    from tocns.units.models import Unit

    paths = Counter(
        path.strip("/").split("/")[0]
        for path in Activity.objects.filter(created_by__username__startswith="bench-").values_list(
            "unit_path", flat=True
        )
    )
    if not paths:
        return ["no report of this run stored: no dashboard to check"]
    province = Unit.objects.get(code=paths.most_common(1)[0][0])
    board = selectors.build(
        province,
        Period.parse(str(today.year)),
        Team.objects.filter(unit__path__startswith=province.path),
    )
    rows = Activity.objects.filter(unit_path__startswith=province.path, date__year=today.year)
    reports = rows.aggregate(n=Count("pk"))["n"]
    completed = Outcome.objects.filter(activity__in=rows).aggregate(c=Sum("completed"))["c"] or 0
    print(
        f"dashboard check: {province.name} (most of this run's reports, {paths[province.code]}): dashboard "
        f"{board.reports} reports / {board.completed} completed, raw rows {reports} / {completed}"
    )
    if (board.reports, board.completed) != (reports, completed):
        return [
            f"{province.name}'s dashboard shows {board.reports} / {board.completed}, its rows {reports} / {completed}"
        ]
    return []


def judge(args, vendor: str, results: dict) -> None:
    posted, pinged = results["fixed"]
    capacity = {f.label: f for f in results["capacity"]}
    floor, reports = capacity[PingPlan.label], capacity[ReportPlan.label]
    where = f"{vendor}, scale {args.scale:g}, 1 process"
    print(
        f"goals (issue 24), this run on {where}; the goals are for {GOAL_VENDOR}, national scale "
        f"({GOAL_SCALE:g}) and {GOAL_PROCESSES} worker processes (the project has no multi-process serving yet):"
    )
    ratio = reports.per_second / floor.per_second if floor.per_second else math.nan
    print(
        "  "
        + verdict(
            ratio >= GOAL_SHARE_OF_FLOOR,
            f"sustained throughput {reports.per_second:.1f} reports/s = {ratio:.3f}x the floor "
            f"({floor.per_second:.0f} req/s): goal >= {GOAL_SHARE_OF_FLOOR:g}x. The floor is the READ floor "
            "GET /api/v1/ping: the write floor endpoint of issue 24 is missing",
        )
    )
    errors = sum(posted.errors.values())
    met = errors == 0 and posted.p99_ms <= GOAL_P99_MS
    text = (
        f"offered {args.rate:g} reports/s for {args.duration:g} s: {errors} errors, p99 {posted.p99_ms:.1f} ms "
        f"({posted.p99_ms / GOAL_P99_MS:.2f}x the {GOAL_P99_MS:g} ms), achieved {posted.per_second:.1f}/s: "
        f"goal at {GOAL_RATE:g}/s for {GOAL_DURATION_S:g} s: 0 errors, p99 <= {GOAL_P99_MS:g} ms"
    )
    if args.rate >= GOAL_RATE and args.duration >= GOAL_DURATION_S:
        print("  " + verdict(met, text))
    else:
        print(f"  SHOWN  {text}; not judged: run with --rate {GOAL_RATE:g} --duration {GOAL_DURATION_S:g}")
    print(
        f"  (the floor offered alongside: p99 {pinged.p99_ms:.1f} ms, {sum(pinged.errors.values())} errors: "
        "what any request waited at that moment)"
    )


def run(args, env: dict, var_dir: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from tocns.catalogue.models import DigitalService
    from tocns.startup import national

    vendor = connection.vendor
    print(
        f"tocns API throughput benchmark: database {vendor}, scale {args.scale:g}, {args.teams} teams sending, "
        f"server waitress 1 process {args.threads} threads",
        flush=True,
    )
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPU(s) shared by server, client and database, "
        f"{platform.machine()} {platform.system()}, load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}",
        flush=True,
    )
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    national.generate(scale=args.scale, seed=args.seed, log=lambda line: None)
    print(f"generate_national --scale {args.scale:g}: {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    senders = make_senders(args.teams, args.seed)
    print(
        f"{len(senders)} accounts with API keys, one per team: {time.perf_counter() - start:.1f} s",
        flush=True,
    )
    services = list(DigitalService.objects.in_use().values_list("code", flat=True))
    today = timezone.localdate()
    # SQLite allows one writer: a connection left open here could hold a lock the server then waits on.
    connections.close_all()

    results = measure(args, env, var_dir, senders, services, today)

    judge(args, vendor, results)
    problems = []
    for phase, tallies in results["tallies"].items():
        for label, tally in zip((ReportPlan.label, PingPlan.label), tallies, strict=True):
            wrong = {status: n for status, n in tally.errors.items() if not status.startswith(LOAD_ERRORS)}
            if wrong or tally.problems:
                problems.append(f"{phase} {label}: {wrong} {tally.problems} {sorted(set(tally.samples))}")
            if tally.repeats_ok != tally.repeats_answered:
                problems.append(
                    f"{phase}: {tally.repeats_ok} of {tally.repeats_answered} retries answered 200"
                )
    retries = [tallies[0] for tallies in results["tallies"].values()]
    print(
        f"retries: {sum(t.repeats_answered for t in retries)} bodies sent again after their 201 were answered, "
        f"{sum(t.repeats_ok for t in retries)} of them 200 with the stored report's id"
    )
    problems += check_database(retries)
    problems += check_dashboard(today)
    connections.close_all()

    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "database": vendor,
            "scale": args.scale,
            "teams": len(senders),
            "arguments": {k: v for k, v in vars(args).items() if k != "database_url"},
            "cpus": os.cpu_count(),
            "fixed_rate": [f.__dict__ for f in results["fixed"]],
            "capacity": [f.__dict__ for f in results["capacity"]],
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
    parser.add_argument("--rate", type=float, default=20.0, help="reports offered per second (goal: 200)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds at that rate (goal: 60)")
    parser.add_argument(
        "--scale", type=float, default=0.02, help="generate_national --scale (1.0: the country)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--teams", type=int, default=300, help="teams sending, each with one member's API key"
    )
    parser.add_argument("--connections", type=int, default=64, help="open loop: client connections")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a phone gives up")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="closed loop (capacity): client connections"
    )
    parser.add_argument("--windows", type=int, default=3, help="capacity: windows of each endpoint")
    parser.add_argument("--window", type=float, default=4.0, help="capacity: seconds a window")
    parser.add_argument("--threads", type=int, default=8, help="server (waitress) threads")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to use (a throwaway database is created on it and dropped afterwards)",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if min(args.rate, args.duration, args.window, args.timeout, args.scale) <= 0:
        parser.error("--rate, --duration, --window, --timeout and --scale must be positive")
    if min(args.teams, args.connections, args.concurrency, args.windows, args.threads) < 1:
        parser.error("--teams, --connections, --concurrency, --windows and --threads must be at least 1")
    if args.connections > 90:
        parser.error("--connections at most 90: waitress accepts 100 connections by default")
    os.environ["DJANGO_DEBUG"] = "0"  # as in production: no query log growing in the server
    os.environ["TOCNS_STATIC_MANIFEST"] = "0"  # no collectstatic: nothing measured here is a page

    with throwaway_instance(args.database_url) as var_dir:
        # The server gets exactly this process's settings: same var dir, same database.
        return run(args, dict(os.environ), var_dir)


if __name__ == "__main__":
    sys.exit(main())
