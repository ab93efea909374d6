"""Page weight on a weak 3G phone: how many bytes each main page of tocns costs to open.

For every demo role (and anonymous, for the login page) this measures, for each main page - the activity
feed ``/hoat-dong/`` for every signed-in role, the report form ``/bao-cao/`` for the team roles:

* first load  - the page plus every subresource with an empty HTTP cache (what a member pays the first
                time, or after the phone evicted the cache);
* repeat      - the same page opened again with the cache warm (what they pay every day after).

Bytes are what actually crossed the wire: the compressed size Chromium reports in the DevTools protocol
(``Network.loadingFinished.encodedDataLength``: response headers + gzip body), with anything served from
the cache counted as 0. Bytes do not depend on link speed, so the run is not throttled; the phone is
emulated by a 360x740 mobile viewport with a Vietnamese locale. A bare ``/healthz`` JSON response is measured in the same run as
the floor: the smallest response this server can send.

Every signed-in page registers a service worker (``/sw.js``). The per-page loads run with service workers
blocked, as they did before the worker existed: a navigation the worker passes on to the network reaches
the page's DevTools log with its bytes missing (0), and a worker that served files from its own Cache
Storage would make "first load" look cheaper than an empty phone. So the per-page numbers stay comparable
from run to run; should a response still come from a service worker, one from its Cache Storage counts as
a cache hit (0 B) and one it fetched from the network stops the run (its bytes are not in the page's log).

What the worker itself downloads is measured once, separately: a byte-counting TCP proxy inside the bench
(a thread on a free 127.0.0.1 port, piping every connection to the server and counting the bytes in each
direction) sits in front of one more visit, "report form, first visit, service worker included":
demo.thanhvien, signed in, opens ``/bao-cao/`` on a phone that never had the worker, which then installs
(its shell files and a second copy of the form for offline use). Counted are all bytes server->client and
client->server until the worker is ready, the form is in its cache and the wire has been quiet for 1 s;
the page-only DevTools figure of the same visit is printed next to it.

The member's first signed-in visit to the home page ``/`` is measured the same way, through the proxy with
the worker allowed: demo.thanhvien, signed in, opens ``/`` on a phone that never had the worker and stays on
the page (visible) until the worker has kept the handbook's guides for reading without signal (it stores
the offline list ``/cam-nang/ngoai-tuyen.json`` last, once every guide on it is kept) and the wire has been
quiet for 2 s. Counted are the page, its files, the worker's install and every guide and image the worker
fetched in the background; the run prints them (grouped when there are many), when the worker first asked
for the list (seconds after the page loaded), and judges the goal: at most 300 KB server->client, PASS or
FAIL with the ratio to 300 KB. A worker still fetching 300 s after the page loaded (one that fetched every
guide of a large handbook) is cut short: the bytes until then are a lower bound, FAIL when already over the
goal, not judged (exit 2) otherwise. With ``--articles N`` the handbook holds N more published articles (the
synthetic ones of ``bench/handbook_search.py``, tied to digital services, about 1 in 7 for members only),
so this shows what a real handbook of thousands of guides costs a phone; every other figure is measured on
that handbook too.

Budget: every page a team member (demo.totruong, demo.thanhvien) uses must stay within 100 KB
(1 KB = 1024 B) on first load; the report form ``/bao-cao/`` within 60 KB, both on its own and in the
service-worker visit (server->client); the first signed-in visit to ``/`` with the worker's fetches within
300 KB. Exit status 1 if one does not, 2 if a page could not be measured
(error status, login failed, bytes invisible to the log), 0 otherwise.

Everything runs for real and is thrown away afterwards: a temp ``TOCNS_VAR_DIR`` (SQLite, static, media),
``migrate`` + ``bootstrap`` + ``collectstatic``, the waitress server from ``manage.py serve``, the proxy,
and the system Chromium driven by Playwright.

Run from the project root:

    .venv/bin/python bench/page_weight.py
    .venv/bin/python bench/page_weight.py --articles 5000
    .venv/bin/python bench/page_weight.py --articles 5000 --first-visit-only   # that visit alone, quicker
    .venv/bin/python bench/page_weight.py --json var/page_weight.json
    .venv/bin/python bench/page_weight.py --database-url postgres://...   # a throwaway database only
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
from dataclasses import asdict
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._page_network import (  # noqa: E402
    BUDGET_BYTES,
    FEED_PAGE,
    FIRST_VISIT_PAGE,
    FIRST_VISIT_TIMEOUT_S,
    KB,
    OFFLINE_LIST,
    PAGE_BUDGETS,
    REPORT_PAGE,
    TEAM_ROLES,
    WORKER_TIMEOUT_S,
    CountingProxy,
    FirstVisit,
    Load,
    NetworkLog,
    Result,
    WireRequest,
    WorkerVisit,
)
from bench._support import serving  # noqa: E402  (bench runs as a script from the project root)
from tocns.browser import launch  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "tocns-demo"
# A low-end Android phone set to Vietnamese, like most members': the language changes the HTML served.
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}

OFFICER_ROLES = ("demo.admin", "demo.tinh", "demo.xa")
ROLES = OFFICER_ROLES + TEAM_ROLES
# The handbook's front page, a search, and the longest starting guide (loaded by bootstrap).
HANDBOOK_PAGES = ("/cam-nang/", "/cam-nang/?q=kich hoat dinh danh", "/cam-nang/cac-chieu-lua-dao-thuong-gap/")
OFFICER_PAGES = ("/don-vi/nhap-thon/", "/phan-quyen/", "/nhat-ky/")
WORKER_ROLE = "demo.thanhvien"
# Links to a unit's detail page; nhap-thon is the import page, which shares the prefix.
DETAIL_LINK = re.compile(r"^/don-vi/(?!nhap-thon/)[^/?#]+/$")
# --- the throwaway instance -------------------------------------------------------------------------------


def manage(env: dict, *args: str) -> str:
    # The project's own interpreter and manage.py, as `make run` does it; quiet unless it fails, so the
    # table is the only thing printed.
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"manage.py {' '.join(args)} failed with status {done.returncode}")
    return done.stdout


# The synthetic articles of the handbook search benchmark, written the way it writes them (bulk, with their
# steps, services and search index); no drafts, which no page shows a member.
MAKE_ARTICLES = "import random; from bench.handbook_search import make_articles; make_articles({count}, 0, random.Random(7))"
COUNT_PUBLISHED = (
    "from tocns.handbook.models import Article, ArticleStatus; "
    "print(Article.objects.filter(status=ArticleStatus.PUBLISHED).count())"
)


# --- the browser side -------------------------------------------------------------------------------------


def phone_context(browser: Browser, service_workers: str = "block", **options):
    """A fresh context: empty cache, no cookies. Service workers are blocked unless asked for (see above)."""
    return browser.new_context(**PHONE, service_workers=service_workers, **options)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_load_state("load")
    if page.url != f"{base}/":
        raise RuntimeError(f"{username}: login did not reach the home page (at {page.url})")


def first_unit_link(page: Page) -> str:
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    link = next((href for href in hrefs if DETAIL_LINK.match(href)), None)
    if link is None:
        raise RuntimeError(f"no unit link on the home page ({page.url})")
    return link


TEAM_LINK = re.compile(r"^/to/\d+/$")


def first_team_link(page: Page) -> str | None:
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    return next((href for href in hrefs if TEAM_LINK.match(href)), None)


def pages_for(role: str, detail: str, team: str | None) -> list[str]:
    # Team members see only their own village, so "lao cai" would find nothing; they search villages.
    search = "/don-vi/?q=thon" if role in TEAM_ROLES else "/don-vi/?q=lao cai"
    pages = ["/", "/don-vi/", search, detail, "/to/"]
    if team:
        pages += [team, f"{team}the/"]
    if role in TEAM_ROLES:
        pages.append(REPORT_PAGE)
    pages.append(FEED_PAGE)
    pages += list(HANDBOOK_PAGES) + ["/tap-huan/"]
    if role in OFFICER_ROLES:
        pages += list(OFFICER_PAGES)
    return pages


def measure_page(log: NetworkLog, base: str, role: str, path: str) -> Result:
    # about:blank in between makes both visits ordinary navigations; going to the URL already shown would
    # let Chromium treat it as a reload, which revalidates the cache instead of using it.
    log.clear_cache()
    log.page.goto("about:blank")
    first = log.load(base + path)
    log.page.goto("about:blank")
    repeat = log.load(base + path)
    return Result(role=role, page=path, first=first, repeat=repeat)


def measure_role(browser: Browser, base: str, role: str) -> list[Result]:
    context = phone_context(browser)
    try:
        page = context.new_page()
        log = NetworkLog(page)
        log_in(page, base, role)
        detail, team = first_unit_link(page), first_team_link(page)
        return [measure_page(log, base, role, path) for path in pages_for(role, detail, team)]
    finally:
        context.close()


def measure_anonymous(browser: Browser, base: str) -> tuple[list[Result], Load]:
    """The sign-in page, and what a citizen opens from a handout's QR without an account."""
    context = phone_context(browser)
    try:
        log = NetworkLog(context.new_page())
        pages = [measure_page(log, base, "anonymous", path) for path in ("/dang-nhap/", *HANDBOOK_PAGES)]
        log.clear_cache()
        log.page.goto("about:blank")
        return pages, log.load(f"{base}/healthz")
    finally:
        context.close()


