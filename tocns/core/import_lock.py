"""One import at a time per commune.

An import checks the file against the database, then writes what it found missing. Two imports of the same
roster checking at once both find every member missing and both add them (two officers pressing "Nhập" made
600 members out of 300 rows). So an import that writes takes a lock on each commune its rows name before it
reads what those communes hold, and keeps the locks until its transaction ends; the second import then reads
what the first wrote and adds nothing.

- PostgreSQL: a transaction-level advisory lock per commune (pg_advisory_xact_lock), taken in order of id so
  two imports of overlapping communes cannot deadlock. Advisory locks touch no row, so reports, pages and
  other writes in those communes go on while an import runs.
- SQLite: a write transaction already holds the database's single write lock from its first statement
  (settings: transaction_mode IMMEDIATE), so writers are serialised and the import needs nothing more.

The second import waits up to TOCNS_IMPORT_LOCK_WAIT_SECONDS, then is refused with ImportBusyError. Waiting
first: two officers pressing "Nhập" together is the usual case, and the second then just learns that nothing
was left to add; a province's 100,000 rows hold a commune for tens of seconds, too long to keep a web
request waiting, so past the wait the user is told to try again."""

from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from .excel import ImportFileError

# The first key of the two-key advisory lock: this application's imports ("tcns" in ASCII), so that other
# users of advisory locks in the same database never wait on an import.
ADVISORY_NAMESPACE = 0x74636E73


class ImportBusyError(ImportFileError):
    """Another import of the same commune is running: nothing was written, try again later."""

    def __init__(self):
        super().__init__(_("Đang có một lần nhập khác cho xã này, vui lòng thử lại sau."))


def lock_communes(commune_ids) -> None:
    """Take the import lock of each commune for the rest of the current transaction (waiting for an import
    that holds one). Must run inside transaction.atomic()."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_communes() holds its locks until the transaction ends: call it inside one.")
    if connection.vendor != "postgresql":
        return  # SQLite: the transaction holds the write lock already (see the module's docstring)
    ids = sorted(set(commune_ids))
    if not ids:
        return
    wait_ms = max(1, int(settings.IMPORT_LOCK_WAIT_SECONDS * 1000))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        # A savepoint, so that a timeout leaves the caller's transaction usable for its own cleanup.
        try:
            with transaction.atomic():
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{wait_ms}ms"])
                for commune_id in ids:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_NAMESPACE, commune_id % 2**31]
                    )
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == "55P03":  # lock_not_available
                raise ImportBusyError from exc
            raise
        # The rest of the import's statements wait as long as they need, as before.
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def is_busy_error(exc: BaseException) -> bool:
    """SQLite's answer when the write lock stayed taken past the busy timeout."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def locked_import(check, apply, parsed, *, actor=None, allowed_paths=None, skip_bad_rows=False):
    """Check `parsed` rows against the database and write them in one transaction, under the locks of the
    communes they name (check() takes them, lock=True). The file was parsed before: the lock is held for the
    database work only."""
    with _sqlite_wait():
        try:
            with transaction.atomic():
                result = check(parsed, allowed_paths=allowed_paths, lock=True)
                apply(result, actor=actor, skip_bad_rows=skip_bad_rows)
        except OperationalError as exc:
            if is_busy_error(exc):
                raise ImportBusyError from exc
            raise
    return result


@contextmanager
def _sqlite_wait():
    """On SQLite the wait for the write lock is the connection's busy timeout: for an import's transaction it
    is TOCNS_IMPORT_LOCK_WAIT_SECONDS, as on PostgreSQL, then back to what it was."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {max(1, int(settings.IMPORT_LOCK_WAIT_SECONDS * 1000))}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")
