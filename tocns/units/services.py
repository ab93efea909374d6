"""Writes on the unit tree: loading the official list, renames and merges with their crosswalk."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from tocns.audit import services as audit
from tocns.core import stamps
from tocns.core.text import fold

from . import signals
from .models import Unit, UnitChange, UnitChangeKind, UnitChangeLink, UnitKind

# QĐ 19/2025/QĐ-TTg: the two-tier list in force from this date.
OFFICIAL_LIST_DATE = datetime.date(2025, 7, 1)
UNIT_AUDIT_FIELDS = [
    "code",
    "name",
    "kind",
    "division_type",
    "parent",
    "valid_from",
    "valid_to",
    "households",
]


def new_unit(*, code: str, name: str, kind: str, parent: Unit | None, **extra) -> Unit:
    """An unsaved unit with its path and search name filled in (usable with bulk_create)."""
    return Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=Unit.path_for(parent, code),
        depth=(parent.depth + 1) if parent else 0,
        search_name=fold(name),
        **extra,
    )


@dataclass
class LoadResult:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0


def _official_list():
    from vietnam_provinces import Province, Ward

    # Names as written, one space between words: the official list has "Xã  Bắc Đông Quan" (10 such).
    for province in Province.iter_all():
        yield (
            f"{province.code.value:02d}",
            " ".join(province.name.split()),
            province.division_type.value,
            None,
        )
    for ward in Ward.iter_all():
        code, parent = f"{ward.code.value:05d}", f"{ward.province_code.value:02d}"
        yield code, " ".join(ward.name.split()), ward.division_type.value, parent


@transaction.atomic
def load_official_units(*, actor=None, effective_date: datetime.date | None = None) -> LoadResult:
    """Bring the official provinces and communes into the tree. Idempotent: codes are stable, so a unit
    whose name changed is renamed in place (with a dated rename in the crosswalk), never duplicated."""
    effective_date = effective_date or timezone.localdate()
    result = LoadResult()
    existing = {u.code: u for u in Unit.objects.filter(kind__in=[UnitKind.PROVINCE, UnitKind.COMMUNE])}
    rows = list(_official_list())
    to_create: list[Unit] = []
    for code, name, division_type, parent_code in rows:
        unit = existing.get(code)
        if unit is None:
            parent = existing.get(parent_code) if parent_code else None
            unit = new_unit(
                code=code,
                name=name,
                kind=UnitKind.COMMUNE if parent_code else UnitKind.PROVINCE,
                parent=parent,
                division_type=division_type,
                valid_from=OFFICIAL_LIST_DATE,
                is_official=True,
            )
            existing[code] = unit
            if parent_code is None:
                unit.save()  # communes need their province's primary key
            else:
                to_create.append(unit)
            result.created += 1
        elif unit.name != name:
            rename_unit(unit=unit, new_name=name, effective_date=effective_date, actor=actor)
            result.renamed += 1
        else:
            result.unchanged += 1
    Unit.objects.bulk_create(to_create, batch_size=1000)
    if to_create:
        stamps.touch_all()
    return result


def change_unit(*, unit: Unit, actor, action: str, **values) -> Unit:
    """Set some fields of a unit, keep its search name in step, and audit the before/after."""
    before = audit.snapshot(unit, UNIT_AUDIT_FIELDS)
    for field, value in values.items():
        setattr(unit, field, value)
    unit.search_name = fold(unit.name)
    unit.save(update_fields=[*values, "search_name", "updated_at"])
    audit.record(
        actor=actor,
        action=action,
        obj=unit,
        unit_path=unit.path,
        before=before,
        after=audit.snapshot(unit, UNIT_AUDIT_FIELDS),
    )
    return unit


@transaction.atomic
def rename_unit(
    *, unit: Unit, new_name: str, effective_date: datetime.date, actor=None, decision: str = ""
) -> Unit:
    change = UnitChange.objects.create(
        kind=UnitChangeKind.RENAME, effective_date=effective_date, decision=decision
    )
    UnitChangeLink.objects.create(
        change=change, old_unit=unit, new_unit=unit, old_name=unit.name, new_name=new_name
    )
    return change_unit(unit=unit, actor=actor, action="rename", name=new_name)


def last_village_number(commune: Unit) -> int:
    """Villages have no official code: the commune's code and a running number, never reused."""
    prefix = f"{commune.code}-"
    codes = Unit.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    return max((int(code[len(prefix) :]) for code in codes if code[len(prefix) :].isdigit()), default=0)