# Resolves true once the worker is active and has the page in its cache; false after a second, to poll.
WORKER_READY = """path => Promise.race([
  navigator.serviceWorker.ready.then(() => caches.match(path)).then(Boolean),
  new Promise(resolve => setTimeout(() => resolve(false), 1000)),
])"""


def measure_worker_visit(browser: Browser, proxy: CountingProxy, role: str = WORKER_ROLE) -> WorkerVisit:
    base, path = proxy.base, REPORT_PAGE
    # Signing in lands on the home page, which would already install the worker; so sign in where workers
    # are blocked and carry only the session cookie over to the phone that is measured.
    signing_in = phone_context(browser)
    try:
        log_in(signing_in.new_page(), base, role)
        state = signing_in.storage_state()
    finally:
        signing_in.close()
    context = phone_context(browser, service_workers="allow", storage_state=state)
    try:
        page = context.new_page()
        log = NetworkLog(page)
        proxy.wait_quiet(page, quiet_s=0.3)
        proxy.reset()
        page_load = log.load(base + path)
        if page.url != base + path:
            raise RuntimeError(f"{role}: {path} through the proxy ended at {page.url}")
        deadline = time.monotonic() + WORKER_TIMEOUT_S
        while not page.evaluate(WORKER_READY, path):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the service worker did not keep {path} within {WORKER_TIMEOUT_S:.0f} s")
        proxy.wait_quiet(page)
        down, up, wire = proxy.snapshot()
        return WorkerVisit(role=role, page=path, down=down, up=up, page_load=page_load, wire=wire)
    finally:
        context.close()


