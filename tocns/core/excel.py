"""The Excel files people bring and take away: opening an upload safely, finding the header row whatever
its spelling, and writing workbooks (templates, exports). Shared by every import and export."""

import datetime
import io
import operator
import re
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

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
from .text import strip_invisible, strip_place_word

# Communes put titles above the header row: the commune's name, the national motto, "DANH SÁCH ...", a
# date line, blank rows between them.
HEADER_SEARCH_ROWS = 15
MAX_ROW_MESSAGE = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell copied into the rejected-rows file keeps at most this much (a real cell holds a few words).
REJECTED_CELL = 1000
# The preview lists the first row errors, and how many more there are.
SHOWN_ERRORS = 200


class ImportFileError(Exception):
    """The file as a whole cannot be read: not an .xlsx, empty, or without the expected columns."""


class MissingColumns(ImportFileError):
    """No sheet has a header with every required column. Says which are missing ((key, label) pairs) and
    what the closest sheet's header row holds ((letter, text) pairs), so the officer can point at them."""

    def __init__(
        self, message: str, *, missing: list[tuple[str, str]], headers: list, keys: list, sheet_name: str
    ):
        super().__init__(message)
        self.missing = missing
        self.headers = [(cell.letter, cell.header) for cell in headers]  # shown: long ones cut
        self.keys = keys  # (letter, header_key() of the whole header): how a choice is remembered
        self.sheet_name = sheet_name


@dataclass
class RowError:
    row: int
    message: str

    @classmethod
    def of(cls, row: int, problems: list[str]) -> "RowError":
        """One message per row, the problems joined, starting with a capital like a sentence."""
        text = "; ".join(problems)
        if len(text) > MAX_ROW_MESSAGE:  # a guard: messages quote cells through shown()
            text = text[: MAX_ROW_MESSAGE - 1] + "…"
        return cls(row, text[:1].upper() + text[1:])


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not strip_invisible(value).strip())


def cell_text(value) -> str:
    """A cell as one line of text: 2953.0 -> "2953", inner runs of spaces collapsed, characters that show
    nothing dropped (a name of zero-width spaces is no name)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(strip_invisible(str(value)).split())


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


@dataclass(frozen=True)
class ReadLimits:
    """What reading one upload may cost, from the settings (TOCNS_IMPORT_*, see .env.example). A few hundred
    kilobytes of zip can hold gigabytes of XML, a million declared rows or a column at XFD, so every limit is
    checked before the work it bounds, or while reading, never after."""

    max_rows: int
    max_columns: int
    max_uncompressed_bytes: int
    max_ratio: int
    max_shared_strings_bytes: int
    max_seconds: float

    @classmethod
    def from_settings(cls) -> "ReadLimits":
        from django.conf import settings

        return cls(
            max_rows=settings.IMPORT_MAX_ROWS,
            max_columns=settings.IMPORT_MAX_COLUMNS,
            max_uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.IMPORT_MAX_RATIO,
            max_shared_strings_bytes=settings.IMPORT_MAX_SHARED_STRINGS_BYTES,
            max_seconds=settings.IMPORT_MAX_SECONDS,
        )


def _number(value: int) -> str:
    """12345678 -> "12.345.678", as Vietnamese write it."""
    return f"{value:,}".replace(",", ".")


def _megabytes(size: int) -> str:
    return _number(max(1, round(size / (1024 * 1024))))


def shown(value, limit: int = 60) -> str:
    """A cell as quoted back in an error message: one line, cut to `limit` characters. A cell holds up to
    32,767 characters, and 200,000 rows quoting one in full made a 31 KB file a 30 MB page."""
    text = cell_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_DAMAGED = "Không đọc được tệp Excel: tệp bị hỏng hoặc không phải .xlsx."
_CONTENT_TYPES_MAX = 1024 * 1024
_WORKSHEET_TYPE = "spreadsheetml.worksheet+xml"
_SHARED_STRINGS_TYPE = "spreadsheetml.sharedStrings+xml"


def _part_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> content type, from [Content_Types].xml (how openpyxl finds the shared strings, whatever
    the part is called)."""
    from xml.etree.ElementTree import ParseError, fromstring

    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return {}
    if info.file_size > _CONTENT_TYPES_MAX:
        raise ImportFileError(_(_DAMAGED))
    try:
        root = fromstring(archive.read(info))
    except (ParseError, zipfile.BadZipFile, zlib.error, ValueError) as exc:
        raise ImportFileError(_(_DAMAGED)) from exc
    return {
        node.get("PartName", "").lstrip("/"): node.get("ContentType", "")
        for node in root
        if node.tag.endswith("}Override")
    }


