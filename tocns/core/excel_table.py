"""Finding the table in an upload: the first visible sheet with a header (excel_headers), its data rows as
people lay them out (merged cells, group headings, totals, the signature block), and what every import's
result shares."""

import operator
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .excel import (
    _DAMAGED,
    HEADER_SEARCH_ROWS,
    ImportFileError,
    MissingColumns,
    ReadLimits,
    RowError,
    SheetReader,
    _check_declared_size,
    _open_workbook,
    is_blank,
    shown,
)
from .excel_headers import (
    Column,
    Header,
    HeaderCell,
    column_index,
    column_letter,
    find_header,
    header_key,
    headers_of,
    missing,
)
from .text import strip_place_word


@dataclass
class Table:
    """The data rows under a header: each row is (sheet row number, cells in the order of `keys`)."""

    keys: list[str]
    rows: Iterator[tuple[int, tuple]]
    header_row: int = 1  # where the header was found, title rows above it
    reader: "SheetReader | None" = None  # counts the rows read and the time taken
    header: Header | None = None
    sheet_name: str = ""
    sheet_count: int = 1
    by_headings: bool = False  # the heading key's column is the group headings, not a column of the file
    missing_if_no_headings: object = None  # the MissingColumns to raise when by_headings and no heading came

    def cell(self, key: str) -> HeaderCell | None:
        """The column of `key` as the officer sees it: letter and header text (None: from the headings)."""
        return self.header.cell(key) if key in self.header.found else None

    @property
    def ignored(self) -> list[HeaderCell]:
        return self.header.ignored if self.header else []


def _head(rows: Iterator) -> list[tuple[int, tuple]]:
    head = []
    for number, values in rows:
        head.append((number, values))
        if len(head) == HEADER_SEARCH_ROWS:
            break
    return head


def _has_text(rows) -> bool:
    return any(not is_blank(v) for _number, values in rows for v in values)


@contextmanager
def read_table(
    data: bytes,
    columns: list[Column],
    *,
    required: list[tuple[str, ...]],
    limits: ReadLimits | None = None,
    extra: dict[str, tuple[str, ...]] | None = None,
    chosen: dict[str, str] | None = None,
    heading_key: str | None = None,
) -> Iterator[Table]:
    """Open an uploaded .xlsx and give the data rows of its first sheet that has a header, column by key.

    `required` lists groups of keys: each group needs at least one of its columns ("Mã xã" or "Xã").
    Column order, extra columns and the spelling of headers do not matter (excel_headers). `extra` adds
    spellings per key (what the officer said a header means, last time); `chosen` names the column of a key
    by its letter ({"full_name": "C"}). Rows whose known cells are all empty are skipped (a numbered but
    empty "STT" row is not a row). The rows are read lazily, so use them inside the `with` block. Reading
    stops with ImportFileError at the first limit passed (ReadLimits, from the settings unless given), and
    with MissingColumns when no sheet has every required column."""
    limits = limits or ReadLimits.from_settings()
    sheets = _open_workbook(data, limits)
    picked = {k: i for k, letter in (chosen or {}).items() if (i := column_index(letter)) is not None}
    try:
        closest = None  # (columns found, sheet, the closest row's cells, the columns found in it)
        for sheet in sheets:
            _check_declared_size(sheet, limits)
            reader = SheetReader(sheet, limits)
            try:
                rows = iter(reader)
                head = _head(rows)
                if not _has_text(head):
                    if _has_text(rows):  # far below: not a header row anyone would look for
                        closest = closest or (0, sheet, (), {})
                    continue
                position, header = find_header(head, columns, required, extra=extra, chosen=picked)
                by_headings = False
                if position is None and heading_key:
                    # No village column: the villages may be the group headings over their rows. Taken so
                    # only if some heading gives rows their village (parse_file checks).
                    reduced = [group for group in required if heading_key not in group]
                    found_position, found_header = find_header(
                        head, columns, reduced, extra=extra, chosen=picked
                    )
                    if found_position is not None:
                        position, header, by_headings = found_position, found_header, True
            except ImportFileError:
                raise
            except Exception as exc:  # a damaged sheet can fail only once its rows are parsed
                raise ImportFileError(_(_DAMAGED)) from exc
            if position is None:
                near, found = header
                if closest is None or len(found) > closest[0]:
                    closest = (len(found), sheet, head[near][1], found)
                continue
            keys = list(header.found)
            indexes = [header.found[k] for k in keys]
            if by_headings:
                keys.append(heading_key)  # a column of its own, filled from the headings (_data_rows)
            heading_index = keys.index(heading_key) if heading_key in keys else None
            yield Table(
                keys=keys,
                rows=_data_rows(head[position + header.rows :], rows, indexes, heading_index, by_headings),
                header_row=head[position][0],
                reader=reader,
                header=header,
                sheet_name=sheet.title,
                sheet_count=len(sheets),
                by_headings=by_headings,
                missing_if_no_headings=by_headings
                and _missing_columns(
                    header.found, columns, required, head[position][1], sheet.title, len(sheets)
                ),
            )
            return
        if closest is None:
            raise ImportFileError(_("Tệp trống: không có dòng tiêu đề và dữ liệu."))
        _count, sheet, values, found = closest
        raise _missing_columns(found, columns, required, values, sheet.title, len(sheets))
    finally:
        sheets[0].close()


