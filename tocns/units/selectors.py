"""Reads of the unit tree. Callers pass a queryset already scoped by accounts.selectors."""

from collections import Counter

from django.db.models import Q
from django.utils import timezone

from tocns.core.queries import vi_order
from tocns.core.text import search_words

from .models import COMMUNE_WORDS, VILLAGE_WORDS, Unit, UnitChangeLink, UnitKind, type_word
from .paths import ancestors


def with_counts(units, on=None) -> list[Unit]:
    """The given units (a queryset or a list), each with ``commune_count``, ``village_count`` and
    ``household_count``: the current communes and villages at or below it and their households.

    One read of the current communes and villages under the units (an index range on the path per unit,
    or under their common ancestor when there are many), summed in Python up each row's path. A count per
    unit correlated on the path cannot use the path index: the 166 communes of a province took 7 s."""
    units = list(units)
    if not units:
        return units
    on = on or timezone.localdate()
    by_path = {}
    for unit in units:
        unit.commune_count = unit.village_count = unit.household_count = 0
        unit.commune_kinds, unit.village_kinds = Counter(), Counter()
        by_path.setdefault(unit.path, []).append(unit)
    below = Unit.objects.current(on).filter(kind__in=[UnitKind.COMMUNE, UnitKind.VILLAGE])
    tops = [
        path
        for path in sorted(by_path)
        if not any(path.startswith(a) for a in ancestors(path) if a in by_path)
    ]
    if len(tops) <= MAX_PREFIXES:
        scope = Q()
        for path in tops:
            scope |= Q(path__startswith=path)
        below = below.filter(scope)
    else:
        below = below.filter(path__startswith=_common_path(tops))
    rows = below.order_by().values_list("path", "kind", "households", "name", "division_type")
    for path, kind, households, name, division_type in rows:
        word = type_word(kind, name, division_type)
        for at in (*ancestors(path), path):
            for unit in by_path.get(at, ()):
                if kind == UnitKind.COMMUNE:
                    unit.commune_count += 1
                    unit.commune_kinds[word] += 1
                else:
                    unit.village_count += 1
                    unit.village_kinds[word] += 1
                    unit.household_count += households or 0
    for unit in units:
        unit.commune_words = kinds_text(unit.commune_kinds, COMMUNE_WORDS)
        unit.village_words = kinds_text(unit.village_kinds, VILLAGE_WORDS)
    return units


def kinds_text(counts: Counter, order: tuple) -> str:
    """ "54 xã, 113 phường, 1 đặc khu": each type counted apart, in the usual order, none left out."""
    known = [w for w in order if counts.get(w)] + sorted(w for w in counts if w not in order)
    return ", ".join(f"{counts[w]:,}".replace(",", ".") + f" {w}" for w in known)


MAX_PREFIXES = 20  # more units than this are read under their common ancestor (the country's: "/")


def _common_path(paths: list[str]) -> str:
    """The deepest path every one of the paths starts with ("/" at least)."""
    common = paths[0]
    for path in paths[1:]:
        while not path.startswith(common):
            common = common[: common.rstrip("/").rfind("/") + 1]
    return common or "/"


def children_of(unit: Unit, on=None) -> list[Unit]:
    return with_counts(unit.children.current(on).order_by(*vi_order("name")), on)


def search(scoped_qs, query: str, *, limit: int = 50):
    """Diacritic- and đ/d-insensitive search: every word of the query must appear in the name."""
    words = search_words(query)
    if not words:
        return scoped_qs.none()
    condition = Q()
    for word in words:
        condition &= Q(search_name__contains=word)
    return (
        scoped_qs.current()
        .filter(condition)
        .select_related("parent")
        .order_by("depth", *vi_order("name"))[:limit]
    )


def history_of(unit: Unit):
    """The merges, splits and renames this unit took part in, newest first."""
    return (
        UnitChangeLink.objects.filter(Q(old_unit=unit) | Q(new_unit=unit))
        .select_related("change", "old_unit", "new_unit")
        .order_by("-change__effective_date", "-id")
    )