# Resolves true once the offline list is in the worker's cache (stored last, once all its guides are kept).
LIST_KEPT = "path => caches.match(path).then(Boolean)"


def measure_first_visit(
    browser: Browser, proxy: CountingProxy, articles: int, role: str = WORKER_ROLE
) -> FirstVisit:
    base, path = proxy.base, FIRST_VISIT_PAGE
    signing_in = phone_context(browser)  # as in measure_worker_visit: only the session cookie carries over
    try:
        log_in(signing_in.new_page(), base, role)
        state = signing_in.storage_state()
    finally:
        signing_in.close()
    context = phone_context(browser, service_workers="allow", storage_state=state)
    try:
        page = context.new_page()
        log = NetworkLog(page)
        proxy.wait_quiet(page, quiet_s=0.3)
        proxy.reset()
        page_load = log.load(base + path)
        loaded_at = time.monotonic()
        if page.url != base + path:
            raise RuntimeError(f"{role}: {path} through the proxy ended at {page.url}")
        # The member stays on the page, visible, while the worker works in the background. A worker still
        # fetching at the deadline (one that fetched every guide of 5,000 articles) is cut short: what it
        # downloaded by then is a lower bound, enough to judge a visit already over the budget.
        deadline = loaded_at + FIRST_VISIT_TIMEOUT_S
        finished = True
        while not page.evaluate(LIST_KEPT, OFFLINE_LIST):
            if time.monotonic() > deadline:
                finished = False
                break
            page.wait_for_timeout(250)
        if finished:
            proxy.wait_quiet(page, quiet_s=2.0, timeout_s=FIRST_VISIT_TIMEOUT_S)
        down, up, wire = proxy.snapshot()
        return FirstVisit(
            role=role,
            page=path,
            articles=articles,
            down=down,
            up=up,
            page_load=page_load,
            loaded_at=loaded_at,
            wire=wire,
            finished=finished,
        )
    finally:
        context.close()


