"""Page weight on a weak 3G phone: how many bytes each main page of tocns costs to open.

For every demo role (and anonymous, for the login page) this measures, for each main page:

* first load  - the page plus every subresource with an empty HTTP cache (what a member pays the first
                time, or after the phone evicted the cache);
* repeat      - the same page opened again with the cache warm (what they pay every day after).

Bytes are what actually crossed the wire: the compressed size Chromium reports in the DevTools protocol
(``Network.loadingFinished.encodedDataLength``: response headers + gzip body), with anything served from
the cache counted as 0. Bytes do not depend on link speed, so the run is not throttled; the phone is
emulated by a 360x740 mobile viewport with a Vietnamese locale. A bare ``/healthz`` JSON response is measured in the same run as
the floor: the smallest response this server can send.

Budget: every page a team member (demo.totruong, demo.thanhvien) uses must stay within 100 KB
(1 KB = 1024 B) on first load. Exit status 1 if one does not, 2 if a page could not be measured
(error status, login failed), 0 otherwise.

Everything runs for real and is thrown away afterwards: a temp ``TOCNS_VAR_DIR`` (SQLite, static, media),
``migrate`` + ``bootstrap`` + ``collectstatic``, the waitress server from ``manage.py serve``, and the
system Chromium driven by Playwright.

Run from the project root:

    .venv/bin/python bench/page_weight.py
    .venv/bin/python bench/page_weight.py --json var/page_weight.json
    .venv/bin/python bench/page_weight.py --database-url postgres://...   # a throwaway database only
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tocns.browser import launch  # noqa: E402  (bench runs as a script from the project root)

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
KB = 1024
BUDGET_BYTES = 100 * KB
DEMO_PASSWORD = "tocns-demo"
# A low-end Android phone set to Vietnamese, like most members': the language changes the HTML served.
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "vi-VN"}

TEAM_ROLES = ("demo.totruong", "demo.thanhvien")
OFFICER_ROLES = ("demo.admin", "demo.tinh", "demo.xa")
ROLES = OFFICER_ROLES + TEAM_ROLES
OFFICER_PAGES = ("/don-vi/nhap-thon/", "/phan-quyen/", "/nhat-ky/")
# Links to a unit's detail page; nhap-thon is the import page, which shares the prefix.
DETAIL_LINK = re.compile(r"^/don-vi/(?!nhap-thon/)[^/?#]+/$")
SETTLE_TIMEOUT_S = 15.0
QUIET_S = 0.2


@dataclass
class Request:
    url: str
    type: str = ""
    status: int = 0
    bytes: int = 0
    from_cache: bool = False
    finished: bool = False
    failed: str = ""
    content_encoding: str = ""
    accept_encoding: str = ""


@dataclass
class Load:
    """One navigation and everything it pulled in."""

    status: int
    bytes: int
    requests: int
    cached: int
    content_encoding: str
    accept_encoding: str
    detail: list[dict] = field(default_factory=list)


@dataclass
class Result:
    role: str
    page: str
    first: Load
    repeat: Load

    @property
    def budgeted(self) -> bool:
        return self.role in TEAM_ROLES

    @property
    def over_budget(self) -> bool:
        return self.budgeted and self.first.bytes > BUDGET_BYTES

    @property
    def ok(self) -> bool:
        return 200 <= self.first.status < 300 and 200 <= self.repeat.status < 300


class NetworkLog:
    """Collects DevTools Network events for one page; a fresh log per navigation via reset()."""

    def __init__(self, page: Page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.requests: dict[str, Request] = {}
        # Raw headers arrive in *ExtraInfo events, which may come before or after requestWillBeSent.
        self.raw_headers: dict[str, dict] = {}
        for event, handler in {
            "Network.requestWillBeSent": self._sent,
            "Network.requestWillBeSentExtraInfo": self._sent_extra,
            "Network.requestServedFromCache": self._from_cache,
            "Network.responseReceived": self._response,
            "Network.loadingFinished": self._finished,
            "Network.loadingFailed": self._failed,
        }.items():
            self.cdp.on(event, handler)
        self.cdp.send("Network.enable")

    def reset(self) -> None:
        self.requests = {}
        self.raw_headers = {}

    def clear_cache(self) -> None:
        self.cdp.send("Network.clearBrowserCache")

    def _request(self, params: dict) -> Request | None:
        return self.requests.get(params["requestId"])

    def _sent(self, params: dict) -> None:
        request_id = params["requestId"]
        if request_id in self.requests:
            return  # A redirect reuses the id; loadingFinished already counts the bytes of every hop.
        self.requests[request_id] = Request(url=params["request"]["url"], type=params.get("type", ""))

    def _sent_extra(self, params: dict) -> None:
        self.raw_headers[params["requestId"]] = {k.lower(): v for k, v in params.get("headers", {}).items()}

    def _from_cache(self, params: dict) -> None:
        if request := self._request(params):
            request.from_cache = True

    def _response(self, params: dict) -> None:
        if request := self._request(params):
            response = params["response"]
            request.status = response.get("status", 0)
            request.from_cache |= bool(response.get("fromDiskCache") or response.get("fromPrefetchCache"))
            headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
            request.content_encoding = headers.get("content-encoding", "")

    def _finished(self, params: dict) -> None:
        if request := self._request(params):
            request.finished = True
            # A cache hit costs nothing on the wire, whatever Chromium reports for it.
            request.bytes = 0 if request.from_cache else int(params.get("encodedDataLength", 0))

    def _failed(self, params: dict) -> None:
        if request := self._request(params):
            request.finished = True
            request.failed = params.get("errorText", "failed")

    def settle(self) -> None:
        """Wait until every request seen so far has finished and nothing new started for a moment.

        CDP events trail the load event slightly, and a late subresource (favicon, deferred fetch) starts
        right after it; page.wait_for_timeout() is what lets Playwright dispatch those events."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        quiet_since = None
        while True:
            now = time.monotonic()
            if any(not r.finished for r in self.requests.values()):
                quiet_since = None
                if now > deadline:
                    pending = [r.url for r in self.requests.values() if not r.finished]
                    raise RuntimeError(f"requests never finished: {pending}")
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= QUIET_S:
                return
            self.page.wait_for_timeout(50)

    def load(self, url: str) -> Load:
        self.reset()
        response = self.page.goto(url, wait_until="load")
        self.settle()
        for request_id, request in self.requests.items():
            request.accept_encoding = self.raw_headers.get(request_id, {}).get("accept-encoding", "")
        document = next((r for r in self.requests.values() if r.type == "Document"), None)
        return Load(
            status=response.status if response else 0,
            bytes=sum(r.bytes for r in self.requests.values()),
            requests=len(self.requests),
            cached=sum(r.from_cache for r in self.requests.values()),
            content_encoding=document.content_encoding if document else "",
            accept_encoding=document.accept_encoding if document else "",
            detail=[asdict(r) for r in self.requests.values()],
        )


