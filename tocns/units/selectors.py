"""Reads of the unit tree. Callers pass a queryset already scoped by accounts.selectors."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tocns.core.text import search_words

from .models import Unit, UnitChangeLink, UnitKind


def _count_below(kind: str, on):
    below = (
        Unit.objects.current(on)
        .filter(kind=kind, path__startswith=OuterRef("path"))
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(below, output_field=IntegerField()), 0)


def with_counts(qs, on=None):
    """Units annotated with how many communes and villages are below them and their households, in one query."""
    on = on or timezone.localdate()
    households = (
        Unit.objects.current(on)
        .filter(kind=UnitKind.VILLAGE, path__startswith=OuterRef("path"))
        .order_by()
        .values("kind")
        .annotate(total=Sum("households"))
        .values("total")
    )
    return qs.annotate(
        commune_count=_count_below(UnitKind.COMMUNE, on),
        village_count=_count_below(UnitKind.VILLAGE, on),
        household_count=Coalesce(Subquery(households, output_field=IntegerField()), 0),
    )


def children_of(unit: Unit, on=None):
    return with_counts(unit.children.current(on)).order_by("name")


def search(scoped_qs, query: str, *, limit: int = 50):
    """Diacritic- and đ/d-insensitive search: every word of the query must appear in the name."""
    words = search_words(query)
    if not words:
        return scoped_qs.none()
    condition = Q()
    for word in words:
        condition &= Q(search_name__contains=word)
    return scoped_qs.current().filter(condition).select_related("parent").order_by("depth", "name")[:limit]


def history_of(unit: Unit):
    """The merges, splits and renames this unit took part in, newest first."""
    return (
        UnitChangeLink.objects.filter(Q(old_unit=unit) | Q(new_unit=unit))
        .select_related("change", "old_unit", "new_unit")
        .order_by("-change__effective_date", "-id")
    )
