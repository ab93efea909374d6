"""Reads of the unit tree. Callers pass a queryset already scoped by accounts.selectors."""

from django.db.models import OuterRef, Q
from django.utils import timezone

from tocns.core.queries import subquery_count, subquery_sum
from tocns.core.text import search_words

from .models import Unit, UnitChangeLink, UnitKind


def with_counts(qs, on=None):
    """Units annotated with how many communes and villages are below them and their households, in one query."""
    on = on or timezone.localdate()
    below = Unit.objects.current(on).filter(path__startswith=OuterRef("path"))
    villages = below.filter(kind=UnitKind.VILLAGE)
    return qs.annotate(
        commune_count=subquery_count(below.filter(kind=UnitKind.COMMUNE)),
        village_count=subquery_count(villages),
        household_count=subquery_sum(villages, "households"),
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
