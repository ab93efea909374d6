"""Restoring a backup made by ``core.backup`` (the archive's layout is described there): the whole archive is
read into a folder beside MEDIA_ROOT and every checksum, the manifest and the migration state are checked
before the database or MEDIA_ROOT is touched; the database is then replaced in one transaction."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .backup import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA,
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    SUMS,
    BackupError,
    Say,
    _copy_hashing,
    _count_rows,
    _libpq_environment,
    _media_files,
    _program,
    _vendor,
    code_migrations,
    human_size,
    number,
    seconds,
)


def _member_path(name: str) -> PurePosixPath:
    """The member's name when it is one an archive of ours can hold; refuses anything else."""
    path = PurePosixPath(name)
    allowed = name in (MANIFEST, SUMS, SQLITE_MEMBER, POSTGRES_MEMBER) or (
        len(path.parts) > 1 and path.parts[0] == MEDIA
    )
    if not allowed or path.is_absolute() or ".." in path.parts or "\\" in name or "\0" in name:
        raise BackupError(f"Tệp sao lưu có phần tử lạ: {name!r}. Không có gì bị thay đổi.")
    return path


def unpack(archive: Path, staging: Path, say: Say) -> dict:
    """Every member of `archive` written under `staging` and checked against SHA256SUMS and the manifest;
    the manifest. Nothing outside `staging` is written."""
    started = time.monotonic()
    say(f"Đọc và kiểm tra {archive} ({human_size(archive.stat().st_size)})…")
    actual: dict[str, tuple[int, str]] = {}
    sums_text = None
    try:
        with tarfile.open(archive, mode="r|") as tar:
            for member in tar:
                path = _member_path(member.name)
                if not member.isfile():
                    raise BackupError(f"Tệp sao lưu có phần tử không phải tệp: {member.name!r}.")
                if member.name in actual or (member.name == SUMS and sums_text is not None):
                    raise BackupError(f"Tệp sao lưu có {member.name} hai lần.")
                source = tar.extractfile(member)
                if member.name == SUMS:
                    sums_text = source.read(64 * 1024 * 1024).decode("utf-8")
                    continue
                target = staging.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "xb") as out:
                    actual[member.name] = _copy_hashing(source, out)
    except (tarfile.TarError, EOFError, UnicodeDecodeError, zlib.error) as error:
        raise BackupError(f"Tệp sao lưu bị hỏng hoặc không phải bản sao lưu tocns ({error}).") from error
    if sums_text is None or MANIFEST not in actual:
        raise BackupError("Tệp sao lưu thiếu SHA256SUMS hoặc manifest.json (bị cắt cụt?).")
    expected = {}
    for line in sums_text.splitlines():
        digest, _sep, name = line.partition("  ")
        expected[name] = digest
    broken = [
        name
        for name in sorted(set(expected) | set(actual))
        if expected.get(name) != actual.get(name, (0, None))[1]
    ]
    if broken:
        listed = ", ".join(broken[:10]) + (f" và {len(broken) - 10} phần tử khác" if len(broken) > 10 else "")
        raise BackupError(
            f"Tệp sao lưu bị hỏng: mã kiểm tra SHA-256 không khớp ({listed}). Không có gì bị thay đổi."
        )
    try:
        manifest = json.loads((staging / MANIFEST).read_text("utf-8"))
    except ValueError as error:
        raise BackupError(f"manifest.json không đọc được ({error}).") from error
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("Không phải bản sao lưu tocns, hoặc của một phiên bản định dạng khác.")
    listed = {f"{MEDIA}/{item['path']}": (item["size"], item["sha256"]) for item in manifest["files"]}
    listed[manifest["database"]["member"]] = (manifest["database"]["size"], manifest["database"]["sha256"])
    listed[MANIFEST] = actual[MANIFEST]
    if listed != actual:
        raise BackupError("Danh sách tệp trong manifest.json không khớp với nội dung tệp sao lưu.")
    total = sum(size for size, _digest in actual.values())
    say(f"  mã kiểm tra SHA-256 khớp: {number(len(actual))} phần tử, {human_size(total)}, {seconds(started)}")
    return manifest


def check_migrations(manifest: dict) -> None:
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    here = code_migrations()
    if archived == here:
        return
    made_with = manifest.get("tocns") or {}
    commit = made_with.get("commit") or "không rõ"
    newer = sorted(archived - here)
    older = sorted(here - archived)
    lines = [
        "Bản sao lưu được tạo ở trạng thái CSDL (migration) khác với mã nguồn tocns đang chạy, nên không khôi "
        "phục vào đây được.",
        f"  Bản sao lưu tạo lúc {manifest.get('created_at')}, phiên bản {made_with.get('version')}, commit {commit}.",
    ]
    if newer:
        lines.append(
            "  Bản sao lưu có migration mà mã nguồn này chưa có: "
            + ", ".join(f"{app}.{name}" for app, name in newer[:8])
            + ("…" if len(newer) > 8 else "")
        )
    if older:
        lines.append(
            "  Mã nguồn này có migration mà bản sao lưu chưa có: "
            + ", ".join(f"{app}.{name}" for app, name in older[:8])
            + ("…" if len(older) > 8 else "")
        )
    lines.append(
        f"Cách làm: chuyển mã nguồn về đúng commit của bản sao lưu (git checkout {commit.split('+')[0]}), khôi phục, "
        "rồi cập nhật lên phiên bản mới theo docs/production.md (migrate)."
    )
    raise BackupError("\n".join(lines))


