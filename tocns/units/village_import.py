"""Import villages from the Excel sheet communes keep: commune code, village name, households.

Two steps: read_villages() checks every row and says what would happen (the dry run);
apply_villages() writes, all or nothing unless the user chose to import only the good rows."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from tocns.audit import services as audit
from tocns.audit.models import AuditEntry
from tocns.core import stamps
from tocns.core.excel import RowError, cell_text, shown
from tocns.core.excel_headers import Column
from tocns.core.excel_table import ParsedFile, ReadResult, parse_file
from tocns.core.excel_write import Sheet, write_workbook
from tocns.core.import_lock import lock_communes, locked_import
from tocns.core.text import fold

from .communes import Communes, chunks
from .models import MAX_HOUSEHOLDS, Unit, UnitKind
from .names import Villages, place_key
from .services import UNIT_AUDIT_FIELDS, change_unit, last_village_number, new_unit, village_code

# Every import that names a commune by its official code accepts these spellings of the header.
COMMUNE_CODE_COLUMN = Column(
    "commune_code",
    "Mã xã",
    ("ma xa/phuong", "ma xa, phuong", "ma don vi cap xa", "ma xa/phuong/dac khu"),
)
COMMUNE_NAME_COLUMN = Column(
    "commune_name",
    "Xã",
    (
        "ten xa",
        "xa/phuong",
        "ten xa/phuong",
        "xa/phuong/dac khu",
        "ten xa/phuong/dac khu",
        "phuong",
        "ten phuong",
        "don vi hanh chinh cap xa",
    ),
)
VILLAGE_COLUMN = Column(
    "village_name",
    "Thôn",
    (
        "ten thon",
        "thon/ban",
        "ten thon/ban",
        "thon, to dan pho",
        "ten thon, to dan pho",
        "thon, ban, to dan pho",
        "ten thon, ban, to dan pho",
        "thon/xom",
        "thon, xom",
        "ten thon, xom",
        "thon, ban",
        "ban",
        "ten ban",
        "xom",
        "ten xom",
        "ap",
        "ten ap",
        "to dan pho",
        "ten to dan pho",
        "khu pho",
        "thon (ban, to dan pho)",
        "dia ban",
        "dia ban thon",
    ),
)
# The header spellings accepted for each column (compared folded: case, diacritics, punctuation ignored).
COLUMNS = [
    COMMUNE_CODE_COLUMN,
    COMMUNE_NAME_COLUMN,
    VILLAGE_COLUMN,
    Column(
        "households",
        "Số hộ",
        ("so ho dan", "tong so ho", "so ho gia dinh", "tong so ho dan", "so ho (ho)", "ho", "quy mo (ho)"),
    ),
]
KEYS = [c.key for c in COLUMNS]
REQUIRED = [("commune_code", "commune_name"), ("village_name",)]
# A commune officer's own list often has no commune column: its rows are their commune's.
OWN_COMMUNE_REQUIRED = [("village_name",)]
TEMPLATE_HEADERS = [COMMUNE_CODE_COLUMN.label, "Tên thôn", "Số hộ"]
MAX_NAME = 200


@dataclass
class VillageRow:
    row: int
    commune: Unit
    name: str
    households: int | None
    existing: Unit | None = None
    rename: bool = False


@dataclass
class VillageImportResult(ReadResult):
    """ReadResult's rows are VillageRows."""


def build_template() -> bytes:
    return write_workbook(
        [Sheet("Thon", TEMPLATE_HEADERS, [["04465", "Thôn Ví dụ (xóa dòng này)", 120]], widths=[12, 40, 10])]
    )


def _households(value) -> tuple[int | None, bool]:
    """A whole number of households, 0 to MAX_HOUSEHOLDS ("1.234" and "1,234" are 1234); None when blank."""
    if value is None or (isinstance(value, str) and not cell_text(value)):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, float):
        if not value.is_integer():  # also NaN and infinities
            return None, False
        value = int(value)
    if not isinstance(value, int):
        text = cell_text(value).replace(".", "").replace(",", "")
        if not text.isdigit() or len(text) > 9:
            return None, False
        value = int(text)
    return (value, True) if 0 <= value <= MAX_HOUSEHOLDS else (None, False)


def own_commune(allowed_paths: list[str] | None) -> Unit | None:
    """The commune of an officer whose scope is exactly one commune, whose lists need not say it."""
    if not allowed_paths or len(allowed_paths) != 1:
        return None
    return Unit.objects.current().filter(kind=UnitKind.COMMUNE, path=allowed_paths[0]).first()


def parse_villages(
    data: bytes, *, commune_optional: bool = False, columns: dict[str, str] | None = None, extra=None
) -> ParsedFile:
    """The file's data rows, each (row number, cells in the order of KEYS); no database."""
    required = OWN_COMMUNE_REQUIRED if commune_optional else REQUIRED
    return parse_file(data, COLUMNS, KEYS, required=required, extra=extra, chosen=columns)


def read_villages(
    data: bytes, *, allowed_paths: list[str] | None = None, columns: dict[str, str] | None = None, extra=None
) -> VillageImportResult:
    """Check every row (the dry run). allowed_paths limits which communes the user may import into."""
    own = own_commune(allowed_paths)
    parsed = parse_villages(data, commune_optional=own is not None, columns=columns, extra=extra)
    return check_villages(parsed, allowed_paths=allowed_paths)


