"""First and second start of the laptop demo: how long a fresh clone's ``make run`` takes to serve.

What a newcomer does, timed for real:

1. ``git clone`` of this repository's current HEAD (committed work only) into a temporary folder;
2. ``make run`` there (``HOST=127.0.0.1``, a free ``PORT``), ``/healthz`` polled until it answers 200: the
   **first start** (venv, install, database, official units, handbook, courses, demo data, static files);
3. the server stopped (its whole process group), then ``make run`` again the same way: the **second start**.

Both are printed against the goals (first start at most 90 s, second at most 5 s), with the per-step times
``make run`` itself prints (lines like ``[2/5] … (12,3 s)``).

A fresh machine has no download cache, so the first start runs with pip's and uv's caches off
(``PIP_NO_CACHE_DIR=1``, ``UV_NO_CACHE=1``, and an empty temporary ``UV_CACHE_DIR``): every package is
downloaded again. Nor does a fresh laptop have this workplace's pip configuration (extra local wheel
folders and indexes): the clone runs with ``PIP_CONFIG_FILE`` set to the null device and without
``PIP_FIND_LINKS`` / ``PIP_EXTRA_INDEX_URL``, so only PyPI is used. ``PIP_CERT`` / ``SSL_CERT_FILE`` are
kept: they describe the network, not a cache. ``DATABASE_URL`` and the ``TOCNS_*`` / ``DJANGO_*``
variables are cleared: SQLite in the clone's own ``var/``, as on a laptop; so is
``PYTHONDONTWRITEBYTECODE`` (set on this workplace's machines, not on a laptop; with it Python keeps no
compiled modules between starts). ``--keep-cache`` runs with the caches as they are (for comparing); the
figures then say so.

Run from anywhere inside the repository (standard library only; any Python 3.11+):

    python3 bench/first_start.py [--keep] [--keep-cache] [--timeout 600] [--ref COMMIT]

The load average before and after each run is printed: the figures mean little on a busy machine.

Exit status: 0 when both starts served (whether or not they met the goals), 1 when one did not serve within
the timeout or ``make run`` exited first. The console of each start is saved next to the clone
(``first.log``, ``second.log``) and its tail shown when something fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_GOAL_S = 90.0
SECOND_GOAL_S = 5.0
# A step starts on a line "[2/5] Cập nhật cơ sở dữ liệu… xong (1,7 s)"; its seconds, "(1,7 s)", are on that
# line or on a later one before the next step ("[1/5] Cài đặt thư viện…" … "      xong (41 s)").
STEP = re.compile(r"^\s*\[(\d+)/(\d+)\]\s*([^…(]*)")
SECONDS = re.compile(r"\((\d+(?:[.,]\d+)?) s\)")
CLEARED_PREFIXES = ("TOCNS_", "DJANGO_")
CLEARED = {
    "DATABASE_URL",
    "PIP_FIND_LINKS",
    "PIP_EXTRA_INDEX_URL",
    "PIP_INDEX_URL",
    "VIRTUAL_ENV",
    # Set on this workplace's machines, not on a laptop: Python would write no .pyc for the libraries uv
    # installed, and every start would compile them again (1.4 s instead of 0.7 s for the second start).
    "PYTHONDONTWRITEBYTECODE",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_machine_env(workdir: Path, *, keep_cache: bool) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in CLEARED and not key.startswith(CLEARED_PREFIXES)
    }
    env["PIP_CONFIG_FILE"] = os.devnull  # no /etc/pip.conf, no user pip.conf: PyPI only
    if not keep_cache:
        env["PIP_NO_CACHE_DIR"] = "1"
        env["UV_NO_CACHE"] = "1"
        cache = workdir / "empty-cache"
        cache.mkdir()
        env["UV_CACHE_DIR"] = str(cache)
        env["XDG_CACHE_HOME"] = str(cache)
    return env


def load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def stop(process: subprocess.Popen) -> None:
    """The server runs under make: end the whole group (make, python, waitress's threads)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def start(clone: Path, env: dict[str, str], log: Path, timeout: float) -> tuple[float | None, str]:
    """Seconds from `make run` until /healthz answers 200 (None if it never did) and the console so far."""
    port = free_port()
    with log.open("wb") as out:
        began = time.monotonic()
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}", "HOST=127.0.0.1"],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        seconds = None
        try:
            while time.monotonic() - began < timeout:
                if healthy(port):
                    seconds = time.monotonic() - began
                    break
                if process.poll() is not None:
                    break
                time.sleep(0.05)
        finally:
            stop(process)
    return seconds, log.read_text(errors="replace")