# --- the throwaway instance -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    # The project's own interpreter and manage.py, as `make run` does it; quiet unless it fails, so the
    # table is the only thing printed.
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"manage.py {' '.join(args)} failed with status {done.returncode}")


def wait_healthy(base: str, server: subprocess.Popen, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base}/healthz did not answer 200 within {timeout_s:.0f}s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the browser side -------------------------------------------------------------------------------------


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
    context = browser.new_context(**PHONE)  # A fresh context: empty cache, no cookies.
    try:
        page = context.new_page()
        log = NetworkLog(page)
        log_in(page, base, role)
        detail, team = first_unit_link(page), first_team_link(page)
        return [measure_page(log, base, role, path) for path in pages_for(role, detail, team)]
    finally:
        context.close()


def measure_anonymous(browser: Browser, base: str) -> tuple[Result, Load]:
    context = browser.new_context(**PHONE)
    try:
        log = NetworkLog(context.new_page())
        login = measure_page(log, base, "anonymous", "/dang-nhap/")
        log.clear_cache()
        log.page.goto("about:blank")
        return login, log.load(f"{base}/healthz")
    finally:
        context.close()


def document_bytes(load: Load) -> int:
    return sum(r["bytes"] for r in load.detail if r["type"] == "Document")


# --- report -----------------------------------------------------------------------------------------------


def kb(n: int) -> str:
    return f"{n / KB:.1f}"


