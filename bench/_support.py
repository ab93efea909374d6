"""What the bench scripts share: a throwaway tocns instance and the waitress server it runs.

* ``throwaway_instance`` - a temp ``TOCNS_VAR_DIR`` (and, given a PostgreSQL URL, a database
  ``tocns_bench_<random>`` created on that server) set in this process's environment for Django, all
  removed again at the end; used by the scripts that run Django in their own process
  (``api_throughput.py``, ``import_members.py``);
* ``serving`` - ``manage.py serve`` in a subprocess on a free 127.0.0.1 port, waited for until
  ``/healthz`` answers 200, its output in ``server.log`` (the tail shown on stderr when something fails),
  stopped at the end (``api_throughput.py``, ``page_weight.py``).

Not a script: the scripts import it as ``bench._support`` once the project root is on ``sys.path``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


# --- a throwaway PostgreSQL database ----------------------------------------------------------------------


def create_postgres_database(url: str) -> tuple[str, str]:
    """A new empty database on the server of `url`; returns (its URL, its name)."""
    import psycopg

    name = f"tocns_bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_postgres_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def throwaway_instance(database_url: str | None, *, keep: bool = False) -> Iterator[Path]:
    """A temp ``TOCNS_VAR_DIR`` (yielded) and Django settings in ``os.environ``; removed at the end.

    ``DATABASE_URL`` is cleared so the developer's own database is never touched: SQLite in the var dir,
    or, with `database_url`, a new database created on that PostgreSQL server (its name printed) and
    dropped at the end, after this process's connections to it are closed (with `keep`, left in place and
    its name printed, to look into afterwards; drop it by hand)."""
    var_dir = Path(tempfile.mkdtemp(prefix="tocns-bench-"))
    os.environ["TOCNS_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tocns.settings"
    os.environ.pop("DATABASE_URL", None)
    database = None
    try:
        if database_url:
            url, name = create_postgres_database(database_url)
            database = name
            os.environ["DATABASE_URL"] = url
            print(f"throwaway PostgreSQL database {name}", flush=True)
        yield var_dir
    finally:
        if database:
            from django.db import connections

            connections.close_all()
            if keep:
                print(f"kept database {database} (drop it by hand: DROP DATABASE {database})")
            else:
                drop_postgres_database(database_url, database)
                print(f"dropped database {database}")
        shutil.rmtree(var_dir, ignore_errors=True)


# --- the server subprocess --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_healthy(
    base: str,
    server: subprocess.Popen,
    timeout_s: float = 60.0,
    *,
    poll_s: float = 0.1,
    retry_on: tuple[type[BaseException], ...] = (OSError,),
) -> None:
    """Until ``base/healthz`` answers 200, asking every `poll_s`; an error in `retry_on` means "not yet"."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except retry_on:
            pass
        time.sleep(poll_s)
    raise RuntimeError(f"{base}/healthz did not answer 200 within {timeout_s:.0f}s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextlib.contextmanager
def serving(
    env: dict,
    var_dir: Path,
    *serve_args: str,
    log_tail_on: type[BaseException] = BaseException,
    poll_s: float = 0.1,
    retry_on: tuple[type[BaseException], ...] = (OSError,),
) -> Iterator[tuple[subprocess.Popen, int, str]]:
    """``manage.py serve --host HOST --port <free> *serve_args`` with `env`; yields (process, port, base URL).

    Yields once ``/healthz`` answers 200 (`poll_s` and `retry_on` as in wait_healthy). The server's output
    goes to ``var_dir/server.log``; when a `log_tail_on` exception leaves the block (or the wait), the last
    4000 characters of it are written to stderr. The server is stopped at the end either way."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    log_path = var_dir / "server.log"
    with open(log_path, "wb") as server_log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--host", HOST, "--port", str(port), *serve_args],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},  # So the log is complete if we need to show it.
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy(base, server, poll_s=poll_s, retry_on=retry_on)
            yield server, port, base
        except log_tail_on:
            sys.stderr.write(
                "--- server log (tail) ---\n" + log_path.read_text(errors="replace")[-4000:] + "\n"
            )
            raise
        finally:
            stop(server)
