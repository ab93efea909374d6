"""The Excel files people bring: opening an upload safely (what it is, what reading it may cost) and reading
its sheets row by row. Finding the header and the data rows is excel_table's; writing workbooks is
excel_write's. Shared by every import and export."""

import io
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .text import strip_invisible

HEADER_SEARCH_ROWS = 15
MAX_ROW_MESSAGE = 1000
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
