"""Headless Debian Chromium for browser tests and benchmarks (Playwright's own browser download is not used)."""

import contextlib
import os
import shutil
import socket
import threading

CHROMIUM = os.environ.get("TOCNS_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium keeps trying to reach Google's hosts from a machine with no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/dang-nhap/")
    page.get_by_label("Số điện thoại hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base_url}/")


def poll(predicate, page, timeout_ms: int = 10_000, says=None) -> None:
    """Polls predicate until it is true. Unlike page.wait_for_function, a predicate that calls page.evaluate
    waits for the promise the script returns (wait_for_function takes the promise itself as true).
    On timeout the error carries says(), what the page shows, to say why."""
    waited = 0
    while True:
        if predicate():
            return
        if waited >= timeout_ms:
            raise AssertionError(f"timed out waiting; {says() if says else page.url}")
        page.wait_for_timeout(100)
        waited += 100


def fits_width(page) -> bool:
    """No sideways scrolling: the page fits the phone's screen."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


class NetworkSwitch:
    """A TCP relay in front of a test server that can cut the network for real.

    Chromium's offline emulation is applied to a service worker a little after the page, so a request the
    worker lets through can still reach the server; a test of "nothing is sent while offline" needs the
    cable pulled. While cut, the relay drops open connections and refuses new ones."""

    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.online = True
        self._open: set = set()
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.url = f"http://localhost:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _addr = self._server.accept()
            except OSError:
                return
            if not self.online:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update({client, upstream})
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source, target):
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                self._close(sock)

    def _close(self, sock):
        with self._lock:
            self._open.discard(sock)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def cut(self):
        self.online = False
        with self._lock:
            open_now = list(self._open)
        for sock in open_now:
            self._close(sock)

    def restore(self):
        self.online = True

    def close(self):
        self.cut()
        self._server.close()
