"""Backup and restore of a whole tocns site: the database and every uploaded file, in one archive.

The archive is a plain tar (``tar tvf`` lists it), members in this order:

* ``database.sqlite3.gz`` (a copy made with SQLite's backup API, gzipped) or ``database.pgdump``
  (``pg_dump`` custom format, already compressed);
* ``media/<path>`` for every file under MEDIA_ROOT (activity photos, handbook step images, uploads);
* ``manifest.json``: tocns version and commit, database vendor, applied migrations, rows per table, the
  files with their sizes and SHA-256;
* ``SHA256SUMS``: every other member's SHA-256, as ``sha256sum -c`` reads it after ``tar xf``.

The database is copied before the files, so every file a database row names is in the archive (a file
uploaded meanwhile is only an unused extra). The row counts are those of the copy itself: SQLite's are
read from the copy, PostgreSQL's inside the transaction whose snapshot ``pg_dump --snapshot`` dumps.

Restore (``core.restore``) reads the whole archive into a folder beside MEDIA_ROOT and checks every checksum, the manifest
and the migration state before it touches the database or MEDIA_ROOT. The database is replaced in one
transaction (SQLite's backup API into the target; on PostgreSQL ``pg_restore`` piped into one ``psql
--single-transaction``), so a failure leaves it as it was. Checksums guard against a damaged copy, not
against someone who rewrites the archive and its sums on purpose.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

FORMAT = "tocns-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SQLITE_MEMBER = "database.sqlite3.gz"
POSTGRES_MEMBER = "database.pgdump"
MEDIA = "media"
CHUNK = 1024 * 1024

Say = Callable[[str], None]


class BackupError(Exception):
    """A refusal or failure, its message in Vietnamese for the person at the terminal."""


# --- small helpers ----------------------------------------------------------------------------------------


def human_size(size: int) -> str:
    """1536 -> '1,5 KB' (decimal comma, as Vietnamese writes it)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.0f}" if unit == "B" else f"{value:.1f}"
            return f"{text.replace('.', ',')} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def seconds(since: float) -> str:
    return f"{time.monotonic() - since:.1f} s".replace(".", ",")


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class _Hashing:
    """A file object's read() that also feeds SHA-256 and counts bytes (tarfile reads in chunks)."""

    def __init__(self, fileobj):
        self.fileobj, self.digest, self.size = fileobj, hashlib.sha256(), 0

    def read(self, size=-1):
        data = self.fileobj.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _copy_hashing(source, target) -> tuple[int, str]:
    reader = _Hashing(source)
    while data := reader.read(CHUNK):
        target.write(data)
    return reader.size, reader.digest.hexdigest()


def _vendor(connection) -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Chưa hỗ trợ sao lưu CSDL loại {connection.vendor} (chỉ SQLite và PostgreSQL).")
    return connection.vendor


def _libpq_environment(connection) -> dict[str, str]:
    """The connection's settings as libpq's variables: the password stays out of the process list."""
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    for variable, key in [
        ("PGDATABASE", "NAME"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
    ]:
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS", {})
    for variable, key in [("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert")]:
        if options.get(key):
            env[variable] = str(options[key])
    return env


def _program(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"Không tìm thấy chương trình {name} (gói postgresql-client: apt-get install postgresql-client)."
        )
    return path


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} thất bại (mã {result.returncode}): {result.stderr.strip()[-2000:]}")


