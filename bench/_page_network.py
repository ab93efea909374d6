"""What page_weight.py measures with: the DevTools network log of a page load (bytes on the wire, what came
from the cache), a counting proxy in front of the server for the service worker's background fetches, and
the byte budgets results are held to. Not a script: page_weight imports it as ``bench._page_network``."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from dataclasses import asdict, dataclass, field

from playwright.sync_api import Page

from bench._support import HOST  # noqa: E402  (bench runs as a script from the project root)

KB = 1024
BUDGET_BYTES = 100 * KB
REPORT_PAGE = "/bao-cao/"
FEED_PAGE = "/hoat-dong/"
# The report form is what members open most, often with almost no signal: a stricter budget.
PAGE_BUDGETS = {REPORT_PAGE: 60 * KB}
# The roles of a team, whose pages are held to the budgets.
TEAM_ROLES = ("demo.totruong", "demo.thanhvien")
SETTLE_TIMEOUT_S = 15.0
QUIET_S = 0.2
# The service worker works in the background: the wire must be still this long before its bytes are read.
WIRE_QUIET_S = 1.0
WORKER_TIMEOUT_S = 30.0
# A member's first signed-in visit to the home page, the service worker's background fetches included (the
# handbook guides it keeps for reading without signal): with 5,000 articles as with a dozen.
FIRST_VISIT_PAGE = "/"
FIRST_VISIT_BUDGET_BYTES = 300 * KB
# The phone's list of guides to keep offline; the worker stores it last, once every guide on it is kept.
OFFLINE_LIST = "/cam-nang/ngoai-tuyen.json"
# How long the first visit may take to settle: the page asks the worker only after the member lingered, and a
# worker that fetched every guide took minutes at 5,000 articles.
FIRST_VISIT_TIMEOUT_S = 300.0
# Where a service worker got a response from (Network.Response.serviceWorkerResponseSource): these cost
# nothing on the wire.
WORKER_CACHE_SOURCES = {"cache-storage", "http-cache"}


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
    # serviceWorkerResponseSource when a service worker answered ("cache-storage", "network", ...).
    service_worker: str = ""

    @property
    def unseen(self) -> bool:
        """The worker fetched it from the network: it crossed the wire, but not in this page's log."""
        return bool(self.service_worker) and self.service_worker not in WORKER_CACHE_SOURCES


@dataclass
class Load:
    """One navigation and everything it pulled in."""

    status: int
    bytes: int
    requests: int
    cached: int
    content_encoding: str
    accept_encoding: str
    # Responses a service worker answered: from its cache (counted in cached) or, unseen, from the network.
    from_worker: int = 0
    unseen: int = 0
    detail: list[dict] = field(default_factory=list)


@dataclass
class Result:
    role: str
    page: str
    first: Load
    repeat: Load

    @property
    def budget_bytes(self) -> int | None:
        if self.role not in TEAM_ROLES:
            return None
        return PAGE_BUDGETS.get(self.page, BUDGET_BYTES)

    @property
    def budgeted(self) -> bool:
        return self.budget_bytes is not None

    @property
    def over_budget(self) -> bool:
        return self.budgeted and self.first.bytes > self.budget_bytes

    @property
    def ok(self) -> bool:
        return (
            200 <= self.first.status < 300
            and 200 <= self.repeat.status < 300
            and not self.first.unseen
            and not self.repeat.unseen
        )


@dataclass
class WireRequest:
    """One HTTP request seen by the proxy, with the bytes of its response."""

    method: str
    path: str
    status: int = 0
    up: int = 0
    down: int = 0
    accept_encoding: str = ""
    content_encoding: str = ""
    at: float = 0.0  # time.monotonic() when the request line went through


@dataclass
class WorkerVisit:
    """The report form on a phone that never had the service worker, worker downloads included."""

    role: str
    page: str
    down: int  # server -> client: what the phone downloads
    up: int  # client -> server
    page_load: Load  # what the page's own DevTools log saw of the same visit
    wire: list[WireRequest] = field(default_factory=list)

    @property
    def budget_bytes(self) -> int:
        return PAGE_BUDGETS.get(self.page, BUDGET_BYTES)

    @property
    def over_budget(self) -> bool:
        return self.down > self.budget_bytes


@dataclass
class FirstVisit:
    """A member's first signed-in visit to a page on a phone that never had the worker, held open until the
    worker kept its offline guides and the wire went quiet: everything the phone downloads for it."""

    role: str
    page: str
    articles: int  # published handbook articles on the server
    down: int
    up: int
    page_load: Load
    loaded_at: float  # time.monotonic() when the page's load settled
    wire: list[WireRequest] = field(default_factory=list)
    # False when the worker was still fetching at FIRST_VISIT_TIMEOUT_S: the bytes are then a lower bound.
    finished: bool = True

    budget_bytes: int = FIRST_VISIT_BUDGET_BYTES

    @property
    def over_budget(self) -> bool:
        return self.down > self.budget_bytes

    @property
    def judged(self) -> bool:
        """Over budget already, or finished: a visit cut short under the budget says nothing."""
        return self.finished or self.over_budget

    @property
    def ratio(self) -> float:
        return self.down / self.budget_bytes

    @property
    def handbook(self) -> list[WireRequest]:
        """What the worker fetched of the handbook for offline reading (the list itself aside)."""
        return [w for w in self.wire if w.path.startswith("/cam-nang/") and w.path != OFFLINE_LIST]

    @property
    def list_after_s(self) -> float | None:
        """Seconds from the page's load to the worker's first request for the offline list."""
        asked = [w.at for w in self.wire if w.path == OFFLINE_LIST]
        return min(asked) - self.loaded_at if asked else None


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
            if response.get("fromServiceWorker"):
                request.service_worker = response.get("serviceWorkerResponseSource") or "unknown"
                # Served from the worker's own cache: a cache hit like any other.
                request.from_cache |= request.service_worker in WORKER_CACHE_SOURCES
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
            from_worker=sum(bool(r.service_worker) for r in self.requests.values()),
            unseen=sum(r.unseen for r in self.requests.values()),
            detail=[asdict(r) for r in self.requests.values()],
        )


