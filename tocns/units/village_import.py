"""Import villages from the Excel sheet communes keep: commune code, village name, households.

Two steps: read_villages() checks every row and says what would happen (the dry run);
apply_villages() writes, all or nothing unless the user chose to import only the good rows."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from tocns.audit import services as audit
from tocns.audit.models import AuditEntry
from tocns.core.excel import ImportFileError, RowError, Sheet, read_table, shown, write_workbook
from tocns.core.excel_headers import Column
from tocns.core.import_lock import lock_communes, locked_import
from tocns.core.text import fold
from tocns.reports import stamps

from .models import Unit, UnitKind
from .services import UNIT_AUDIT_FIELDS, change_unit, last_village_number, new_unit, village_code

# Every import that names a commune by its official code accepts these spellings of the header.
COMMUNE_CODE_COLUMN = Column(
    "commune_code",
    "Mã xã",
    ("ma xa/phuong", "ma xa, phuong", "ma don vi cap xa", "ma xa/phuong/dac khu"),
)
# The header spellings accepted for each column (compared folded: case, diacritics, punctuation ignored).
COLUMNS = [
    COMMUNE_CODE_COLUMN,
    Column(
        "village_name",
        "Tên thôn",
        ("ten thon/ban", "ten thon, ban, to dan pho", "ten thon/ban/to dan pho", "thon"),
    ),
    Column("households", "Số hộ", ("so ho gia dinh",)),
]
REQUIRED = [("commune_code",), ("village_name",), ("households",)]
TEMPLATE_HEADERS = [c.label for c in COLUMNS]
MAX_NAME = 200


@dataclass
class VillageRow:
    row: int
    commune: Unit
    name: str
    households: int | None
    existing: Unit | None = None


@dataclass
class VillageImportResult:
    rows_read: int = 0
    to_create: list[VillageRow] = field(default_factory=list)
    to_update: list[VillageRow] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def good_rows(self) -> int:
        return len(self.to_create) + len(self.to_update) + self.unchanged


def build_template() -> bytes:
    return write_workbook(
        [Sheet("Thon", TEMPLATE_HEADERS, [["04465", "Thôn Ví dụ (xóa dòng này)", 120]], widths=[12, 40, 10])]
    )


def _commune_code(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.zfill(5) if text.isdigit() else text


def _households(value) -> tuple[int | None, bool]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        return (int(value), True) if float(value).is_integer() and value >= 0 else (None, False)
    text = str(value).strip().replace(".", "").replace(",", "")
    return (int(text), True) if text.isdigit() else (None, False)


def parse_villages(data: bytes) -> list[tuple[int, dict]]:
    """The file's data rows, each (row number, {column key: cell}); no database."""
    with read_table(data, COLUMNS, required=REQUIRED) as table:
        raw = [(number, dict(zip(table.keys, cells, strict=True))) for number, cells in table.rows]
    if not raw:
        raise ImportFileError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return raw


def read_villages(data: bytes, *, allowed_paths: list[str] | None = None) -> VillageImportResult:
    """Check every row (the dry run). allowed_paths limits which communes the user may import into."""
    return check_villages(parse_villages(data), allowed_paths=allowed_paths)


def import_villages(
    data: bytes, *, actor=None, allowed_paths: list[str] | None = None, skip_bad_rows: bool = False
) -> VillageImportResult:
    """Read, check and write, one import at a time per commune (core.import_lock): two imports of the same
    file would otherwise both create every village, and number them alike."""
    return locked_import(
        check_villages,
        apply_villages,
        parse_villages(data),
        actor=actor,
        allowed_paths=allowed_paths,
        skip_bad_rows=skip_bad_rows,
    )


def check_villages(
    raw: list[tuple[int, dict]], *, allowed_paths: list[str] | None = None, lock: bool = False
) -> VillageImportResult:
    """Check parse_villages()'s rows against the database. lock: take the import lock of the communes the
    rows name before reading their villages (inside the transaction that will write)."""
    result = VillageImportResult(rows_read=len(raw))
    codes = {_commune_code(r["commune_code"]) for _, r in raw}
    communes = {u.code: u for u in Unit.objects.filter(code__in=codes, kind=UnitKind.COMMUNE)}
    if lock:
        lock_communes(u.pk for u in communes.values())
    villages = {
        (v.parent_id, v.search_name): v
        for v in Unit.objects.filter(parent__in=communes.values(), kind=UnitKind.VILLAGE).current()
    }
    seen: dict[tuple[int, str], int] = {}
    for number, row in raw:
        code = _commune_code(row["commune_code"])
        name = " ".join(str(row["village_name"] or "").split())
        households, households_ok = _households(row["households"])
        problems = []
        commune = communes.get(code)
        if not code:
            problems.append(_("thiếu mã xã"))
        elif commune is None:
            problems.append(_("không có xã/phường/đặc khu nào mang mã %(code)s") % {"code": shown(code)})
        elif allowed_paths is not None and not any(commune.path.startswith(p) for p in allowed_paths):
            problems.append(
                _("%(name)s (mã %(code)s) không thuộc phạm vi bạn quản lý") % {"name": commune, "code": code}
            )
        if not name:
            problems.append(_("thiếu tên thôn"))
        elif len(name) > MAX_NAME:
            problems.append(_("tên thôn dài quá %(max)d ký tự") % {"max": MAX_NAME})
        if not households_ok:
            problems.append(_("số hộ phải là số nguyên không âm"))
        if commune is not None and name:
            key = (commune.pk, fold(name))
            if key in seen:
                problems.append(_("thôn này đã có ở dòng %(row)d") % {"row": seen[key]})
            else:
                seen[key] = number
        if problems:
            result.errors.append(RowError.of(number, problems))
            continue
        existing = villages.get((commune.pk, fold(name)))
        item = VillageRow(number, commune, name, households, existing)
        if existing is None:
            result.to_create.append(item)
        elif (households is not None and existing.households != households) or existing.name != name:
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
        values = {"name": item.name}
        if item.households is not None:
            values["households"] = item.households
        change_unit(unit=item.existing, actor=actor, action="import", **values)
    result.written = True
    return result