def import_villages(
    data: bytes,
    *,
    actor=None,
    allowed_paths: list[str] | None = None,
    skip_bad_rows: bool = False,
    columns: dict[str, str] | None = None,
    extra=None,
) -> VillageImportResult:
    """Read, check and write, one import at a time per commune (core.import_lock): two imports of the same
    file would otherwise both create every village, and number them alike."""
    own = own_commune(allowed_paths)
    return locked_import(
        check_villages,
        apply_villages,
        parse_villages(data, commune_optional=own is not None, columns=columns, extra=extra),
        actor=actor,
        allowed_paths=allowed_paths,
        skip_bad_rows=skip_bad_rows,
    )


def check_villages(
    parsed: ParsedFile, *, allowed_paths: list[str] | None = None, lock: bool = False
) -> VillageImportResult:
    """Check parse_villages()'s rows against the database. lock: take the import lock of the communes the
    rows name before reading their villages (inside the transaction that will write). Rows without a
    commune are the officer's own commune's, when the file has no commune column and they have one."""
    raw = parsed.rows
    at = parsed.problem
    result = VillageImportResult(rows_read=len(raw), file=parsed.info)
    code_at, name_at, village_at, households_at = (KEYS.index(k) for k in KEYS)
    communes = Communes((c[code_at] for _n, c in raw), (c[name_at] for _n, c in raw), allowed_paths, at)
    has_commune = "commune_code" in parsed.cells or "commune_name" in parsed.cells
    own = None if has_commune else own_commune(allowed_paths)
    known = dict(communes.units)
    if own is not None:
        known[own.pk] = own
    if lock:
        lock_communes(known)
    villages = Villages(
        village
        for chunk in chunks(known)
        for village in Unit.objects.filter(parent_id__in=chunk, kind=UnitKind.VILLAGE).current()
    )
    seen: dict[tuple[int, str], int] = {}
    for number, cells in raw:
        name = cell_text(cells[village_at])
        households, households_ok = _households(cells[households_at])
        problems = []
        if own is not None:
            commune, problem = own, None
        else:
            commune, problem = communes.find(cells[code_at], cells[name_at])
        if problem:
            problems.append(problem)
        elif not communes.in_scope(commune):
            problems.append(communes.out_of_scope(commune, cells[code_at]))
        if not name:
            problems.append(at("village_name", _("thiếu tên thôn")))
        elif len(name) > MAX_NAME:
            problems.append(at("village_name", _("tên thôn dài quá %(max)d ký tự") % {"max": MAX_NAME}))
        if not households_ok:
            problems.append(
                at(
                    "households",
                    _("“%(value)s” không hợp lệ (số hộ là số nguyên từ 0 đến %(max)s)")
                    % {"value": shown(cells[households_at]), "max": f"{MAX_HOUSEHOLDS:,}".replace(",", ".")},
                )
            )
        existing = None
        if commune is not None and name:
            key = (commune.pk, place_key(name))
            if key in seen:
                problems.append(
                    at(
                        "village_name",
                        _("thôn “%(name)s” đã có ở dòng %(row)d") % {"name": shown(name), "row": seen[key]},
                    )
                )
            else:
                seen[key] = number
            same = villages.find(commune.pk, name)
            if len(same) > 1:
                problems.append(at("village_name", Villages.ambiguous(commune, len(same), name)))
            existing = same[0] if same else None
        if problems:
            result.errors.append(RowError.of(number, problems))
            continue
        item = VillageRow(number, commune, name, households, existing)
        if existing is None:
            result.to_create.append(item)
        else:
            # A spelling fix (case, diacritics) renames; the name in other words ("Na Lang" for "Thôn Na
            # Lang") is the same village and keeps the name it has.
            item.rename = fold(name) == existing.search_name and existing.name != name
            if item.rename or (households is not None and existing.households != households):
                result.to_update.append(item)
            else:
                result.unchanged += 1
    return result


@transaction.atomic
def apply_villages(
    result: VillageImportResult, *, actor=None, skip_bad_rows: bool = False
) -> VillageImportResult:
    """Write what read_villages() found. Any bad row stops everything unless skip_bad_rows."""
    if result.errors and not skip_bad_rows:
        return result
    last_number: dict[int, int] = {}
    created = []
    for item in result.to_create:
        commune = item.commune
        if commune.pk not in last_number:
            last_number[commune.pk] = last_village_number(commune)
        last_number[commune.pk] += 1
        created.append(
            new_unit(
                code=village_code(commune, last_number[commune.pk]),
                name=item.name,
                kind=UnitKind.VILLAGE,
                parent=commune,
                division_type=_("thôn"),
                households=item.households,
            )
        )
    Unit.objects.bulk_create(created, batch_size=1000)
    stamps.touch(*(unit.path for unit in created))  # bulk inserts send no signals
    actor_ok = actor is not None and actor.is_authenticated
    entries = [
        AuditEntry(
            actor=actor if actor_ok else None,
            actor_name=actor.get_username() if actor_ok else audit.SYSTEM_ACTOR,
            action="import",
            object_type="unit",
            object_id=unit.code,
            object_repr=unit.name,
            unit_path=unit.path,
            after=audit.snapshot(unit, UNIT_AUDIT_FIELDS),
        )
        for unit in created
    ]
    audit.record_many(entries)
    for item in result.to_update:
        values = {"name": item.name} if item.rename else {}
        if item.households is not None:
            values["households"] = item.households
        change_unit(unit=item.existing, actor=actor, action="import", **values)
    result.written = True
    return result