def _missing_columns(found, columns, required, values: tuple, sheet_name: str, sheet_count: int):
    lacking = missing(found, columns, required)
    where = _("trang tính “%(name)s”") % {"name": shown(sheet_name, 40)}
    if sheet_count > 1:
        where = _("%(sheet)s, trong %(count)d trang tính của tệp") % {"sheet": where, "count": sheet_count}
    return MissingColumns(
        _(
            "Thiếu cột: %(missing)s (đã tìm trong %(where)s). Dòng tiêu đề cần có các cột: "
            "%(expected)s. Hãy chọn cột tương ứng, hoặc sửa dòng tiêu đề theo tệp mẫu."
        )
        % {
            "missing": ", ".join(label for _key, label in lacking),
            "where": where,
            "expected": ", ".join(label for _key, label in missing({}, columns, required)),
        },
        missing=lacking,
        headers=headers_of(values),
        keys=[(column_letter(i), header_key(v)) for i, v in enumerate(values) if header_key(v)],
        sheet_name=sheet_name,
    )


@dataclass
class FileInfo:
    """Where an upload's rows came from: the sheet read, where its header is, the columns left unused."""

    sheet_name: str = ""
    sheet_count: int = 1
    header_row: int = 1
    header_rows: int = 1  # a second header row and a row of column numbers count too
    ignored: list[HeaderCell] = field(default_factory=list)


@dataclass
class ParsedFile:
    """An upload's data rows, each (sheet row number, cells in the order of the keys asked for; a column
    the file does not have reads as blank), with where each column was found, for messages that point."""

    rows: list[tuple[int, tuple]]
    cells: dict[str, HeaderCell]
    info: FileInfo = field(default_factory=FileInfo)

    @property
    def ignored(self) -> list[HeaderCell]:
        return self.info.ignored

    def where(self, key: str) -> str:
        """ "cột H (SĐT)": the column as the officer's file shows it; "" when the file has no such column."""
        cell = self.cells.get(key)
        return _("cột %(column)s") % {"column": cell} if cell else ""

    def problem(self, key: str, text: str) -> str:
        """A row's problem with one cell, prefixed by where the cell is."""
        where = self.where(key)
        return f"{where}: {text}" if where else text


@dataclass
class ReadResult:
    """What the results of every import share: the rows' fate, the file they came from (FileInfo)."""

    rows_read: int = 0
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Rows that are written, with something the officer should know (an affiliation kept as "Khác").
    warnings: list[RowError] = field(default_factory=list)
    file: FileInfo = field(default_factory=FileInfo)
    written: bool = False

    @property
    def good_rows(self) -> int:
        return len(self.to_create) + len(self.to_update) + self.unchanged

    @property
    def ignored_columns(self) -> list[HeaderCell]:
        return self.file.ignored

    @property
    def sheet_name(self) -> str:
        return self.file.sheet_name

    @property
    def sheet_count(self) -> int:
        return self.file.sheet_count

    @property
    def nothing_to_write(self) -> bool:
        """Every row is already as the file says: re-importing it would change nothing."""
        return bool(self.good_rows) and not (self.to_create or self.to_update or self.errors)


