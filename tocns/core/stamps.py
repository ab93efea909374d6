"""Marking an area's dashboard figures as changed (see models.AreaStamp, and reports.parts which reads them).

Every write a dashboard counts calls ``touch`` with the unit path it concerns, inside its own transaction:
activity reports (``activities.totals.apply``), rosters, training attendance, plans, weights, units. Saves
and deletes of the models involved touch through signals (``reports.signals``, connected in
``reports.apps``); writes that bypass them (bulk inserts, queryset updates) call it themselves. A bulk load
calls ``touch_all``."""

import contextlib
import secrets
import threading
from functools import lru_cache

EVERYTHING = "/"


@lru_cache(maxsize=1 << 17)  # a province's parts cut the path of every team and village below it
def area_key(path: str | None) -> str:
    """The stamp a path's changes go to: its commune's ("/15/02647/02647-001/" -> "/15/02647/"), or the
    path itself for a province ("/15/") and the country ("/")."""
    if not path or path == EVERYTHING:
        return EVERYTHING
    province_end = path.find("/", 1)
    commune_end = path.find("/", province_end + 1)
    return path if commune_end < 0 else path[: commune_end + 1]


_batch = threading.local()


@contextlib.contextmanager
def batch():
    """Within this block (inside the caller's transaction), touches are gathered and written once at its
    end: a plan's cascade saves some 500 targets, each of which would otherwise write the same stamps."""
    gathered = getattr(_batch, "keys", None)
    if gathered is not None:  # already in a batch: the outer one writes
        yield
        return
    _batch.keys = set()
    try:
        yield
        keys = _batch.keys
    finally:
        _batch.keys = None
    _write(keys)


def touch(*paths: str | None) -> None:
    """Give each path's stamp a new token (one statement; a token is never reused, so a transaction rolled
    back leaves no token that another change could meet again)."""
    keys = {area_key(path) for path in paths}
    gathered = getattr(_batch, "keys", None)
    if gathered is not None:
        gathered.update(keys)
        return
    _write(keys)


def _write(keys: set[str]) -> None:
    from .models import AreaStamp

    if not keys:
        return
    AreaStamp.objects.bulk_create(
        [AreaStamp(path=key, token=secrets.randbits(62)) for key in sorted(keys)],
        update_conflicts=True,
        unique_fields=["path"],
        update_fields=["token"],
    )


def touch_all() -> None:
    """Everything changed (a bulk load, totals rebuilt): every stamp depends on the country's."""
    touch(EVERYTHING)


def stamps_under(path: str) -> dict[str, int]:
    """{stamp path: token} of the stamps at or under ``path`` and the country's, one read."""
    from django.db.models import Q

    from .models import AreaStamp

    rows = AreaStamp.objects.filter(Q(path__startswith=path) | Q(path=EVERYTHING)).values_list(
        "path", "token"
    )
    return dict(rows)