def village_code(commune: Unit, number: int) -> str:
    return f"{commune.code}-{number:03d}"


def _move_subtree(unit: Unit, new_parent: Unit) -> None:
    """Re-hang a unit and everything below it; one UPDATE rewrites the paths."""
    old_path = unit.path
    new_path = Unit.path_for(new_parent, unit.code)
    depth_shift = (new_parent.depth + 1) - unit.depth
    stamps.touch(old_path, new_path)  # queryset updates: no signals
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)


@transaction.atomic
def merge_units(
    *,
    sources: list[Unit],
    new_name: str,
    effective_date: datetime.date,
    actor=None,
    new_code: str | None = None,
    decision: str = "",
) -> Unit:
    """Merge units of one kind and one parent into a new unit. The old units keep their rows (valid until
    the day before), so everything recorded against them stays; the crosswalk says where they went, and
    their current children move under the new unit."""
    if len(sources) < 2:
        raise ValueError("Cần ít nhất hai đơn vị để sáp nhập.")
    kinds = {u.kind for u in sources}
    parents = {u.parent_id for u in sources}
    if len(kinds) != 1 or len(parents) != 1:
        raise ValueError("Chỉ sáp nhập các đơn vị cùng cấp và cùng đơn vị cấp trên.")
    parent = sources[0].parent
    kind = sources[0].kind
    if new_code is None:
        if kind != UnitKind.VILLAGE:
            raise ValueError("Đơn vị cấp xã, cấp tỉnh phải có mã chính thức.")
        new_code = village_code(parent, last_village_number(parent) + 1)
    target = new_unit(
        code=new_code,
        name=new_name,
        kind=kind,
        parent=parent,
        division_type=sources[0].division_type,
        valid_from=effective_date,
        households=sum(u.households or 0 for u in sources) if kind == UnitKind.VILLAGE else None,
        is_official=sources[0].is_official,
        is_synthetic=all(u.is_synthetic for u in sources),
    )
    target.save()
    change = UnitChange.objects.create(
        kind=UnitChangeKind.MERGE, effective_date=effective_date, decision=decision
    )
    closing = effective_date - datetime.timedelta(days=1)
    for source in sources:
        before = audit.snapshot(source, UNIT_AUDIT_FIELDS)
        UnitChangeLink.objects.create(
            change=change, old_unit=source, new_unit=target, old_name=source.name, new_name=new_name
        )
        for child in source.children.current(effective_date):
            _move_subtree(child, target)
        signals.unit_merged.send(sender=Unit, source=source, target=target, actor=actor)
        source.valid_to = closing
        source.save(update_fields=["valid_to", "updated_at"])
        audit.record(
            actor=actor,
            action="merge",
            obj=source,
            unit_path=source.path,
            before=before,
            after=audit.snapshot(source, UNIT_AUDIT_FIELDS),
        )
    audit.record(
        actor=actor,
        action="create",
        obj=target,
        unit_path=target.path,
        after=audit.snapshot(target, UNIT_AUDIT_FIELDS),
    )
    return target


def current_successors(unit: Unit, on: datetime.date | None = None) -> list[Unit]:
    """Where a unit's history belongs "as it is now": itself if still valid, else the units it went into."""
    on = on or timezone.localdate()
    frontier, seen, result = [unit], set(), []
    while frontier:
        current = frontier.pop()
        if current.pk in seen:
            continue
        seen.add(current.pk)
        if current.valid_to is None or current.valid_to >= on:
            result.append(current)
            continue
        frontier.extend(
            link.new_unit
            for link in current.successor_links.select_related("new_unit")
            if link.new_unit_id != current.pk
        )
    return result


@transaction.atomic
def update_village(*, unit: Unit, name: str, households: int | None, actor) -> Unit:
    return change_unit(unit=unit, actor=actor, action="update", name=name, households=households)
