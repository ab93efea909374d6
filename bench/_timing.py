"""How dashboard.py times what it measures: runs after warm-ups with p50/p95, the SQL a page sends (timed, or
captured and replayed alone), its template rendered alone, a page fetched from the served process, and a
profile. Not a script: dashboard imports it as ``bench._timing``."""

import cProfile
import io
import math
import pstats
import statistics
import time
from collections.abc import Callable


def nearest_rank(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Result:
    def __init__(self, label: str, samples: list[float], note: str = ""):
        self.label, self.samples, self.note = label, samples, note
        self.p50 = statistics.median(samples) * 1000
        self.p95 = nearest_rank(samples, 0.95) * 1000


def measure(
    label: str,
    work: Callable[[], object],
    runs: int,
    warmup: int,
    budget_s: float,
    before: Callable[[], object] | None = None,
) -> Result:
    """`runs` timed runs after `warmup` untimed ones; when one run is so slow that the runs would take more
    than `budget_s`, no more warm-up and fewer runs (at least 3) - said in the result's note. `before`: run
    untimed before each run (a write the page then has to show)."""
    start = time.perf_counter()
    work()  # the first warm-up run, timed only to size the measurement
    first = time.perf_counter() - start
    note = ""
    if first * runs > budget_s:
        runs = max(3, int(budget_s / first))
        note = f"only {runs} runs, 1 warm-up: one takes {first:.1f} s"
    else:
        for _ in range(warmup - 1):
            work()
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    result = Result(label, samples, note)
    print(f"  {label:<44} p50 {result.p50:>9.1f} ms  p95 {result.p95:>9.1f} ms  {note}".rstrip(), flush=True)
    return result


class Lines(io.TextIOBase):
    """The generator's progress, printed as it comes (call_command writes to this)."""

    def write(self, text: str) -> int:
        for line in text.splitlines():
            print(f"  {line}", flush=True)
        return len(text)


def timed_queries(work: Callable[[], object]) -> list[tuple[float, str]]:
    from django.db import connection

    queries = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - start, sql))

    with connection.execute_wrapper(timer):
        work()
    return queries


def replay(work: Callable[[], object]) -> Callable[[], object]:
    """The statements one run of `work` sends to the database, captured once (SQL and parameters), then
    each replayed and its rows fetched: what the page costs the database with no Python work around it."""
    from django.db import connection

    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        work()

    def run() -> int:
        rows = 0
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    rows += len(cursor.fetchall())
        return rows

    return run


def template_alone(work: Callable[[], object]) -> Callable[[], str]:
    """The template and context one run of `work` (a dashboard GET) renders, captured once, then rendered
    again: what the page costs to write out even when every figure on it is ready."""
    from django.template import loader

    from tocns.reports import views

    captured = {}
    render = views.render

    def capture(request, template_name, context):
        captured.update(request=request, template=template_name, context=context)
        return render(request, template_name, context)

    views.render = capture
    try:
        work()
    finally:
        views.render = render
    template = loader.get_template(captured["template"])

    def run() -> str:
        return template.render(captured["context"], captured["request"])

    return run


def served(url: str, cookie: str, session: str) -> Callable[[], bytes]:
    """GET of `url` from the server process, signed in with `session`, gzip asked for as a browser does."""
    import urllib.request

    request = urllib.request.Request(
        url, headers={"Cookie": f"{cookie}={session}", "Accept-Encoding": "gzip"}
    )

    def get() -> bytes:
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.status != 200 or response.geturl() != url:
                raise RuntimeError(f"GET {url} answered {response.status} at {response.geturl()}")
            return response.read()

    return get


def profile(label: str, work: Callable[[], object], runs: int = 5) -> None:
    print(f"\nprofile of the {label} page: cProfile over {runs} runs", flush=True)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        work()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write("the project's functions, by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(r"/tocns/", 20)
    out.write("all functions, by own time:\n")
    stats.sort_stats("tottime").print_stats(15)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))
    queries = timed_queries(work)
    total = sum(t for t, _sql in queries)
    print(f"SQL of one more run: {len(queries)} queries, {total * 1000:.1f} ms in execute(); slowest 12:")
    for seconds, sql in sorted(queries, key=lambda q: -q[0])[:12]:
        print(f"  {seconds * 1000:>8.1f} ms  {sql[:300]}")


def paired(
    label: str,
    work: Callable[[], object],
    floor: Callable[[], object],
    runs: int,
    warmup: int,
    budget_s: float,
    before: Callable[[], object] | None = None,
) -> tuple[Result, Result]:
    """`work` and `floor` timed in turn in one loop, which of them goes first alternating each round, so
    both meet the same machine load: (work's Result, the floor's Result of the same rounds). `before`: run
    untimed before each round (a write the page then has to show), so the floor reads after it too. Fewer
    rounds (at least 3) when one run of `work` is so slow that they would take more than `budget_s`."""
    work()  # the first warm-up: it may fill what later runs find kept, so it does not size the runs
    start = time.perf_counter()
    if before is not None:
        before()
    work()
    first = time.perf_counter() - start
    note = ""
    if first * runs > budget_s:
        runs = max(3, int(budget_s / first))
        note = f"only {runs} runs, 2 warm-ups: one takes {first:.1f} s"
    else:
        for _ in range(warmup - 2):
            work()
            floor()
    samples: dict[str, list[float]] = {"work": [], "floor": []}
    for round_ in range(runs):
        if before is not None:
            before()
        order = (("work", work), ("floor", floor)) if round_ % 2 else (("floor", floor), ("work", work))
        for name, run in order:
            start = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - start)
    result, base = Result(label, samples["work"], note), Result("floor", samples["floor"])
    print(
        f"  {label:<44} p50 {result.p50:>9.1f} ms  p95 {result.p95:>9.1f} ms  floor p95 {base.p95:>7.1f} ms"
        f"  {result.p95 / base.p95:>6.1f}x  {note}".rstrip(),
        flush=True,
    )
    return result, base


def verdict(met: bool, text: str) -> str:
    """A goal's line: PASS or FAIL, then what was measured against what."""
    return f"{'PASS' if met else 'FAIL'}  {text}"


def province_floor(province, period) -> Callable[[], tuple[dict, dict]]:
    """The least any dashboard of the province can cost: its already-aggregated numbers summed in SQL,
    ``AreaMonth`` reports by month and ``AreaMonthOutcome`` guided/completed by service for the period (two
    queries). dashboard.py's floor (b), and accounts.py's for the dashboard it measures."""
    from django.db.models import Sum

    from tocns.activities.models import AreaMonth, AreaMonthOutcome

    where = {"area_path__startswith": province.path, "month__gte": period.start, "month__lte": period.end}

    def floor() -> tuple[dict, dict]:
        months = dict(
            AreaMonth.objects.filter(**where)
            .values("month")
            .annotate(n=Sum("reports"))
            .values_list("month", "n")
        )
        services = {
            r["service_id"]: (r["g"], r["c"])
            for r in AreaMonthOutcome.objects.filter(**where)
            .values("service_id")
            .annotate(g=Sum("guided"), c=Sum("completed"))
        }
        return months, services

    return floor
