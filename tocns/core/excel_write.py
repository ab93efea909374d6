"""Workbooks people take away: exports and templates (write_workbook), and the rows an import left out, as
the file had them with the reason (rejected_rows)."""

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .excel import ReadLimits, RowError, SheetReader, _open_workbook, cell_text, shown
from .excel_table import FileInfo

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell copied into the rejected-rows file keeps at most this much (a real cell holds a few words).
REJECTED_CELL = 1000


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: Iterable[list]
    widths: list[int] = field(default_factory=list)
    # Whole numbers shown with thousands grouped ("#,##0": 19.247 in a Vietnamese Excel). Off for sheets
    # holding years or codes as numbers (a roster's birth years would read 1.975).
    grouped: bool = False
    # Printed across one landscape page width (a sheet of many columns that people print to fix by hand).
    wide: bool = False


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
        if sheet.wide:
            ws.page_setup.orientation = "landscape"
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(ws, value=title)
            if isinstance(title, str) and title[:1] in ("=", "#"):
                cell.data_type = "s"  # a header copied from an upload is text, never a formula
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


def rejected_rows(data: bytes, info: FileInfo, errors: list[RowError]) -> bytes:
    """The rows an import left out, as the file had them (every column, the header rows above them) with
    the reason in a last column: the officer fixes them there and uploads that file again."""
    limits = ReadLimits.from_settings()
    sheets = _open_workbook(data, limits)
    reasons = {e.row: e.message for e in errors}
    header_end = info.header_row + info.header_rows - 1
    last = max(reasons, default=header_end)
    # What the file may make the download cost: each cell cut to what a real one holds, and once the rows
    # kept pass a share of the unpacking limit, to what an error message quotes.
    budget = limits.max_uncompressed_bytes // 4
    spent = 0

    def kept_cells(values: tuple) -> list:
        nonlocal spent
        limit = REJECTED_CELL if spent < budget else 60
        cells = [shown(v, limit) if isinstance(v, str) and len(v) > limit else v for v in values]
        spent += sum(len(v) for v in cells if isinstance(v, str)) + len(cells)
        return cells

    header: list[list] = []
    kept: list[tuple[list, str]] = []
    try:
        sheet = next((s for s in sheets if s.title == info.sheet_name), sheets[0])
        for number, values in SheetReader(sheet, limits):
            if info.header_row <= number <= header_end:
                header.append(kept_cells(values))
            elif number in reasons:
                kept.append((kept_cells(values), reasons[number]))
            if number >= last:
                break
    finally:
        sheets[0].close()
    width = max((len(values) for values in [*header, *(v for v, _reason in kept)]), default=0)

    def padded(values: list) -> list:
        return values + [None] * (width - len(values))

    first, *more = header or [[]]
    title = [cell_text(v) for v in padded(first)] + [_("Lỗi cần sửa")]
    rows = [[*padded(values), None] for values in more]
    rows += [[*padded(values), reason] for values, reason in kept]
    longest = [max(len(shown(row[i], 40)) for row in [title, *rows]) for i in range(width)]
    widths = [min(40, max(6, size + 2)) for size in longest] + [60]
    return write_workbook([Sheet(_("Dòng lỗi"), title, rows, widths=widths, wide=True)])


# Rows in a table that are not data: a total at the bottom ("Tổng cộng"), a group heading ("I. THÔN NA LANG",
# "Thôn Na Lang" alone on its row) and, under the table, the signature block ("Người lập biểu", "TM. UỶ BAN
# NHÂN DÂN", "(Ký, ghi rõ họ tên)") after which nothing is data. Compared as header_key() gives them.