def code_version() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("tocns")
    except PackageNotFoundError:
        package = None
    commit = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        result = subprocess.run(
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if result.returncode == 0:
            commit = result.stdout.strip()
            status = subprocess.run(
                ["git", "-C", str(settings.BASE_DIR), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                timeout=10,
            )
            if status.stdout.strip():
                commit += "+thay-doi-chua-commit"  # the code differs from that commit: say so, do not hide it
    return {"version": package, "commit": commit}


def code_migrations() -> set[tuple[str, str]]:
    """Every migration of the installed apps as this code has them on disk."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied(cursor, tables) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def _media_files(media_root: Path) -> list[tuple[Path, str]]:
    """(path, name relative to MEDIA_ROOT with /) of every regular file under it, sorted."""
    found = []
    if not media_root.is_dir():
        return found
    for folder, folders, files in os.walk(media_root):
        folders.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.append((path, path.relative_to(media_root).as_posix()))
    return found


# --- backup -----------------------------------------------------------------------------------------------


def _dump_sqlite(connection, work: Path, say: Say) -> dict:
    started = time.monotonic()
    say("Sao chép CSDL SQLite (API sao lưu của SQLite, bản chụp nhất quán)…")
    copy = work / "database.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        # One step (pages=-1) under one read transaction: a consistent copy while the site keeps writing.
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        cursor = target.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        counts = _count_rows(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')
        migrations = _applied(cursor, tables)
        server_version = sqlite3.sqlite_version
    finally:
        target.close()
    packed = work / SQLITE_MEMBER
    with open(copy, "rb") as source, gzip.open(packed, "wb", compresslevel=6) as out:
        shutil.copyfileobj(source, out, CHUNK)
    say(
        f"  xong: {human_size(copy.stat().st_size)} (nén còn {human_size(packed.stat().st_size)}), "
        f"{len(tables)} bảng, {number(sum(counts.values()))} dòng, {seconds(started)}"
    )
    copy.unlink()
    return {
        "vendor": "sqlite",
        "server_version": server_version,
        "member": SQLITE_MEMBER,
        "path": packed,
        "tables": counts,
        "migrations": migrations,
    }


def _dump_postgres(connection, work: Path, say: Say) -> dict:
    pg_dump = _program("pg_dump")
    started = time.monotonic()
    dump = work / POSTGRES_MEMBER
    # A connection of its own whose transaction exports its snapshot: pg_dump dumps exactly what it counts.
    snapshot_connection = connections.create_connection(connection.alias)
    try:
        snapshot_connection.set_autocommit(False)
        with snapshot_connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            say(f"Sao lưu CSDL PostgreSQL {server_version} bằng pg_dump (định dạng custom)…")
            tables = snapshot_connection.introspection.table_names(cursor)
            counts = _count_rows(cursor, tables, snapshot_connection.ops.quote_name)
            migrations = _applied(cursor, tables)
            _run(
                [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dump}"],
                env=_libpq_environment(connection),
                what="pg_dump",
            )
    finally:
        with contextlib.suppress(Exception):
            snapshot_connection.rollback()
        snapshot_connection.close()
    say(
        f"  xong: {human_size(dump.stat().st_size)}, {len(tables)} bảng, "
        f"{number(sum(counts.values()))} dòng, {seconds(started)}"
    )
    return {
        "vendor": "postgresql",
        "server_version": server_version,
        "member": POSTGRES_MEMBER,
        "path": dump,
        "tables": counts,
        "migrations": migrations,
    }


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> tuple[int, str]:
    with open(path, "rb") as source:
        info = tar.gettarinfo(fileobj=source, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mode = 0o644
        reader = _Hashing(source)
        tar.addfile(info, reader)  # streamed in chunks; a file that shrank meanwhile is an error
    return reader.size, reader.digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> str:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(data).hexdigest()


def backup(output: Path | str, *, say: Say = print, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the archive to `output` (through a temp file beside it, renamed at the end); the manifest."""
    started = time.monotonic()
    connection = connections[alias]
    vendor = _vendor(connection)
    output = Path(output).absolute()
    media_root = Path(settings.MEDIA_ROOT).absolute()
    if not output.parent.is_dir():
        raise BackupError(f"Thư mục {output.parent} không tồn tại.")
    if output.is_relative_to(media_root):
        raise BackupError(f"Không đặt tệp sao lưu trong thư mục ảnh ({media_root}): nó sẽ tự chép chính nó.")
    with tempfile.TemporaryDirectory(prefix=f".{output.name}.", dir=output.parent) as work_name:
        work = Path(work_name)
        database = (
            _dump_sqlite(connection, work, say)
            if vendor == "sqlite"
            else _dump_postgres(connection, work, say)
        )
        fd, partial_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
        partial = Path(partial_name)
        try:
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    sums = {}
                    size, sums[database["member"]] = _add_file(tar, database["member"], database["path"])
                    database["path"].unlink()
                    files_started = time.monotonic()
                    media = _media_files(media_root)
                    say(f"Chép ảnh và tệp tải lên ({media_root}): {number(len(media))} tệp…")
                    files = []
                    for path, name in media:
                        file_size, digest = _add_file(tar, f"{MEDIA}/{name}", path)
                        sums[f"{MEDIA}/{name}"] = digest
                        files.append({"path": name, "size": file_size, "sha256": digest})
                    say(f"  xong: {human_size(sum(f['size'] for f in files))}, {seconds(files_started)}")
                    manifest = {
                        "format": FORMAT,
                        "format_version": FORMAT_VERSION,
                        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        "tocns": code_version(),
                        "database": {
                            "vendor": database["vendor"],
                            "server_version": database["server_version"],
                            "member": database["member"],
                            "size": size,
                            "sha256": sums[database["member"]],
                        },
                        "migrations": database["migrations"],
                        "tables": database["tables"],
                        "files": files,
                    }
                    body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                    sums[MANIFEST] = _add_bytes(tar, MANIFEST, body)
                    _add_bytes(
                        tar, SUMS, "".join(f"{digest}  {name}\n" for name, digest in sums.items()).encode()
                    )
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    say(f"Đã ghi {output} ({human_size(output.stat().st_size)}) trong {seconds(started)}.")
    return manifest