def check_archive(data: bytes, limits: ReadLimits) -> None:
    """Refuse a zip bomb before anything is unpacked: the sizes the zip declares for its parts bound what
    unpacking them yields (Python's zipfile stops at the declared size and checks the CRC). Parts openpyxl
    reads whole (shared strings, styles, the workbook) have their own, smaller limit; worksheets are read
    row by row under the row, column and time limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError(_(_DAMAGED)) from exc
    with archive:
        infos = archive.infolist()
        types = _part_types(archive)
        for info in infos:
            kind = types.get(info.filename, "")
            if kind.endswith(_WORKSHEET_TYPE) or info.filename.endswith("/"):
                continue
            if info.file_size > limits.max_shared_strings_bytes:
                if kind.endswith(_SHARED_STRINGS_TYPE) or "sharedstrings" in info.filename.lower():
                    message = _(
                        "Bảng chữ dùng chung của tệp (sharedStrings.xml) có %(size)s MB, vượt giới hạn "
                        "%(max)s MB."
                    )
                else:
                    message = _("Phần %(part)s của tệp có %(size)s MB, vượt giới hạn %(max)s MB.")
                raise ImportFileError(
                    message
                    % {
                        "part": info.filename[:80],
                        "size": _megabytes(info.file_size),
                        "max": _megabytes(limits.max_shared_strings_bytes),
                    }
                )
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > limits.max_uncompressed_bytes:
            raise ImportFileError(
                _(
                    "Tệp giải nén ra %(size)s MB, vượt giới hạn %(max)s MB cho một lần nhập. Hãy xóa các dòng, "
                    "cột, trang tính thừa hoặc chia thành nhiều tệp."
                )
                % {"size": _megabytes(total), "max": _megabytes(limits.max_uncompressed_bytes)}
            )
        # Real workbooks shrink 5 to 20 times; only a file made to explode shrinks hundreds of times. Small
        # files are left alone: a few kilobytes of repeated XML compress well and cost nothing.
        if total > 1024 * 1024 and total > limits.max_ratio * max(packed, 1):
            raise ImportFileError(
                _(
                    "Tệp nén bất thường: giải nén ra gấp %(ratio)s lần kích thước tệp (giới hạn %(max)s lần). "
                    "Hãy mở tệp bằng Excel, xóa các ô thừa rồi lưu lại."
                )
                % {"ratio": _number(total // max(packed, 1)), "max": _number(limits.max_ratio)}
            )


@dataclass
class OpenedSheet:
    """One worksheet of a workbook, not yet read: where it is in the zip and what its cells need."""

    archive: zipfile.ZipFile
    path: str
    shared_strings: list
    epoch: object
    date_formats: set
    timedelta_formats: set
    title: str = ""

    def open(self):
        return self.archive.open(self.path)

    def close(self):
        self.archive.close()

    def declared_size(self) -> tuple[int, int]:
        """(rows, columns) of <dimension ref> at the top of the sheet, (0, 0) without one. Read up to the
        first row at most (openpyxl, without a dimension, walks the whole sheet of every sheet to size it)."""
        from xml.etree.ElementTree import iterparse

        from openpyxl.utils.cell import range_boundaries
        from openpyxl.xml.constants import SHEET_MAIN_NS

        dimension, data = f"{{{SHEET_MAIN_NS}}}dimension", f"{{{SHEET_MAIN_NS}}}sheetData"
        with self.open() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == dimension:
                    try:
                        _c, _r, columns, rows = range_boundaries(element.get("ref", ""))
                    except (TypeError, ValueError):
                        return 0, 0
                    return rows or 0, columns or 0
                if element.tag == data:
                    break
        return 0, 0


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_XLSX = "Tệp không phải là tệp Excel .xlsx. Hãy lưu tệp dưới dạng .xlsx rồi tải lên lại."


def _not_a_workbook(data: bytes) -> str | None:
    """Why the upload is not an .xlsx at all, said the way the officer can act on it; None when it is a zip."""
    if data[:8] == _OLE_MAGIC:
        # Excel keeps a workbook saved with a password in an OLE container, as an "EncryptedPackage" stream;
        # an OLE file without one is an old .xls (or .doc).
        if "EncryptedPackage".encode("utf-16-le") in data:
            return _(
                "Tệp Excel được đặt mật khẩu nên không đọc được. Hãy mở tệp bằng Excel, gỡ mật khẩu (Tệp › Thông "
                "tin › Bảo vệ sổ làm việc) rồi lưu và tải lên lại."
            )
        return _(
            "Đây là tệp Excel cũ (.xls). Hãy mở tệp bằng Excel hoặc LibreOffice, chọn Lưu thành › Sổ làm việc "
            "Excel (.xlsx) rồi tải lên lại."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return _(_NOT_XLSX)
    return None


def _zip_kind_problem(archive: zipfile.ZipFile) -> str | None:
    """A zip that is not a workbook: an OpenDocument sheet (.ods), a Word file, anything else."""
    names = set(archive.namelist())
    if (
        any(n.startswith("xl/") for n in names)
        or "[Content_Types].xml" in names
        and any("sheet.main" in t or "macroEnabled.main" in t for t in _part_types(archive).values())
    ):
        return None
    if "mimetype" in names:
        try:
            kind = archive.read("mimetype")[:100]
        except (zipfile.BadZipFile, zlib.error, ValueError, KeyError):
            kind = b""
        if b"opendocument.spreadsheet" in kind:
            return _(
                "Đây là tệp bảng tính OpenDocument (.ods). Hãy mở bằng LibreOffice, chọn Lưu thành › Excel 2007-365 "
                "(.xlsx) rồi tải lên lại."
            )
    if any(n.startswith("word/") for n in names):
        return _("Đây là tệp Word, không phải tệp Excel .xlsx. Hãy tải lên tệp Excel có danh sách.")
    return _(_NOT_XLSX)


def _open_workbook(data: bytes, limits: ReadLimits) -> list[OpenedSheet]:
    """The workbook's worksheets in their order (chart sheets left out), sharing one open archive."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    if not data:
        raise ImportFileError(_("Tệp trống."))
    problem = _not_a_workbook(data)
    if problem:
        raise ImportFileError(problem)
    check_archive(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        problem = _zip_kind_problem(archive)
    if problem:
        raise ImportFileError(problem)
    # load_workbook(read_only=True) minus what an import does not use: it would also size every sheet,
    # walking the whole of each one that has no <dimension> (files written by openpyxl and others).
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        # Hidden sheets are left out: last year's list, a lookup table, kept out of the officer's sight.
        found = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type and sheet.state == "visible"
        ]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_(_DAMAGED)) from exc
    if not found:
        reader.archive.close()
        raise ImportFileError(_("Tệp không có trang tính nào."))
    wb = reader.wb
    return [
        OpenedSheet(
            reader.archive,
            path,
            reader.shared_strings,
            wb.epoch,
            wb._date_formats,
            wb._timedelta_formats,
            title=shown(title or "", 60),
        )
        for title, path in found
    ]