# --- the byte-counting proxy ------------------------------------------------------------------------------

REQUEST_LINE = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]\r?$", re.MULTILINE)
STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3})")


def header(head: bytes, name: str) -> str:
    found = re.search(rb"^" + name.encode() + rb":[ \t]*([^\r\n]*)", head, re.MULTILINE | re.IGNORECASE)
    return found.group(1).decode("latin-1").strip() if found else ""


class _Connection:
    """One client connection and its upstream twin; the response bytes go to the request last sent on it."""

    def __init__(self, client: socket.socket, upstream: socket.socket):
        self.client = client
        self.upstream = upstream
        self.current: WireRequest | None = None
        self.open_pipes = 2


class CountingProxy:
    """A TCP proxy on a free 127.0.0.1 port in front of the server, counting the bytes in each direction.

    A thread accepts; every connection gets two piping threads (client -> server, server -> client). It
    sees the plain HTTP/1.1 that Chromium speaks to the server, so it also notes each request line and
    charges the response bytes that follow to it (Chromium does not pipeline). Counters are thread-safe;
    reset() zeroes them and the request list."""

    def __init__(self, target_port: int):
        self.target = (HOST, target_port)
        self._lock = threading.Lock()
        self._down = 0
        self._up = 0
        self._wire: list[WireRequest] = []
        self._last_byte = time.monotonic()
        self._connections: set[_Connection] = set()
        self._closing = False
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(0.2)  # So the accept loop notices close().
        self.port = self._listener.getsockname()[1]
        self.base = f"http://{HOST}:{self.port}"
        self._thread = threading.Thread(target=self._accept, name="page-weight-proxy", daemon=True)
        self._thread.start()

    def __enter__(self) -> CountingProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # counters

    def reset(self) -> None:
        with self._lock:
            self._down = self._up = 0
            self._wire = []
            self._last_byte = time.monotonic()

    def snapshot(self) -> tuple[int, int, list[WireRequest]]:
        """(bytes server -> client, bytes client -> server, requests) since the last reset()."""
        with self._lock:
            return self._down, self._up, [WireRequest(**asdict(w)) for w in self._wire]

    def idle_s(self) -> float:
        with self._lock:
            return time.monotonic() - self._last_byte

    def wait_quiet(
        self, page: Page, quiet_s: float = WIRE_QUIET_S, timeout_s: float = WORKER_TIMEOUT_S
    ) -> None:
        """Until no byte has moved for quiet_s; waiting on the page keeps Playwright's events flowing."""
        deadline = time.monotonic() + timeout_s
        while self.idle_s() < quiet_s:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the wire through the proxy never went quiet for {quiet_s:.1f} s")
            page.wait_for_timeout(100)

    # plumbing

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # Closed.
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            connection = _Connection(client, upstream)
            with self._lock:
                self._connections.add(connection)
            for to_server in (True, False):
                threading.Thread(target=self._pipe, args=(connection, to_server), daemon=True).start()

    def _pipe(self, connection: _Connection, to_server: bool) -> None:
        source, sink = (
            (connection.client, connection.upstream)
            if to_server
            else (connection.upstream, connection.client)
        )
        try:
            while chunk := source.recv(65536):
                # Noted before it is passed on, so the response can never arrive ahead of its request.
                self._note(connection, chunk, to_server)
                sink.sendall(chunk)
            sink.shutdown(socket.SHUT_WR)  # Pass the end on; the other direction may still be talking.
        except OSError:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        finally:
            with self._lock:
                connection.open_pipes -= 1
                done = connection.open_pipes == 0
                if done:
                    self._connections.discard(connection)
            if done:
                connection.client.close()
                connection.upstream.close()

    def _note(self, connection: _Connection, chunk: bytes, to_server: bool) -> None:
        with self._lock:
            self._last_byte = time.monotonic()
            if to_server:
                self._up += len(chunk)
                for line in REQUEST_LINE.finditer(chunk):
                    method, path = (part.decode("latin-1") for part in line.groups())
                    head = chunk[line.start() :].split(b"\r\n\r\n", 1)[0]
                    connection.current = WireRequest(
                        method, path, accept_encoding=header(head, "accept-encoding"), at=time.monotonic()
                    )
                    self._wire.append(connection.current)
                if connection.current:
                    connection.current.up += len(chunk)
            else:
                self._down += len(chunk)
                current = connection.current
                if current is None:
                    return
                if current.down == 0 and (status := STATUS_LINE.match(chunk)):
                    current.status = int(status.group(1))
                    current.content_encoding = header(chunk.split(b"\r\n\r\n", 1)[0], "content-encoding")
                current.down += len(chunk)

    def close(self) -> None:
        self._closing = True
        self._listener.close()
        self._thread.join(timeout=5)
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            for sock in (connection.client, connection.upstream):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