def steps(console: str) -> list[tuple[str, str, float]]:
    found, current = [], None
    for line in console.splitlines():
        match = STEP.match(line)
        if match:
            number, total, text = match.groups()
            current = (f"{number}/{total}", text.strip(" .…:"))
        if current:
            seconds = SECONDS.search(line[match.end() :] if match else line)
            if seconds:
                found.append((*current, float(seconds.group(1).replace(",", "."))))
                current = None
    return found


def report(name: str, seconds: float | None, goal: float, console: str, log: Path) -> bool:
    if seconds is None:
        print(f"{name}: did not serve (console: {log})")
        print("  " + "\n  ".join(console.splitlines()[-25:]))
        return False
    verdict = "meets" if seconds <= goal else "MISSES"
    print(f"{name}: {seconds:6.1f} s to /healthz 200  (goal ≤ {goal:g} s: {verdict})")
    found = steps(console)
    for number, text, step_seconds in found:
        print(f"    [{number}] {text:<48} {step_seconds:6.1f} s")
    if found:
        accounted = sum(s for *_, s in found)
        print(f"    {'(steps printed by make run, summed)':<54} {accounted:6.1f} s")
    else:
        print("    (make run printed no per-step times)")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the clone and its logs")
    parser.add_argument("--keep-cache", action="store_true", help="use pip's and uv's caches as they are")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for each start")
    parser.add_argument("--ref", default="HEAD", help="the commit to clone (default HEAD), e.g. to compare")
    args = parser.parse_args()

    head = subprocess.run(
        ["git", "rev-parse", args.ref], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    workdir = Path(tempfile.mkdtemp(prefix="tocns-first-start-"))
    clone = workdir / "tocns"
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "--quiet", head], cwd=clone, check=True)
        env = fresh_machine_env(workdir, keep_cache=args.keep_cache)
        print(f"tocns first start, {args.ref} ({head[:10]}) cloned into {clone}")
        if dirty and args.ref == "HEAD":
            print("  (uncommitted changes in the work tree are not part of the clone)")
        print(f"  {os.cpu_count()} CPUs, {sys.platform}; Python used by make: {shutil.which('python3')}")
        print(f"  load average before: {load()}")
        if args.keep_cache:
            print(
                "  download caches: as they are on this machine (--keep-cache): NOT a fresh machine's figure"
            )
        else:
            print(
                "  download caches: off (PIP_NO_CACHE_DIR=1, UV_NO_CACHE=1, empty UV_CACHE_DIR): every package "
                "downloaded, as on a fresh machine"
            )
        print("  pip configuration: none (PIP_CONFIG_FILE=/dev/null; no local wheel folders), PyPI only")
        if "PYTHONDONTWRITEBYTECODE" in os.environ:
            print(
                "  PYTHONDONTWRITEBYTECODE unset for make run, as on a laptop (Python keeps its .pyc files)"
            )
        print()

        first_log, second_log = workdir / "first.log", workdir / "second.log"
        first, first_console = start(clone, env, first_log, args.timeout)
        ok = report("First start (fresh clone)", first, FIRST_GOAL_S, first_console, first_log)
        second = None
        if ok:
            second, second_console = start(clone, env, second_log, args.timeout)
            ok = report("Second start", second, SECOND_GOAL_S, second_console, second_log)
        print(f"  load average after: {load()}")
        print()
        if first is not None and second is not None:
            print(
                f"first {first:.1f} s / {FIRST_GOAL_S:g} s goal, second {second:.1f} s / {SECOND_GOAL_S:g} s goal"
            )
        if args.keep or not ok:
            print(f"clone and consoles kept in {workdir}")
        return 0 if ok else 1
    finally:
        if not args.keep and workdir.exists() and "ok" in locals() and ok:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