def parse_file(
    data: bytes,
    columns: list[Column],
    keys: list[str],
    *,
    required: list[tuple[str, ...]],
    extra: dict[str, tuple[str, ...]] | None = None,
    chosen: dict[str, str] | None = None,
    heading_key: str | None = None,
) -> ParsedFile:
    """read_table() whole: every data row, laid out as `keys`; no database. A cell merged down over several
    rows (a village written once beside all its members) is read on each of them."""
    with read_table(
        data, columns, required=required, extra=extra, chosen=chosen, heading_key=heading_key
    ) as table:
        positions = [table.keys.index(k) if k in table.keys else len(table.keys) for k in keys]
        layout = operator.itemgetter(*positions)
        rows = [(number, layout((*cells, None))) for number, cells in table.rows]
        if table.by_headings and not any(cells[keys.index(heading_key)] for _number, cells in rows):
            raise table.missing_if_no_headings
        _fill_merged(
            rows,
            table.reader.merged,
            {
                table.header.found[k]: keys.index(k)
                for k in table.keys
                if k in keys and k in table.header.found
            },
        )
        parsed = ParsedFile(
            rows=rows,
            cells={k: cell for k in table.keys if (cell := table.cell(k)) is not None},
            info=FileInfo(
                sheet_name=table.sheet_name,
                sheet_count=table.sheet_count,
                header_row=table.header_row,
                header_rows=table.header.rows,
                ignored=table.ignored,
            ),
        )
    if not rows:
        raise ImportFileError(_("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return parsed


def _fill_merged(rows: list[tuple[int, tuple]], merged: list, positions: dict[int, int]) -> None:
    """Give the rows under a merged cell its value (Excel keeps it in the top-left cell only). `positions`:
    sheet column index -> position in the laid-out rows."""
    if not merged:
        return
    at = {number: i for i, (number, _cells) in enumerate(rows)}
    for first_col, first_row, _last_col, last_row in merged:
        position = positions.get(first_col - 1)
        top = at.get(first_row)
        if position is None or top is None:
            continue
        value = rows[top][1][position]
        for number in range(first_row + 1, last_row + 1):
            i = at.get(number)
            if i is not None and is_blank(rows[i][1][position]):
                cells = rows[i][1]
                rows[i] = (number, (*cells[:position], value, *cells[position + 1 :]))


TOTAL_WORDS = {"tong", "tong cong", "cong", "tong so", "cong toan xa", "tong cong toan xa", "tong toan xa"}
FOOTER_STARTS = (
    "nguoi lap",
    "can bo lap",
    "tm ",
    "t m ",
    "kt ",
    "xac nhan cua",
    "ky ghi ro ho ten",
    "ky va ghi ro ho ten",
    "ky ten",
    "ky dong dau",
    "noi nhan",
)
FOOTER_EXACT = {"chu tich", "pho chu tich", "thu truong don vi", "truong ban chi dao"}
# The place-and-date line over the signatures: "Mường Khương, ngày 15 tháng 3 năm 2025".
_DATE_LINE = re.compile(r"(?:^| )ngay \d{1,2} thang \d{1,2} nam \d{4}$")
_ROMAN = re.compile(r"[IVXL]+\.?")
_NUMBERED = re.compile(r"^(?:[IVXL]+|\d{1,2})[.)]\s+(?=\S)")  # "I. ", "2) "


def _text_key(cell) -> str:
    return header_key(cell) if isinstance(cell, str) else ""


def _is_footer(values: tuple) -> bool:
    """A row of the signature block: one of its words, and no number (a member's row has its STT)."""
    if any(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return False
    for cell in values:
        key = _text_key(cell)
        if key and (key in FOOTER_EXACT or key.startswith(FOOTER_STARTS) or _DATE_LINE.search(key)):
            return True
    return False


def _heading(values: tuple, by_place: bool) -> str | None:
    """The text of a group heading row (its only cell), without its "I." numbering; None for other rows."""
    filled = [v for v in values if not is_blank(v)]
    if len(filled) == 2 and isinstance(filled[0], str) and _ROMAN.fullmatch(filled[0].strip()):
        filled = filled[1:]  # "II" in the number column, the heading beside it
    if len(filled) != 1 or not isinstance(filled[0], str):
        return None
    text = " ".join(filled[0].split())
    if _NUMBERED.match(text):
        return _NUMBERED.sub("", text)
    key = header_key(text)
    if by_place and strip_place_word(key) != key:
        return text
    return None


def _data_rows(
    buffered: list,
    rest: Iterable,
    indexes: list[int],
    heading_index: int | None = None,
    heading_column: bool = False,
) -> Iterator[tuple[int, tuple]]:
    """The data rows: picked cells not all blank, without totals, headings and what follows the signature
    block. A heading's text fills the blank `heading_index` cells of the rows under it (the village a
    roster's group heading names); with heading_column, that cell is added to each row (the file has no
    such column)."""
    width = max(indexes) + 1
    if len(indexes) == 1:
        index = indexes[0]

        def pick(values):
            return (values[index],)

    else:
        pick = operator.itemgetter(*indexes)
    heading = None
    try:
        for source in (buffered, rest):
            for number, values in source:
                if len(values) < width:
                    values = (*values, *([None] * (width - len(values))))
                cells = pick(values)
                # Counting the cells that are not None or "" (a formula's empty result) is cheap and enough for a
                # full row; only a sparse one is counted exactly (spaces too) and checked below, at the cost of
                # a fold per cell.
                filled = len(cells) - cells.count(None) - cells.count("")
                if filled > 2:
                    pass  # a data row
                elif _is_footer(values):
                    return
                elif (text := _heading(values, heading_index is not None)) is not None:
                    heading = text  # a heading's cells need not be among the picked ones
                    continue
                elif all(is_blank(cell) for cell in cells) or any(
                    _text_key(v) in TOTAL_WORDS for v in values
                ):
                    continue
                if heading_column:
                    cells = (*cells, None)
                if heading is not None and heading_index is not None and is_blank(cells[heading_index]):
                    cells = (*cells[:heading_index], heading, *cells[heading_index + 1 :])
                yield number, cells
    except ImportFileError:
        raise
    except Exception as exc:  # a sheet damaged halfway fails only when that row is parsed
        raise ImportFileError(_(_DAMAGED)) from exc
