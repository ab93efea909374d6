import math

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import BooleanField, Expression, F, Func, IntegerField, Subquery
from django.db.models.functions import Coalesce, Collate


def subquery_count(qs, *, distinct: bool = True):
    """COUNT of a correlated queryset as an annotation (0 when nothing matches).

    A plain COUNT function rather than Django's Count aggregate, so no GROUP BY is added; DISTINCT because a
    filter across a to-many join (a village with two teams) would otherwise count a row twice."""
    template = "%(function)s(DISTINCT %(expressions)s)" if distinct else "%(function)s(%(expressions)s)"
    counted = qs.order_by().annotate(_n=Func(F("pk"), function="COUNT", template=template)).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class InSubquery(Expression):
    """``column IN (subquery)`` as a filter; on PostgreSQL written ``column = ANY(ARRAY(subquery))``.

    The planner cannot tell how many rows an IN over a path-prefix subquery selects, so for the teams
    under a province it hash-joins a scan of every team in the country (80,000 at scale 1.0). The ARRAY
    form is computed once and then probes the column's index. Measured on the teams under the largest
    province (4,021 of 79,810) with their members counted: 28.8 ms to 19.6 ms."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, queryset):
        super().__init__()
        self.column, self.subquery = F(column), Subquery(queryset.order_by())

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs):
        self.column, self.subquery = exprs

    def as_sql(self, compiler, connection, array: bool = False):
        column, column_params = compiler.compile(self.column)
        subquery, subquery_params = compiler.compile(self.subquery)
        sql = f"{column} = ANY(ARRAY{subquery})" if array else f"{column} IN {subquery}"
        return sql, (*column_params, *subquery_params)

    def as_postgresql(self, compiler, connection):
        return self.as_sql(compiler, connection, array=True)


def plain_rows(queryset) -> list[tuple]:
    """The rows of a values_list() queryset as the database driver returns them, without Django's
    per-value converters (an int() on every counted column: on a province's 4,021 teams with six member
    counts each, 4 ms of a 26 ms read). Only for columns the driver already returns as wanted: integers
    and text (on SQLite, booleans and dates would come back raw)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def counted_page(rows_of, number, per_page: int) -> Page:
    """What Paginator(...).get_page(number) gives, from rows_of(offset, limit) -> (how many rows in all,
    those rows), which can count and read a page in one statement where the Paginator makes two. rows_of
    answers None for the total when the slice is past the end; then, as get_page does, the last page."""
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        number = 1
    total, rows = rows_of((number - 1) * per_page, per_page)
    if total is None:
        total, _ = rows_of(0, 1)
        number = max(1, math.ceil(total / per_page))
        total, rows = rows_of((number - 1) * per_page, per_page)
    paginator = Paginator([], per_page)
    paginator.count = total  # a cached_property: once set, never counted
    return Page(rows, number, paginator)


class Vietnamese(Collate):
    """A text column in Vietnamese alphabetical order, for order_by(): PostgreSQL's ICU collation
    "vi-x-icu"; on SQLite the collation "vi" tocns.core registers on every connection (core.text.vi_key).
    A database made with the C or C.UTF-8 locale orders by code point, which puts "Xã Âu Lâu" and
    "Xã Đông Sơn" after "Xã Yên"."""

    def __init__(self, expression):
        super().__init__(expression, "vi")

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, collation='"vi-x-icu"', **extra_context)


def vi_order(*fields: str) -> list:
    """order_by() arguments ordering each named text field in Vietnamese alphabetical order."""
    return [Vietnamese(field).asc() for field in fields]