def _check_declared_size(sheet: OpenedSheet, limits: ReadLimits) -> None:
    """The size the sheet declares (<dimension ref="A1:XFD1048576"/>). The rows are read without trusting
    it (some programs write "A1" for any sheet), but a sheet claiming more than the limits is refused
    before a row is read."""
    try:
        rows, columns = sheet.declared_size()
    except Exception as exc:
        raise ImportFileError(_(_DAMAGED)) from exc
    if rows > limits.max_rows + HEADER_SEARCH_ROWS or columns > limits.max_columns:
        raise ImportFileError(
            _(
                "Trang tính khai báo %(rows)s dòng × %(columns)s cột, vượt giới hạn %(max_rows)s dòng và "
                "%(max_columns)s cột. Hãy xóa các dòng, cột thừa (hoặc chia thành nhiều tệp) rồi lưu lại."
            )
            % {
                "rows": _number(rows),
                "columns": _number(columns),
                "max_rows": _number(limits.max_rows),
                "max_columns": _number(limits.max_columns),
            }
        )


class SheetReader:
    """The rows of a worksheet as (row number, values from column A), streamed under the limits.

    Not openpyxl's iter_rows(): it pads every row to the widest cell (one cell at XFD makes each row a
    16,384-tuple), fills every missing row number with an empty row (one <row r="1000000"> makes a
    million), and holds a row's cells as elements until the row ends (one row of a million cells is a
    gigabyte). Here each cell is converted as soon as it ends (openpyxl's own cell parser: shared
    strings, dates, numbers) and dropped; a row holds at most `max_columns` values; rows and time are
    counted as they are read. `rows_read` says how many <row> elements were read."""

    CHECK_TIME_EVERY = 64

    def __init__(self, sheet: OpenedSheet, limits: ReadLimits):
        self.sheet, self.limits = sheet, limits
        self.rows_read = 0
        # Merged ranges (first column, first row, last column, last row), known once the rows are read: Excel
        # writes them after the rows.
        self.merged: list[tuple[int, int, int, int]] = []
        self.started = time.monotonic()

    def _refuse_rows(self):
        raise ImportFileError(
            _("Tệp có hơn %(max)s dòng, vượt giới hạn cho một lần nhập. Hãy chia thành nhiều tệp nhỏ hơn.")
            % {"max": _number(self.limits.max_rows)}
        )

    def _refuse_columns(self, column: int):
        from openpyxl.utils import get_column_letter

        raise ImportFileError(
            _("Tệp có dữ liệu ở cột %(column)s, vượt giới hạn %(max)s cột. Hãy xóa các cột thừa rồi lưu lại.")
            % {"column": get_column_letter(min(column, 18278)), "max": _number(self.limits.max_columns)}
        )

    def check_time(self):
        if time.monotonic() - self.started > self.limits.max_seconds:
            raise ImportFileError(
                _(
                    "Đọc tệp quá %(seconds)s giây, vượt giới hạn thời gian cho một lần nhập. Hãy chia thành "
                    "nhiều tệp nhỏ hơn hoặc xóa các ô thừa."
                )
                % {"seconds": _number(int(self.limits.max_seconds))}
            )

    def __iter__(self) -> Iterator[tuple[int, tuple]]:
        from xml.etree.ElementTree import iterparse

        from openpyxl.worksheet._reader import WorkSheetParser
        from openpyxl.xml.constants import SHEET_MAIN_NS

        row_tag, cell_tag, data_tag = (f"{{{SHEET_MAIN_NS}}}{name}" for name in ("row", "c", "sheetData"))
        merge_tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
        rows_done = False
        sheet, limits = self.sheet, self.limits
        max_rows = limits.max_rows + HEADER_SEARCH_ROWS
        max_columns = limits.max_columns
        self.check_time()  # loading the workbook (shared strings, styles) counts too
        with sheet.open() as source:
            # openpyxl's parser converts one cell (its parse_cell); the XML is walked here.
            parser = WorkSheetParser(
                source,
                sheet.shared_strings,
                data_only=True,
                epoch=sheet.epoch,
                date_formats=sheet.date_formats,
                timedelta_formats=sheet.timedelta_formats,
            )
            number = 0
            row = data = None
            values: dict[int, object] = {}
            cells = 0
            for event, element in iterparse(source, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == data_tag:
                        data = element
                    elif tag == row_tag:
                        self.rows_read += 1
                        if self.rows_read > max_rows:
                            self._refuse_rows()
                        if self.rows_read % self.CHECK_TIME_EVERY == 0:
                            self.check_time()
                        given = element.get("r")
                        number = int(given) if given and given.isdigit() else number + 1
                        parser.row_counter, parser.col_counter = number, 0
                        row, values, cells = element, {}, 0
                    elif tag == cell_tag and row is not None:
                        cells += 1
                        # Empty cells cost nothing kept, but parsing a million of them costs time.
                        if cells % 4096 == 0:
                            self.check_time()
                    continue
                if tag == cell_tag and row is not None:
                    cell = parser.parse_cell(element)
                    row.remove(element)
                    value = cell["value"]
                    if value is not None:
                        column = cell["column"]
                        if column > max_columns:
                            self._refuse_columns(column)
                        values[column] = value
                elif tag == row_tag:
                    element.clear()
                    if data is not None:
                        data.remove(element)  # the only child left: a finished row is not kept either
                    row = None
                    if values:
                        width = max(values)
                        yield number, tuple(values.get(c) for c in range(1, width + 1))
                    else:
                        yield number, ()
                elif tag == data_tag:
                    rows_done = True  # after the rows, only the merged ranges are wanted
                    element.clear()
                elif tag == merge_tag and rows_done:
                    self._merged(element.get("ref", ""))
                    element.clear()
                elif row is None:
                    element.clear()  # columns, views, formatting before and after the rows: not kept

    def _merged(self, ref: str) -> None:
        from openpyxl.utils.cell import range_boundaries

        if len(self.merged) >= self.limits.max_rows:  # a sheet of nothing but merges is not read forever
            return
        try:
            bounds = range_boundaries(ref)
        except (TypeError, ValueError):
            return
        if None not in bounds and bounds[3] > bounds[1]:  # only ranges over several rows matter to rows
            self.merged.append(bounds)


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


class ReadResult:
    """What the results of every import share: the file they came from (FileInfo) and how it is said."""

    file: FileInfo

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
                filled = sum(
                    1 for cell in cells if cell is not None and (not isinstance(cell, str) or cell.strip())
                )
                if filled > 2:
                    pass  # a data row: the checks below are for sparse rows, and cost a fold each
                elif _is_footer(values):
                    return
                elif (text := _heading(values, heading_index is not None)) is not None:
                    heading = text
                    continue
                elif not filled or any(_text_key(cell) in TOTAL_WORDS for cell in values):
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