def _target_state(connection, media_root: Path) -> tuple[list[str], int]:
    """(tables in the target database, files under MEDIA_ROOT)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    return tables, len(_media_files(media_root))


def _restore_sqlite(connection, staging: Path, say: Say) -> None:
    database = staging / "database.sqlite3"
    with gzip.open(staging / SQLITE_MEMBER, "rb") as source, open(database, "wb") as out:
        shutil.copyfileobj(source, out, CHUNK)
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(database)
    try:
        # The backup API writes the target's pages in one transaction of the target: all or nothing, and
        # the target's -wal file (if any) stays consistent, which copying the file over it would not.
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


def _restore_postgres(connection, staging: Path, tables: list[str], say: Say) -> None:
    pg_restore, psql = _program("pg_restore"), _program("psql")
    env = _libpq_environment(connection)
    command = [
        psql,
        "--no-psqlrc",
        "--quiet",
        "--no-password",
        "--set=ON_ERROR_STOP=1",
        "--single-transaction",
    ]
    if tables:
        # --force: the old tables go in the same transaction as the restore, so a failure keeps them.
        quote = connection.ops.quote_name
        command += ["--command", "".join(f"DROP TABLE IF EXISTS {quote(t)} CASCADE;" for t in tables)]
    command += ["--file=-"]
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        producer = subprocess.Popen(
            [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(staging / POSTGRES_MEMBER)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=restore_errors,
        )
        consumer = subprocess.Popen(
            command, env=env, stdin=producer.stdout, stdout=subprocess.DEVNULL, stderr=psql_errors
        )
        producer.stdout.close()  # psql alone holds the pipe: pg_restore sees it close if psql stops
        consumer.wait()
        producer.wait()
        for process, errors, what in [
            (producer, restore_errors, "pg_restore"),
            (consumer, psql_errors, "psql"),
        ]:
            if process.returncode != 0:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip()[-2000:]
                raise BackupError(
                    f"{what} thất bại (mã {process.returncode}); CSDL được giữ nguyên như trước: {message}"
                )
    connection.close()


def _count_target(connection, tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        return _count_rows(cursor, tables, connection.ops.quote_name)


def restore(
    archive: Path | str, *, force: bool = False, say: Say = print, alias: str = DEFAULT_DB_ALIAS
) -> dict:
    """Replace the database and MEDIA_ROOT by the archive's; the manifest. Refuses a target that has data
    unless `force`, and an archive whose checksums or migration state do not fit, before writing."""
    started = time.monotonic()
    archive = Path(archive)
    connection = connections[alias]
    vendor = _vendor(connection)
    media_root = Path(settings.MEDIA_ROOT).absolute()
    if not archive.is_file():
        raise BackupError(f"Không tìm thấy tệp {archive}.")
    tables, media_count = _target_state(connection, media_root)
    if (tables or media_count) and not force:
        rows = sum(_count_target(connection, tables).values()) if tables else 0
        raise BackupError(
            "Nơi khôi phục chưa trống: "
            + f"CSDL có {number(len(tables))} bảng ({number(rows)} dòng), "
            + f"thư mục ảnh {media_root} có {number(media_count)} tệp. "
            + "Khôi phục sẽ thay toàn bộ dữ liệu này. Nếu chắc chắn, chạy lại với --force."
        )
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tocns-restore-", dir=media_root.parent))
    set_aside = None
    try:
        manifest = unpack(archive, staging, say)
        if manifest["database"]["vendor"] != vendor:
            raise BackupError(
                f"Bản sao lưu là CSDL {manifest['database']['vendor']}, nơi khôi phục là {vendor}: "
                "hãy khôi phục vào cùng loại CSDL."
            )
        check_migrations(manifest)
        if media_count:
            set_aside = media_root.with_name(f"{media_root.name}.cu-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(media_root, set_aside)
            say(f"Thư mục ảnh cũ được chuyển sang {set_aside} (xóa đi khi đã kiểm tra xong).")
        step = time.monotonic()
        say(f"Khôi phục CSDL {vendor} ({human_size(manifest['database']['size'])})…")
        try:
            if vendor == "sqlite":
                _restore_sqlite(connection, staging, say)
            else:
                _restore_postgres(connection, staging, tables, say)
        except BaseException:
            if set_aside:
                os.replace(set_aside, media_root)
                set_aside = None
            raise
        say(f"  xong: {seconds(step)}")
        step = time.monotonic()
        files = manifest["files"]
        say(f"Đặt {number(len(files))} tệp ảnh vào {media_root}…")
        media_root.mkdir(parents=True, exist_ok=True)
        for item in files:
            target = media_root.joinpath(*PurePosixPath(item["path"]).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging.joinpath(MEDIA, *PurePosixPath(item["path"]).parts), target)
        say(f"  xong: {human_size(sum(item['size'] for item in files))}, {seconds(step)}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # ids come from the archive now
    counts = _count_target(connection, list(manifest["tables"]))
    wrong = [t for t, n in manifest["tables"].items() if counts[t] != n]
    if wrong:
        raise BackupError(
            "Số dòng sau khi khôi phục không khớp với bản sao lưu ở các bảng: "
            + ", ".join(f"{t} ({number(counts[t])} thay vì {number(manifest['tables'][t])})" for t in wrong)
        )
    say(
        f"Số dòng khớp với bản sao lưu: {number(len(counts))} bảng, {number(sum(counts.values()))} dòng. "
        f"Khôi phục xong trong {seconds(started)}."
    )
    return manifest