def document_bytes(load: Load) -> int:
    return sum(r["bytes"] for r in load.detail if r["type"] == "Document")


# --- report -----------------------------------------------------------------------------------------------


def kb(n: int) -> str:
    return f"{n / KB:.1f}"


def print_report(
    results: list[Result], floor: Load, visit: WorkerVisit, first: FirstVisit, elapsed: float
) -> None:
    header_line = (
        f"{'role':<15} {'page':<22} {'HTTP':>4} {'first KB':>8} {'repeat KB':>9} {'requests':>14}  budget"
    )
    print()
    print(header_line)
    print("-" * len(header_line))
    for r in results:
        status = (
            str(r.first.status)
            if r.first.status == r.repeat.status
            else f"{r.first.status}/{r.repeat.status}"
        )
        requests = f"{r.first.requests} / {r.repeat.requests}"
        if r.repeat.cached:
            requests += f" ({r.repeat.cached}c)"
        verdict = f"{r.budget_bytes // KB:>3} KB {'OVER' if r.over_budget else 'ok'}" if r.budgeted else "-"
        print(
            f"{r.role:<15} {r.page:<22} {status:>4} {kb(r.first.bytes):>8} {kb(r.repeat.bytes):>9} "
            f"{requests:>14}  {verdict}"
        )
    print("-" * len(header_line))
    print("requests = first load / repeat, (Nc) = served from cache on repeat; KB = 1024 B on the wire.")
    from_worker = sum(r.first.from_worker + r.repeat.from_worker for r in results)
    print(
        "Service workers are blocked for these loads, so that /sw.js cannot serve them from its own cache; "
        "a response a worker served from its cache would count as a cache hit (0 B, in (Nc)). "
        f"Responses from a service worker: {from_worker}."
    )
    largest = max(results, key=lambda r: r.first.bytes)
    team = [r for r in results if r.budgeted]
    largest_team = max(team, key=lambda r: r.first.bytes)
    print(
        f"Budget: {kb(BUDGET_BYTES)} KB first load for every page a team member uses; "
        + "; ".join(f"{kb(b)} KB for {p}" for p, b in PAGE_BUDGETS.items())
        + "."
    )
    print(
        f"Largest page: {largest.role} {largest.page} = {kb(largest.first.bytes)} KB ({largest.first.bytes} B)"
    )
    print(
        f"Largest team-member page: {largest_team.role} {largest_team.page} = "
        f"{kb(largest_team.first.bytes)} KB ({largest_team.first.bytes} B)"
    )
    print(
        f"Floor: bare /healthz JSON response = {document_bytes(floor)} B on the wire "
        f"(HTTP {floor.status}, headers included)"
    )
    encodings = sorted({r.first.content_encoding or "none" for r in results})
    accepts = sorted({r.first.accept_encoding for r in results})
    print(f"HTML content-encoding: {', '.join(encodings)}; Accept-Encoding sent: {' | '.join(accepts)}")
    print_worker_visit(visit)
    print_first_visit(first)
    print(f"Run time: {elapsed:.1f} s")


def print_worker_visit(visit: WorkerVisit) -> None:
    verdict = "OVER" if visit.over_budget else "ok"
    page = visit.page_load
    print()
    print(f"Report form, first visit, service worker included ({visit.role} {visit.page}, TCP proxy count):")
    print(
        f"  server -> client {kb(visit.down):>6} KB ({visit.down} B)  "
        f"budget {visit.budget_bytes // KB} KB: {verdict}"
    )
    print(f"  client -> server {kb(visit.up):>6} KB ({visit.up} B)")
    print(
        f"  page only (DevTools, same visit) {kb(page.bytes)} KB ({page.bytes} B) in {page.requests} requests; "
        f"the worker and what the page log misses: {kb(visit.down - page.bytes)} KB"
    )
    print("  on the wire (server -> client per request, in order):")
    for w in visit.wire:
        encoding = w.content_encoding or "-"
        print(f"    {w.method} {w.path:<48} {w.status:>3} {w.down:>7} B  {encoding}")
    paths = [w.path for w in visit.wire]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        print(f"  fetched more than once: {', '.join(twice)}")


def wire_group(w: WireRequest) -> str:
    """Where a request belongs, for a first visit of hundreds of requests."""
    path = w.path.split("?", 1)[0]
    if path == OFFLINE_LIST:
        return "offline list"
    if path.startswith("/cam-nang/"):
        return "handbook images" if path.endswith(".jpg") else "handbook pages"
    if path.startswith("/static/"):
        return "static files"
    return "pages and the worker"


