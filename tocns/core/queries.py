import math

from django.core.paginator import Page, Paginator
from django.db.models import F, Func, IntegerField, Subquery
from django.db.models.functions import Coalesce


def subquery_count(qs, *, distinct: bool = True):
    """COUNT of a correlated queryset as an annotation (0 when nothing matches).

    A plain COUNT function rather than Django's Count aggregate, so no GROUP BY is added; DISTINCT because a
    filter across a to-many join (a village with two teams) would otherwise count a row twice."""
    template = "%(function)s(DISTINCT %(expressions)s)" if distinct else "%(function)s(%(expressions)s)"
    counted = qs.order_by().annotate(_n=Func(F("pk"), function="COUNT", template=template)).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def subquery_sum(qs, field: str):
    summed = qs.order_by().annotate(_s=Func(F(field), function="SUM")).values("_s")
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


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
