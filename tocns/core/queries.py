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