# Up to this many requests, the first visit lists every one; beyond, it sums them by group.
WIRE_LISTED = 60


def print_first_visit(first: FirstVisit) -> None:
    verdict = "FAIL" if first.over_budget else "PASS" if first.finished else "NOT JUDGED"
    page = first.page_load
    print()
    print(
        f"First signed-in visit, service worker included ({first.role} {first.page}, "
        f"{first.articles} published handbook articles, TCP proxy count):"
    )
    if not first.finished:
        print(
            f"  CUT SHORT: the worker had not kept {OFFLINE_LIST} after {FIRST_VISIT_TIMEOUT_S:.0f} s and was "
            "still fetching; the figures below are what it downloaded until then (a lower bound)"
        )
    print(f"  server -> client {kb(first.down):>7} KB ({first.down} B) in {len(first.wire)} requests")
    print(f"  client -> server {kb(first.up):>7} KB ({first.up} B)")
    print(
        f"  page only (DevTools, same visit) {kb(page.bytes)} KB ({page.bytes} B) in {page.requests} requests; "
        f"the worker's: {kb(first.down - page.bytes)} KB"
    )
    handbook = first.handbook
    after = first.list_after_s
    print(
        f"  handbook kept for offline reading: {len(handbook)} requests, "
        f"{kb(sum(w.down for w in handbook))} KB; "
        + (f"the worker asked for the list {after:.1f} s after the page loaded" if after is not None else "")
    )
    if len(first.wire) <= WIRE_LISTED:
        print("  on the wire (server -> client per request, in order):")
        for w in first.wire:
            print(f"    {w.method} {w.path:<48} {w.status:>3} {w.down:>7} B  {w.content_encoding or '-'}")
    else:
        print("  on the wire, by group:")
        groups: dict[str, list[WireRequest]] = {}
        for w in first.wire:
            groups.setdefault(wire_group(w), []).append(w)
        for name, ws in groups.items():
            print(f"    {name:<22} {len(ws):>5} requests {kb(sum(w.down for w in ws)):>9} KB")
    print(
        f"  goal: at most {kb(first.budget_bytes)} KB server -> client: {verdict} "
        f"({first.ratio:.2f} of the goal, {kb(first.down)} / {kb(first.budget_bytes)} KB)"
    )


