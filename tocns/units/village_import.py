"""Import villages from the Excel sheet communes keep: commune code, village name, households.

Two steps: read_villages() checks every row and says what would happen (the dry run);
apply_villages() writes, all or nothing unless the user chose to import only the good rows."""

import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from tocns.audit import services as audit
from tocns.audit.models import AuditEntry
from tocns.core.text import fold

from .models import Unit, UnitKind
from .services import UNIT_AUDIT_FIELDS, change_unit, last_village_number, new_unit, village_code

# Column keys and the header spellings accepted for them (compared folded: case and diacritics ignored).
COLUMNS = {
    "commune_code": ["ma xa", "ma xa/phuong", "ma xa, phuong", "ma don vi cap xa", "ma xa/phuong/dac khu"],
    "village_name": [
        "ten thon",
        "ten thon/ban",
        "ten thon, ban, to dan pho",
        "ten thon/ban/to dan pho",
        "thon",
    ],
    "households": ["so ho", "so ho gia dinh"],
}
TEMPLATE_HEADERS = ["Mã xã", "Tên thôn", "Số hộ"]
MAX_NAME = 200


class ImportFileError(Exception):
    """The file as a whole cannot be read: not an .xlsx, empty, or without the expected columns."""


@dataclass
class RowError:
    row: int
    message: str


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
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Thon"
    ws.append(TEMPLATE_HEADERS)
    ws.append(["04465", "Thôn Ví dụ (xóa dòng này)", 120])
    for column, width in zip("ABC", (12, 40, 10), strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _open_rows(data: bytes):
    from openpyxl import load_workbook

    if not data:
        raise ImportFileError(_("Tệp trống."))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(
            _("Tệp không phải là tệp Excel .xlsx. Hãy lưu tệp dưới dạng .xlsx rồi tải lên lại.")
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx.")) from exc
    return wb, wb.worksheets[0].iter_rows(values_only=True)


def _header_map(header: tuple) -> dict[str, int]:
    folded = [fold(str(cell)) if cell is not None else "" for cell in header]
    found = {}
    for key, spellings in COLUMNS.items():
        for index, title in enumerate(folded):
            if title in spellings:
                found[key] = index
                break
    missing = [TEMPLATE_HEADERS[i] for i, key in enumerate(COLUMNS) if key not in found]
    if missing:
        raise ImportFileError(
            _("Thiếu cột: %(missing)s. Dòng đầu tiên phải có các cột: %(expected)s (xem tệp mẫu).")
            % {"missing": ", ".join(missing), "expected": ", ".join(TEMPLATE_HEADERS)}
        )
    return found


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


def read_villages(data: bytes, *, allowed_paths: list[str] | None = None) -> VillageImportResult:
    """Check every row. allowed_paths limits which communes the user may import into (None: all)."""
    wb, rows = _open_rows(data)
    try:
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("Tệp trống: không có dòng tiêu đề và dữ liệu."))
        columns = _header_map(header)
        raw = []
        for number, values in enumerate(rows, start=2):
            cells = [values[i] if i < len(values) else None for i in columns.values()]
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            raw.append((number, dict(zip(columns.keys(), cells, strict=True))))
    finally:
        wb.close()
    if not raw:
        raise ImportFileError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))

    result = VillageImportResult(rows_read=len(raw))
    codes = {_commune_code(r["commune_code"]) for _, r in raw}
    communes = {u.code: u for u in Unit.objects.filter(code__in=codes, kind=UnitKind.COMMUNE)}
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
            problems.append(_("không có xã/phường/đặc khu nào mang mã %(code)s") % {"code": code})
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
            text = "; ".join(problems)
            result.errors.append(RowError(number, text[:1].upper() + text[1:]))
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