def print_report(results: list[Result], floor: Load, elapsed: float) -> None:
    header = (
        f"{'role':<15} {'page':<22} {'HTTP':>4} {'first KB':>8} {'repeat KB':>9} {'requests':>14}  budget"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        status = (
            str(r.first.status)
            if r.first.status == r.repeat.status
            else f"{r.first.status}/{r.repeat.status}"
        )
        requests = f"{r.first.requests} / {r.repeat.requests}"
        if r.repeat.cached:
            requests += f" ({r.repeat.cached}c)"
        verdict = ("OVER" if r.over_budget else "ok") if r.budgeted else "-"
        print(
            f"{r.role:<15} {r.page:<22} {status:>4} {kb(r.first.bytes):>8} {kb(r.repeat.bytes):>9} "
            f"{requests:>14}  {verdict}"
        )
    print("-" * len(header))
    print("requests = first load / repeat, (Nc) = served from cache on repeat; KB = 1024 B on the wire.")
    largest = max(results, key=lambda r: r.first.bytes)
    team = [r for r in results if r.budgeted]
    largest_team = max(team, key=lambda r: r.first.bytes)
    print(f"Budget: {kb(BUDGET_BYTES)} KB first load for every page a team member uses.")
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
    print(f"Run time: {elapsed:.1f} s")


def write_json(path: Path, results: list[Result], floor: Load, elapsed: float) -> None:
    payload = {
        "budget_bytes": BUDGET_BYTES,
        "floor_healthz_bytes": document_bytes(floor),
        "elapsed_s": round(elapsed, 1),
        "results": [
            {
                "role": r.role,
                "page": r.page,
                "budgeted": r.budgeted,
                "over_budget": r.over_budget,
                "first": asdict(r.first),
                "repeat": asdict(r.repeat),
            }
            for r in results
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")


# --- main -------------------------------------------------------------------------------------------------


def serve_and_measure(env: dict, var_dir: Path) -> tuple[list[Result], Load]:
    port = free_port()
    base = f"http://{HOST}:{port}"
    log_path = var_dir / "server.log"
    with open(log_path, "wb") as server_log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--host", HOST, "--port", str(port)],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},  # So the log is complete if we need to show it.
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy(base, server)
            with sync_playwright() as playwright:
                browser = launch(playwright)
                try:
                    login, floor = measure_anonymous(browser, base)
                    results = [login]
                    for role in ROLES:
                        results += measure_role(browser, base, role)
                finally:
                    browser.close()
            return results, floor
        except Exception:
            sys.stderr.write(
                "--- server log (tail) ---\n" + log_path.read_text(errors="replace")[-4000:] + "\n"
            )
            raise
        finally:
            stop(server)


def run(database_url: str | None) -> tuple[list[Result], Load]:
    var_dir = Path(tempfile.mkdtemp(prefix="tocns-page-weight-"))
    env = {**os.environ, "TOCNS_VAR_DIR": str(var_dir)}
    # Never touch the developer's own database unless asked to.
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "bootstrap")
        manage(env, "collectstatic", "--noinput", "-v0")
        return serve_and_measure(env, var_dir)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", help="use this (throwaway!) database instead of a temp SQLite file")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON here")
    args = parser.parse_args(argv)

    started = time.monotonic()
    try:
        results, floor = run(args.database_url)
    except Exception:
        # Not 1: that status means "over budget", and a broken run has measured nothing.
        traceback.print_exc()
        return 2
    elapsed = time.monotonic() - started
    print_report(results, floor, elapsed)
    if args.json:
        write_json(args.json, results, floor, elapsed)

    broken = [r for r in results if not r.ok]
    missing_gzip = [r for r in results if "gzip" not in r.first.accept_encoding]
    for r in broken:
        print(f"ERROR: {r.role} {r.page} answered HTTP {r.first.status}/{r.repeat.status}", file=sys.stderr)
    for r in missing_gzip:
        print(f"ERROR: {r.role} {r.page} was requested without Accept-Encoding: gzip", file=sys.stderr)
    over = [r for r in results if r.over_budget]
    for r in over:
        print(f"OVER BUDGET: {r.role} {r.page} = {kb(r.first.bytes)} KB", file=sys.stderr)
    if broken or missing_gzip:
        return 2
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