def write_json(
    path: Path, results: list[Result], floor: Load, visit: WorkerVisit, first: FirstVisit, elapsed: float
) -> None:
    payload = {
        "budget_bytes": BUDGET_BYTES,
        "page_budget_bytes": PAGE_BUDGETS,
        "floor_healthz_bytes": document_bytes(floor),
        "elapsed_s": round(elapsed, 1),
        "results": [
            {
                "role": r.role,
                "page": r.page,
                "budgeted": r.budgeted,
                "budget_bytes": r.budget_bytes,
                "over_budget": r.over_budget,
                "first": asdict(r.first),
                "repeat": asdict(r.repeat),
            }
            for r in results
        ],
        "service_worker_visit": {
            "role": visit.role,
            "page": visit.page,
            "server_to_client_bytes": visit.down,
            "client_to_server_bytes": visit.up,
            "budget_bytes": visit.budget_bytes,
            "over_budget": visit.over_budget,
            "page_only": asdict(visit.page_load),
            "wire": [asdict(w) for w in visit.wire],
        },
        "first_signed_in_visit": {
            "role": first.role,
            "page": first.page,
            "articles": first.articles,
            "server_to_client_bytes": first.down,
            "client_to_server_bytes": first.up,
            "requests": len(first.wire),
            "handbook_requests": len(first.handbook),
            "list_after_s": first.list_after_s,
            "budget_bytes": first.budget_bytes,
            "ratio": round(first.ratio, 3),
            "over_budget": first.over_budget,
            "finished": first.finished,
            "page_only": asdict(first.page_load),
            "wire": [asdict(w) for w in first.wire],
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")


# --- main -------------------------------------------------------------------------------------------------


def serve_and_measure(
    env: dict, var_dir: Path, articles: int, first_only: bool = False
) -> tuple[list[Result], Load | None, WorkerVisit | None, FirstVisit]:
    with (
        serving(
            env,
            var_dir,
            log_tail_on=Exception,
            poll_s=0.2,
            retry_on=(urllib.error.URLError, ConnectionError, TimeoutError),
        ) as (_server, port, base),
        sync_playwright() as playwright,
        CountingProxy(port) as proxy,
    ):
        browser = launch(playwright)
        try:
            if first_only:
                return [], None, None, measure_first_visit(browser, proxy, articles)
            results, floor = measure_anonymous(browser, base)
            for role in ROLES:
                results += measure_role(browser, base, role)
            visit = measure_worker_visit(browser, proxy)
            first = measure_first_visit(browser, proxy, articles)
        finally:
            browser.close()
    return results, floor, visit, first


def run(
    database_url: str | None, articles: int, first_only: bool = False
) -> tuple[list[Result], Load | None, WorkerVisit | None, FirstVisit]:
    var_dir = Path(tempfile.mkdtemp(prefix="tocns-page-weight-"))
    env = {**os.environ, "TOCNS_VAR_DIR": str(var_dir)}
    # Never touch the developer's own database unless asked to.
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "bootstrap", "--demo")  # it signs in as the demo roles
        manage(env, "collectstatic", "--noinput", "-v0")
        if articles:
            manage(env, "shell", "-c", MAKE_ARTICLES.format(count=articles))
        # The last line: Django's shell may first say what it imported.
        published = int(manage(env, "shell", "-c", COUNT_PUBLISHED).strip().splitlines()[-1])
        return serve_and_measure(env, var_dir, published, first_only)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", help="use this (throwaway!) database instead of a temp SQLite file")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON here")
    parser.add_argument(
        "--articles",
        type=int,
        default=0,
        metavar="N",
        help="add N synthetic published handbook articles to the demo's (e.g. 5000)",
    )
    parser.add_argument(
        "--first-visit-only",
        action="store_true",
        help="measure only the first signed-in visit with the service worker (a quick run)",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    try:
        results, floor, visit, first = run(args.database_url, args.articles, args.first_visit_only)
    except Exception:
        # Not 1: that status means "over budget", and a broken run has measured nothing.
        traceback.print_exc()
        return 2
    elapsed = time.monotonic() - started
    if floor is None or visit is None:  # --first-visit-only
        print_first_visit(first)
        print(f"Run time: {elapsed:.1f} s")
        return 2 if not first.judged else 1 if first.over_budget else 0
    print_report(results, floor, visit, first, elapsed)
    if args.json:
        write_json(args.json, results, floor, visit, first, elapsed)

    broken = [r for r in results if not r.ok]
    missing_gzip = [r for r in results if "gzip" not in r.first.accept_encoding]
    missing_gzip_wire = [w for w in visit.wire if "gzip" not in w.accept_encoding]
    for r in broken:
        print(
            f"ERROR: {r.role} {r.page} answered HTTP {r.first.status}/{r.repeat.status}"
            + (
                ", fetched by a service worker out of the page's sight"
                if r.first.unseen or r.repeat.unseen
                else ""
            ),
            file=sys.stderr,
        )
    for r in missing_gzip:
        print(f"ERROR: {r.role} {r.page} was requested without Accept-Encoding: gzip", file=sys.stderr)
    for w in missing_gzip_wire:
        print(
            f"ERROR: {w.method} {w.path} went through the proxy without Accept-Encoding: gzip",
            file=sys.stderr,
        )
    over = [r for r in results if r.over_budget]
    for r in over:
        print(f"OVER BUDGET: {r.role} {r.page} = {kb(r.first.bytes)} KB", file=sys.stderr)
    if visit.over_budget:
        print(
            f"OVER BUDGET: {visit.role} {visit.page} with its service worker = {kb(visit.down)} KB",
            file=sys.stderr,
        )
    if first.over_budget:
        print(
            f"OVER BUDGET: {first.role} first signed-in visit to {first.page} with its service worker = "
            f"{kb(first.down)} KB ({first.ratio:.2f} of {kb(first.budget_bytes)} KB)",
            file=sys.stderr,
        )
    if not first.judged:
        print(
            f"ERROR: the first signed-in visit was cut short under the budget: {kb(first.down)} KB so far",
            file=sys.stderr,
        )
    if broken or missing_gzip or missing_gzip_wire or not first.judged:
        return 2
    return 1 if over or visit.over_budget or first.over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
