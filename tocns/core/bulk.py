"""Writing many rows fast, and the helpers that make province-sized imports affordable: bulk_insert() (COPY on
PostgreSQL, multi-row INSERTs elsewhere), a fast audit snapshot, a memo of per-cell parsers, and running
without the cycle collector. Used by the roster import; nothing here knows an app."""

import datetime
import functools
import gc
import itertools
import json

from django.db import connections, models, router, transaction


class Memo(dict):
    """A parser that remembers its answer per cell value."""

    def __init__(self, parse):
        super().__init__()
        self.parse = parse

    def __missing__(self, value):
        answer = self[value] = self.parse(value)
        return answer

    __call__ = dict.__getitem__  # openpyxl's cell values are all hashable


def without_gc_pauses(function):
    """Run without the cycle collector. An import makes hundreds of thousands of objects that stay alive
    until it ends, so the collector keeps running and each pass walks all of them again: measured at
    about a third of apply_roster's time for 50,000 rows (bench/import_members.py). Nothing the import
    makes is garbage before it ends; collection resumes afterwards. (It is process-wide: other threads
    keep their cyclic garbage a few seconds longer, nothing worse.)"""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper


class _Snapshot:
    """A fast audit.snapshot() for one model: the same values (choice labels, str() of related objects,
    ISO dates), with the labels translated once. audit.snapshot() rebuilds the choice list on every
    call, which is most of the time an import of 100,000 members would spend on its audit.

    Called with an object; of_values() takes the values of `fields`, in order, instead (rows that are
    written without ever being made into model instances)."""

    def __init__(self, model, fields: list[str]):
        self.fields = list(fields)
        self.labels = {}
        for name in self.fields:
            choices = model._meta.get_field(name).choices
            if choices:
                self.labels[name] = {value: str(label) for value, label in choices}

    def __call__(self, obj) -> dict:
        return self.of_values([getattr(obj, name) for name in self.fields])

    def of_values(self, values) -> dict:
        labels = self.labels
        data = {}
        for name, value in zip(self.fields, values, strict=True):
            if value is None:
                pass
            elif name in labels:
                value = labels[name].get(value, value)
            elif isinstance(value, models.Model):
                value = str(value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            data[name] = value
        return data


def snapshotter(model, fields: list[str]) -> _Snapshot:
    return _Snapshot(model, fields)


# Column types whose Python values (str, int, bool, None) every driver takes as they are.
_PLAIN_TYPES = {
    "BooleanField",
    "CharField",
    "TextField",
    "SlugField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _db_adapter(field, connection):
    """How one column's values go to the driver, as field.get_db_prep_save() would send them; None when
    they go as they are. Dates and the like are few distinct values: each is prepared once."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        # What JSONField sends (connection.ops.adapt_json_value): the text json.dumps gives, which
        # SQLite stores and PostgreSQL parses into jsonb.
        return lambda value: None if value is None else json.dumps(value, cls=encoder)
    if field.is_relation or field.get_internal_type() in _PLAIN_TYPES:
        return None
    return Memo(lambda value: field.get_db_prep_save(value, connection))


def _copy_cursor(cursor):
    """The psycopg 3 cursor under Django's wrapper when it can COPY (PostgreSQL), else None."""
    raw = cursor.cursor
    return raw if cursor.db.vendor == "postgresql" and hasattr(raw, "copy") else None


def bulk_insert(model, fields: list[str], rows: list[tuple], *, return_ids: bool = False) -> list[int]:
    """INSERT `rows` into the model's table, each row the values of `fields` as the model's attributes
    hold them (a foreign key: the related pk). The other columns get their defaults, worked out once for
    all rows (auto_now and callable defaults: the same value on every row). Returns the new primary keys
    in the order of `rows` when return_ids (the pk must be an auto-incremented one), else [].

    Why not bulk_create(): for the 100,000 members and 100,000 audit entries of a province's roster it
    spends about 80% of its time in Python, not the database: a model instance per row, and every value
    of every row through its field's get_db_prep_save() and the SQL compiler (and on PostgreSQL through
    psycopg's array quoting). Here only the columns whose values need it are prepared (JSON text, dates
    once each), and the rows go to the database as they are: COPY on PostgreSQL, multi-row INSERTs of as
    many parameters as the backend takes elsewhere. Like bulk_create(): no save() or signals. Unlike it:
    no model instances come back, and COPY bypasses connection.execute_wrapper() hooks and query
    logging."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    given = [opts.get_field(name) for name in fields]
    others = [f for f in opts.concrete_fields if f not in given and not f.primary_key]
    # What bulk_create() would send for the columns not given, computed on one blank instance.
    blank = model()
    extra = tuple(f.get_db_prep_save(f.pre_save(blank, add=True), connection) for f in others)
    adapters = [(i, adapt) for i, f in enumerate(given) if (adapt := _db_adapter(f, connection)) is not None]
    if adapters:
        columns = list(zip(*rows, strict=True))
        for i, adapt in adapters:
            columns[i] = map(adapt, columns[i])
        rows = list(zip(*columns, strict=True))
    if extra:
        rows = [row + extra for row in rows]
    qn = connection.ops.quote_name
    table = qn(opts.db_table)
    names = [f.column for f in given + others]
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        copier = _copy_cursor(cursor)
        if copier is not None:
            ids = []
            if return_ids:
                # Taken from the column's own sequence, as an INSERT would, and written explicitly. (The
                # sequence looked up once: pg_get_serial_sequence() per row costs 5 times the nextval().)
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, opts.pk.column])
                (sequence,) = cursor.fetchone()
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(rows)]
                )
                ids = sorted(pk for (pk,) in cursor.fetchall())
                rows = [(*row, pk) for row, pk in zip(rows, ids, strict=True)]
                names.append(opts.pk.column)
            statement = f"COPY {table} ({', '.join(qn(n) for n in names)}) FROM STDIN"
            with connection.wrap_database_errors, copier.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            return ids
        return _insert_in_batches(cursor, table, [qn(n) for n in names], rows, opts.pk.column, return_ids)


def _insert_in_batches(
    cursor, table: str, names: list[str], rows: list[tuple], pk_column: str, return_ids: bool
):
    """bulk_insert() without COPY: INSERTs of as many rows as the backend takes parameters (on SQLite
    faster than executemany(), which binds and steps one row at a time)."""
    connection = cursor.db
    insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
    placeholders = f"({', '.join(['%s'] * len(names))})"
    ids = []
    if return_ids and not connection.features.can_return_rows_from_bulk_insert:
        for row in rows:  # SQLite before 3.35 has no RETURNING: one row at a time
            cursor.execute(insert + placeholders, row)
            ids.append(cursor.lastrowid)
        return ids
    returning = f" RETURNING {connection.ops.quote_name(pk_column)}" if return_ids else ""
    limit = connection.features.max_query_params
    size = max(1, limit // len(names)) if limit else len(rows)
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        values = ", ".join([placeholders] * len(batch))
        cursor.execute(insert + values + returning, list(itertools.chain.from_iterable(batch)))
        if return_ids:
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids
