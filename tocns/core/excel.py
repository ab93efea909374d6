"""The Excel files people bring and take away: opening an upload safely, finding the header row whatever
its spelling, and writing workbooks (templates, exports). Shared by every import and export."""

import datetime
import io
import operator
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import fold

# Communes often put a title ("DANH SÁCH ...", the commune's name) above the header row.
HEADER_SEARCH_ROWS = 10
_PUNCTUATION = re.compile(r"[^0-9a-z]+")


class ImportFileError(Exception):
    """The file as a whole cannot be read: not an .xlsx, empty, or without the expected columns."""


@dataclass
class RowError:
    row: int
    message: str

    @classmethod
    def of(cls, row: int, problems: list[str]) -> "RowError":
        """One message per row, the problems joined, starting with a capital like a sentence."""
        text = "; ".join(problems)
        return cls(row, text[:1].upper() + text[1:])


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the spelling templates and exports use
    aliases: tuple[str, ...] = ()  # other spellings seen in real files

    def spellings(self) -> set[str]:
        return {header_key(self.label), *(header_key(a) for a in self.aliases)}


def header_key(text) -> str:
    """A header cell as compared: no case, no diacritics, punctuation as spaces ("Mã xã/phường (*)"
    and "ma xa - phuong" are the same column)."""
    if text is None:
        return ""
    return " ".join(_PUNCTUATION.sub(" ", fold(str(text))).split())


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as one line of text: 2953.0 -> "2953", inner runs of spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


@dataclass
class Table:
    """The data rows under a header: each row is (sheet row number, cells in the order of `keys`)."""

    keys: list[str]
    rows: Iterator[tuple[int, tuple]]
    header_row: int = 1  # where the header was found, title rows above it


def _open_workbook(data: bytes):
    from openpyxl import load_workbook

    if not data:
        raise ImportFileError(_("Tệp trống."))
    # An .xlsx is a zip; checking first turns a .xls, .csv or renamed file into a clear message.
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(
            _("Tệp không phải là tệp Excel .xlsx. Hãy lưu tệp dưới dạng .xlsx rồi tải lên lại.")
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = wb.worksheets[0]
        # Some programs write a wrong size ("A1") at the top of the sheet, and read-only mode trusts it
        # and cuts every row to one column; reading the rows as they are avoids that.
        sheet.reset_dimensions()
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx.")) from exc
    return wb, sheet


def _match_header(cells: tuple, columns: list[Column]) -> dict[str, int]:
    keys = [header_key(c) for c in cells]
    found = {}
    for column in columns:
        spellings = column.spellings()
        for index, key in enumerate(keys):
            if key in spellings:
                found[column.key] = index  # the first matching column wins
                break
    return found


def _missing(found: dict[str, int], columns: list[Column], required: list[tuple[str, ...]]) -> list[str]:
    labels = {c.key: c.label for c in columns}
    return [
        _(" hoặc ").join(labels[k] for k in group) for group in required if not any(k in found for k in group)
    ]


@contextmanager
def read_table(data: bytes, columns: list[Column], *, required: list[tuple[str, ...]]) -> Iterator[Table]:
    """Open the first sheet of an uploaded .xlsx and give its data rows, column by column key.

    `required` lists groups of keys: each group needs at least one of its columns ("Mã xã" or "Xã").
    Column order, extra columns and the spelling of headers do not matter. Rows whose known cells are
    all empty are skipped (a numbered but empty "STT" row is not a row). The rows are read lazily, so
    use them inside the `with` block."""
    wb, sheet = _open_workbook(data)
    try:
        try:
            rows = enumerate(sheet.iter_rows(values_only=True), start=1)
            head = []
            for number, values in rows:
                head.append((number, values))
                if len(head) == HEADER_SEARCH_ROWS:
                    break
        except Exception as exc:  # a damaged sheet can fail only once its rows are parsed
            raise ImportFileError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx.")) from exc
        if not any(not is_blank(v) for _number, values in head for v in values) and not any(
            not is_blank(v) for _number, values in rows for v in values
        ):
            raise ImportFileError(_("Tệp trống: không có dòng tiêu đề và dữ liệu."))
        best: tuple[int, dict[str, int]] | None = None
        for position, (_number, values) in enumerate(head):
            found = _match_header(values, columns)
            if not _missing(found, columns, required):
                best = (position, found)
                break
        if best is None:
            # Name what is missing from the row that came closest to a header.
            closest = max((_match_header(v, columns) for _n, v in head), key=len, default={})
            raise ImportFileError(
                _("Thiếu cột: %(missing)s. Dòng tiêu đề phải có các cột: %(expected)s (xem tệp mẫu).")
                % {
                    "missing": ", ".join(_missing(closest, columns, required)),
                    "expected": ", ".join(_missing({}, columns, required)),
                }
            )
        position, found = best
        keys = list(found)
        indexes = [found[k] for k in keys]
        yield Table(
            keys=keys,
            rows=_data_rows(head[position + 1 :], rows, indexes),
            header_row=head[position][0],
        )
    finally:
        wb.close()


def _data_rows(buffered: list, rest: Iterable, indexes: list[int]) -> Iterator[tuple[int, tuple]]:
    width = max(indexes) + 1
    if len(indexes) == 1:
        index = indexes[0]

        def pick(values):
            return (values[index],)

    else:
        pick = operator.itemgetter(*indexes)
    try:
        for source in (buffered, rest):
            for number, values in source:
                if len(values) < width:
                    values = (*values, *([None] * (width - len(values))))
                cells = pick(values)
                for cell in cells:
                    if cell is not None and (not isinstance(cell, str) or cell.strip()):
                        yield number, cells
                        break
    except Exception as exc:  # a sheet damaged halfway fails only when that row is parsed
        raise ImportFileError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx.")) from exc


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: Iterable[list]
    widths: list[int] = field(default_factory=list)
    # Whole numbers shown with thousands grouped ("#,##0": 19.247 in a Vietnamese Excel). Off for sheets
    # holding years or codes as numbers (a roster's birth years would read 1.975).
    grouped: bool = False


DATE_FORMAT = "DD/MM/YYYY"
GROUPED_FORMAT = "#,##0"


def write_workbook(sheets: list[Sheet]) -> bytes:
    """An .xlsx with a bold, frozen header row on each sheet, streamed (write-only) so that a
    100,000-row export does not hold every cell object in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_as_cell(ws, value, WriteOnlyCell, sheet.grouped) for value in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _as_cell(ws, value, cell_class, grouped: bool = False):
    if isinstance(value, str) and value[:1] in ("=", "#"):
        # openpyxl stores a text starting with "=" as a formula: a member named "=HYPERLINK(...)" would run
        # in the officer's Excel. Such text is written as plain text.
        style = {"data_type": "s"}
    elif isinstance(value, datetime.date):
        style = {"number_format": DATE_FORMAT}  # as Vietnamese write dates; openpyxl's default: 2026-01-01
    elif grouped and isinstance(value, int) and not isinstance(value, bool):
        style = {"number_format": GROUPED_FORMAT}
    else:
        return value
    cell = cell_class(ws, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell
