"""Spreadsheets the way communes really send them, built here without looking at the parser.

Each builder returns the bytes of a file. Most are made with openpyxl, laid out like the forms that
commune offices fill in (title block merged across the columns, a national motto, a date line, a blank row,
a header over two rows, a row of column numbers, then the people). Some go through LibreOffice, since real
files come out of Excel, LibreOffice or WPS rather than openpyxl: a CSV opened by LibreOffice loses the
leading zeros of phones and commune codes, and a re-saved workbook has LibreOffice's own shared strings,
styles and dimension. Those are made once per process and kept in ``_CACHE``; where LibreOffice is missing
``needs_libreoffice`` skips the tests that use them.

The sheet row numbers of the people are given beside each builder (``*_ROWS``), so the tests can name the
row Excel shows.
"""

import atexit
import csv
import datetime
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

DATA = Path(__file__).parent / "data"

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CI sets TOCNS_REQUIRE_LIBREOFFICE=1 (and installs it): there a missing LibreOffice fails instead of skipping.
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and os.environ.get("TOCNS_REQUIRE_LIBREOFFICE") != "1",
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui): the files it makes are skipped",
)

_CACHE: dict[str, bytes] = {}
_PROFILE = None

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


# --- helpers -------------------------------------------------------------------------------------------


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _title_block(ws, width: int, commune: str, place: str, title: str, subtitle: str | None = None) -> int:
    """The top of an official form; returns the number of the blank row under it."""
    half = (width + 1) // 2  # first column of the right-hand block
    last = get_column_letter(width)
    ws.merge_cells(f"A1:{get_column_letter(half - 1)}1")
    ws["A1"] = f"UBND {commune.upper()}"
    ws.merge_cells(f"{get_column_letter(half)}1:{last}1")
    ws.cell(1, half, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    ws.merge_cells(f"A2:{get_column_letter(half - 1)}2")
    ws["A2"] = "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"
    ws.merge_cells(f"{get_column_letter(half)}2:{last}2")
    ws.cell(2, half, "Độc lập - Tự do - Hạnh phúc")
    ws.merge_cells(f"{get_column_letter(half)}3:{last}3")
    ws.cell(3, half, f"{place}, ngày 12 tháng 3 năm 2025")
    ws.cell(3, half).font = Font(italic=True)
    ws.merge_cells(f"A4:{last}4")
    ws["A4"] = title
    ws["A4"].font = Font(bold=True, size=14)
    ws["A4"].alignment = Alignment(horizontal="center")
    row = 5
    if subtitle:
        ws.merge_cells(f"A5:{last}5")
        ws["A5"] = subtitle
        ws["A5"].font = Font(italic=True)
        ws["A5"].alignment = Alignment(horizontal="center")
        row = 6
    for r in range(1, row):
        ws.cell(r, 1).font = Font(bold=True)
    return row  # left blank


def _header_cells(ws, row: int, headers: list, *, wrap: bool = True):
    for col, text in enumerate(headers, start=1):
        if text is None:
            continue
        cell = ws.cell(row, col, text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=wrap)
        cell.border = BOX


def _rows(ws, first: int, rows: list[list]):
    for offset, values in enumerate(rows):
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = ws.cell(first + offset, col, value)
            cell.border = BOX
            if isinstance(value, datetime.date):
                cell.number_format = "DD/MM/YYYY"


def _csv_bytes(rows: list[list], *, bom: bool = False) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return (b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8")


def _profile() -> str:
    global _PROFILE
    if _PROFILE is None:
        _PROFILE = tempfile.mkdtemp(prefix="tocns-lo-profile-")
        atexit.register(shutil.rmtree, _PROFILE, True)
    return _PROFILE


def libreoffice_convert(
    data: bytes, suffix: str, target: str = "xlsx", *, infilter: str | None = None
) -> bytes:
    """Open ``data`` (a file ending in ``suffix``) in headless LibreOffice and save it as ``target``."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    with tempfile.TemporaryDirectory(prefix="tocns-lo-") as tmp:
        source = Path(tmp) / f"so-lieu.{suffix}"
        source.write_bytes(data)
        out = Path(tmp) / "out"
        command = [SOFFICE, f"-env:UserInstallation=file://{_profile()}", "--headless", "--norestore"]
        if infilter:
            command.append(f"--infilter={infilter}")
        command += ["--convert-to", target, "--outdir", str(out), str(source)]
        done = subprocess.run(command, capture_output=True, timeout=180)
        made = list(out.glob("*")) if out.exists() else []
        if done.returncode != 0 or not made:
            raise RuntimeError(f"LibreOffice did not convert: {done.stdout!r} {done.stderr!r}")
        return made[0].read_bytes()


def _cached(key: str, make) -> bytes:
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


CSV_UTF8 = "CSV:44,34,76,1"  # comma, double quote, UTF-8, from line 1


# --- rosters -------------------------------------------------------------------------------------------

# Xã Mường Khương's roster of Thôn Na Lang, on the commune's official form. Columns:
# A STT | B HỌ VÀ TÊN | C Năm sinh | D Chức vụ trong tổ | E Thành phần | F-G "Thông tin liên hệ" over
# F SĐT, G Zalo | H Có điện thoại thông minh | I Thôn/bản | J Mã xã | K Tên tổ | L Ghi chú
# Rows 7-8 are the header, row 9 the column numbers, people from row 10.
FORMAL_HEADER_ROWS = (7, 8)
FORMAL_ROWS = {
    "Vàng Văn Sử": 10,
    "Lù Thị Dung": 11,
    "Giàng A Páo": 12,
    "Thào Thị Mỷ": 13,
    "Lò Văn Pình": 14,
    "Sần Văn Chín": 15,
    "Hoàng Thị Lan": 16,
    "Tráng A Lử": 17,
}


def formal_roster() -> bytes:
    """Na Lang's roster with the title block, a two-row header with "Thông tin liên hệ" over "SĐT" and
    "Zalo", a row of column numbers, the team named four ways, commune codes as a number (2953) and as
    text ("02953"), phones as numbers, with spaces, dots and +84, and an affiliation the form does not
    know ("Chi hội người cao tuổi")."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    blank = _title_block(
        ws,
        12,
        "Xã Mường Khương",
        "Mường Khương",
        "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG",
        "(Kèm theo Quyết định số 45/QĐ-UBND ngày 12/3/2025 của UBND xã Mường Khương)",
    )
    assert blank == 6
    top, bottom = FORMAL_HEADER_ROWS
    single = {
        1: "STT",
        2: "HỌ VÀ TÊN",
        3: "Năm sinh",
        4: "Chức vụ trong tổ",
        5: "Thành phần",
        8: "Có điện thoại thông minh",
        9: "Thôn/bản",
        10: "Mã xã",
        11: "Tên tổ",
        12: "Ghi chú",
    }
    for col, text in single.items():
        ws.merge_cells(start_row=top, start_column=col, end_row=bottom, end_column=col)
        _header_cells(ws, top, [None] * (col - 1) + [text])
    ws.merge_cells(start_row=top, start_column=6, end_row=top, end_column=7)
    _header_cells(ws, top, [None] * 5 + ["Thông tin liên hệ"])
    _header_cells(ws, bottom, [None] * 5 + ["SĐT", "Zalo"])
    _rows(ws, bottom + 1, [[f"({n})" for n in range(1, 13)]])
    village, team = "Thôn Na Lang", "Tổ CNS thôn Na Lang"
    # fmt: off
    _rows(ws, 10, [
        [1, "Vàng Văn Sử", 1975, "Tổ trưởng", "Bí thư chi bộ", 912345601, "0912345601", "Có", village, 2953, "Tổ công nghệ số thôn Na Lang", None],
        [2, "Lù Thị Dung", "1988", "Tổ phó", "Hội phụ nữ", "0912 345 602", None, "x", village, "02953", "Tổ CNSCĐ thôn Na Lang", "Mới bổ sung"],
        [3, "Giàng A Páo", 1990, "Thành viên", "Công an viên", "0912.345.603", None, "Không", village, 2953, "Tổ công nghệ số cộng đồng thôn Na Lang", None],
        [4, "Thào Thị Mỷ", 2001, "TV", "Đoàn thanh niên", "+84 912 345 604", "Thào Mỷ", "có", village, 2953, team, None],
        [5, "Lò Văn Pình", 1968, None, "Người có uy tín", None, None, None, village, 2953, team, "Không có điện thoại"],
        [6, "Sần Văn Chín", 1979, "Thành viên", "Chi hội người cao tuổi", 912345606, None, "Có", village, 2953, team, None],
        [7, "Hoàng Thị Lan", 1995, "Thành viên", "Giáo viên", "0912345607", None, "Có", village, "02953", team, None],
        [8, "Tráng A Lử", "1999", "Thành viên", None, "0912345608", None, "Có", village, 2953, team, None],
    ])
    # fmt: on
    for col, width in zip("ABCDEFGHIJKL", [5, 24, 8, 12, 22, 14, 12, 12, 14, 8, 34, 20], strict=True):
        ws.column_dimensions[col].width = width
    return _save(wb)


def formal_roster_libreoffice() -> bytes:
    """``formal_roster`` opened and saved again by LibreOffice, as an officer who edits it there sends it."""
    return _cached("formal_roster_libreoffice", lambda: libreoffice_convert(formal_roster(), "xlsx"))


# Phường Lào Cai's list, typed by hand: no title, other header wordings in another order, with "(*)", ":",
# extra spaces; birth dates instead of years (a real date and text both ways); the ward by name.
# A Thôn, tổ dân phố | B Xã | C Họ tên (*) | D Ngày sinh | E Điện thoại: | F Vai trò | G Đơn vị công tác |
# H Smartphone | I Địa chỉ
PHUONG_ROWS = {
    "Nguyễn Văn Hùng": 2,
    "Trần Thị Thu": 3,
    "Phạm Văn Đức": 4,
    "Lê Thị Hoa": 5,
    "Đỗ Văn Nam": 6,
    "Vũ Thị Hằng": 7,
    "Bùi Văn Toàn": 8,
    "Ngô Thị Yến": 9,
}


def phuong_roster() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    _header_cells(
        ws,
        1,
        [
            "Thôn, tổ dân phố",
            "Xã",
            "Họ tên (*)",
            "Ngày sinh",
            "Điện thoại:",
            "  Vai   trò ",
            "Đơn vị công tác",
            "Smartphone",
            "Địa chỉ",
        ],
        wrap=False,
    )
    coc_leu, kim_tan, ward = "Tổ dân phố Cốc Lếu", "Tổ dân phố Kim Tân", "Phường Lào Cai"
    # fmt: off
    _rows(ws, 2, [
        [coc_leu, ward, "Nguyễn Văn Hùng", datetime.date(1975, 3, 12), "0912345611", "TỔ TRƯỞNG", "Trưởng thôn", "Có", "Số 5 đường Hoàng Liên"],
        [coc_leu, ward, "Trần Thị Thu", "12/03/1980", "0912345612", "Tổ phó", "Đảng viên", "Có", None],
        [coc_leu, ward, "Phạm Văn Đức", "1992-07-30", "0912345613", "Thành viên", "Hội nông dân", "Không", None],
        [coc_leu, ward, "Lê Thị Hoa", datetime.datetime(1987, 11, 5), 912345614, "Thành viên", "Y tế thôn bản", "Có", None],
        [kim_tan, ward, "Đỗ Văn Nam", "05/01/1960", "0912345615", "Tổ trưởng", "Hội cựu chiến binh", "Có", None],
        [kim_tan, ward, "Vũ Thị Hằng", datetime.date(1990, 6, 1), "0912345616", "Thành viên", "Bưu điện", "Có", None],
        [kim_tan, ward, "Bùi Văn Toàn", "1985-12-31", "0912345617", "Thành viên", "Viễn thông", "Có", None],
        [kim_tan, ward, "Ngô Thị Yến", "20/10/1993", "0912345618", None, "Hợp tác xã", None, None],
    ])
    # fmt: on
    return _save(wb)


# Xã Đồng Văn's list, kept as CSV and opened in LibreOffice: the phones and the commune code (00721) become
# numbers and lose their leading zeros; the years are numbers.
# A STT | B Họ và tên | C Số điện thoại | D Năm sinh | E Chức vụ | F Thành phần | G Thôn/Tổ dân phố | H Mã xã |
# I Ghi chú
CSV_ROWS = {"Sùng Mí Páo": 2, "Vừ Thị Sua": 3, "Lầu Mí Dế": 4}


def _dong_van_csv() -> bytes:
    # fmt: off
    return _csv_bytes([
        ["STT", "Họ và tên", "Số điện thoại", "Năm sinh", "Chức vụ", "Thành phần", "Thôn/Tổ dân phố", "Mã xã", "Ghi chú"],
        ["1", "Sùng Mí Páo", "0912345621", "1980", "Tổ trưởng", "Trưởng thôn", "Thôn Lũng Cú", "00721", ""],
        ["2", "Vừ Thị Sua", "0912 345 622", "1996", "Thành viên", "Đoàn thanh niên", "Thôn Lũng Cú", "00721", "Zalo cùng số"],
        ["3", "Lầu Mí Dế", "0912345623", "1972", "TV", "Hội nông dân", "Thôn Lũng Cú", "00721", ""],
    ])
    # fmt: on


def dong_van_roster_from_csv() -> bytes:
    return _cached(
        "dong_van_roster_from_csv",
        lambda: libreoffice_convert(_dong_van_csv(), "csv", infilter=CSV_UTF8),
    )


# A workbook of three sheets: "Hướng dẫn" (prose on filling the form, naming the columns), "Danh sách" (the
# roster, header cells with line breaks) and "Danh mục" (the lists behind the drop-downs).
# Danh sách: A STT | B Họ và\ntên | C Số điện\nthoại | D Năm\nsinh | E Nhiệm vụ\ntrong tổ | F Thành phần |
# G Tên thôn, tổ dân phố | H Mã xã ; header on row 3, people from row 4.
SHEETS_ROWS = {"Ma Seo Chúng": 4, "Hầu Thị Mai": 5}


def roster_on_second_sheet() -> bytes:
    wb = Workbook()
    guide = wb.active
    guide.title = "Hướng dẫn"
    for line in [
        "HƯỚNG DẪN ĐIỀN BIỂU MẪU DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG",
        "",
        '1. Cột "Họ và tên": ghi đầy đủ họ và tên, có dấu.',
        '2. Cột "Số điện thoại": ghi số di động 10 chữ số, ví dụ 0912345678.',
        '3. Cột "Nhiệm vụ trong tổ": chọn Tổ trưởng, Tổ phó hoặc Thành viên.',
        '4. Cột "Thành phần": chọn trong danh mục ở trang "Danh mục".',
        "Sau khi điền xong, gửi về UBND xã trước ngày 20/3/2025.",
    ]:
        guide.append([line])
    guide.column_dimensions["A"].width = 90
    ws = wb.create_sheet("Danh sách")
    ws.merge_cells("A1:H1")
    ws["A1"] = "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG THÔN LŨNG CÚ"
    _header_cells(
        ws,
        3,
        [
            "STT",
            "Họ và\ntên",
            "Số điện\nthoại",
            "Năm\nsinh",
            "Nhiệm vụ\ntrong tổ",
            "Thành phần",
            "Tên thôn, tổ dân phố",
            "Mã xã",
        ],
    )
    _rows(
        ws,
        4,
        [
            [1, "Ma Seo Chúng", "0912345631", 1983, "Tổ trưởng", "Trưởng thôn", "Thôn Lũng Cú", "00721"],
            [2, "Hầu Thị Mai", "0912345632", 2000, "Thành viên", "Hội phụ nữ", "Thôn Lũng Cú", "00721"],
        ],
    )
    choices = wb.create_sheet("Danh mục")
    choices.append(["Nhiệm vụ", "Thành phần"])
    for role, kind in zip(
        ["Tổ trưởng", "Tổ phó", "Thành viên", "", ""],
        ["Trưởng thôn", "Đoàn thanh niên", "Hội phụ nữ", "Công an viên", "Giáo viên"],
        strict=True,
    ):
        choices.append([role or None, kind])
    return _save(wb)


# Xã Mường Khương's list for a village the platform does not know yet (Thôn Pả Sín).
# A STT | B Họ và tên | C Số ĐT | D Năm sinh | E Chức vụ | F Thôn | G Xã | H Tên tổ ; header on row 3.
NEW_VILLAGE_ROWS = {"Lồ Văn Thắng": 4, "Chảo Thị Mây": 5}


def new_village_roster() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.merge_cells("A1:H1")
    ws["A1"] = "DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG THÔN PẢ SÍN"
    _header_cells(ws, 3, ["STT", "Họ và tên", "Số ĐT", "Năm sinh", "Chức vụ", "Thôn", "Xã", "Tên tổ"])
    _rows(
        ws,
        4,
        [
            [
                1,
                "Lồ Văn Thắng",
                "0912345641",
                1986,
                "Tổ trưởng",
                "Thôn Pả Sín",
                "Xã Mường Khương",
                "Tổ CNS thôn Pả Sín",
            ],
            [
                2,
                "Chảo Thị Mây",
                "0912345642",
                1999,
                "Thành viên",
                "Thôn Pả Sín",
                "Xã Mường Khương",
                "Tổ CNS thôn Pả Sín",
            ],
        ],
    )
    return _save(wb)


# A list with mistakes in it, under a one-line title and a blank row.
# A STT | B Họ và tên | C Năm sinh | D Chức vụ | E Thành phần | F Thôn | G Mã xã | H SĐT ; header on row 3.
BAD_ROWS = {
    "Lò Văn Khánh": 4,  # good
    "Lò Thị Sáu": 5,  # phone of 9 digits
    "Hoàng Văn Cụ": 6,  # born 1850
    "Tẩn Văn Lùng": 7,  # commune code nobody has
    "Lý Văn Hai": 8,  # a second Tổ trưởng in the team
    "Phàn Thị Xuân": 9,  # good
}


def roster_with_mistakes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    ws.merge_cells("A1:H1")
    ws["A1"] = "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ THÔN NA LANG"
    _header_cells(ws, 3, ["STT", "Họ và tên", "Năm sinh", "Chức vụ", "Thành phần", "Thôn", "Mã xã", "SĐT"])
    village = "Thôn Na Lang"
    _rows(
        ws,
        4,
        [
            [1, "Lò Văn Khánh", 1978, "Tổ trưởng", "Trưởng thôn", village, "02953", "0912345651"],
            [2, "Lò Thị Sáu", 1990, "Thành viên", "Hội phụ nữ", village, "02953", "0912 345 67"],
            [3, "Hoàng Văn Cụ", 1850, "Thành viên", "Hội cựu chiến binh", village, "02953", "0912345653"],
            [4, "Tẩn Văn Lùng", 1985, "Thành viên", "Hội nông dân", village, 99999, "0912345654"],
            [5, "Lý Văn Hai", 1970, "Tổ trưởng", "Người có uy tín", village, "02953", "0912345655"],
            [6, "Phàn Thị Xuân", 1997, "Thành viên", "Đoàn thanh niên", village, "02953", "0912345656"],
        ],
    )
    return _save(wb)


# A list whose name column has a heading nobody would guess ("Người tham gia").
# A STT | B Thôn | C Người tham gia | D Mã xã | E SĐT ; header on row 1.
UNKNOWN_NAME_HEADERS = [("A", "STT"), ("B", "Thôn"), ("C", "Người tham gia"), ("D", "Mã xã"), ("E", "SĐT")]
UNKNOWN_NAME_ROWS = {"Sì Văn Phà": 2, "Chẻo Thị Nhàn": 3}


def roster_unknown_name_header() -> bytes:
    wb = Workbook()
    ws = wb.active
    _header_cells(ws, 1, [header for _, header in UNKNOWN_NAME_HEADERS], wrap=False)
    _rows(
        ws,
        2,
        [
            [1, "Thôn Na Lang", "Sì Văn Phà", "02953", "0912345661"],
            [2, "Thôn Na Lang", "Chẻo Thị Nhàn", "02953", "0912345662"],
        ],
    )
    return _save(wb)


# --- whole files that are not a roster -----------------------------------------------------------------


def empty_workbook() -> bytes:
    """A new workbook saved with nothing typed in."""
    return _save(Workbook())


def csv_renamed() -> bytes:
    """A list saved as "CSV UTF-8" from Excel (with its byte-order mark) and renamed to .xlsx."""
    return _csv_bytes(
        [
            ["STT", "Họ và tên", "SĐT", "Thôn", "Mã xã"],
            ["1", "Sùng Mí Páo", "0912345621", "Thôn Lũng Cú", "00721"],
        ],
        bom=True,
    )


def docx_renamed() -> bytes:
    """A Word document (a zip, like an .xlsx, with no workbook in it) renamed to .xlsx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            "<w:p><w:r><w:t>DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>1. Sùng Mí Páo - Tổ trưởng - 0912345621</w:t></w:r></w:p>"
            "</w:body></w:document>",
        )
    return buffer.getvalue()


def xls_renamed() -> bytes:
    """A roster saved by LibreOffice as Excel 97-2003 (.xls) and renamed to .xlsx."""
    return _cached("xls_renamed", lambda: libreoffice_convert(phuong_roster(), "xlsx", "xls:MS Excel 97"))


PASSWORD = "123456"


def password_protected() -> bytes:
    """``phuong_roster`` encrypted with the password "123456" (Excel's "Encrypt with Password").

    Kept as a file in ``data/``: neither openpyxl nor LibreOffice's command line can encrypt, and the tests
    should not need an extra package. Made once by ``make_password_protected`` with msoffcrypto-tool
    (``pip install msoffcrypto-tool`` in a throwaway virtualenv)."""
    return (DATA / "mat_khau_123456.xlsx").read_bytes()


def make_password_protected() -> bytes:  # pragma: no cover - run by hand to remake the file in data/
    import msoffcrypto.format.ooxml

    plain = io.BytesIO(phuong_roster())
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt(PASSWORD, encrypted)
    return encrypted.getvalue()


# --- villages ------------------------------------------------------------------------------------------

# Xã Mường Khương and Phường Lào Cai's villages on one official form, communes by name.
# A STT | B Tên thôn, tổ dân phố | C Xã | D Số hộ dân | E Ghi chú ; header on row 7, villages from row 8.
FORMAL_VILLAGE_ROWS = {"Thôn Pả Sín": 8, "Thôn Sảng Chải": 9, "Thôn Na Lang": 10, "Tổ dân phố Duyên Hải": 11}


def formal_villages() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Thôn"
    blank = _title_block(
        ws, 5, "Xã Mường Khương", "Mường Khương", "DANH SÁCH THÔN, TỔ DÂN PHỐ", "(Số liệu đến ngày 01/3/2025)"
    )
    assert blank == 6
    _header_cells(ws, 7, ["STT", "Tên thôn, tổ dân phố", "Xã", "Số hộ dân", "Ghi chú"])
    _rows(
        ws,
        8,
        [
            [1, "Thôn Pả Sín", "Xã Mường Khương", 120, None],
            [2, "Thôn Sảng Chải", "Xã Mường Khương", "85", "Thôn vùng cao"],
            [3, "Thôn Na Lang", "Xã Mường Khương", 97, "Tăng 2 hộ"],
            [4, "Tổ dân phố Duyên Hải", "Phường Lào Cai", 410, None],
        ],
    )
    return _save(wb)


def formal_villages_libreoffice() -> bytes:
    return _cached("formal_villages_libreoffice", lambda: libreoffice_convert(formal_villages(), "xlsx"))


# A CSV by commune code opened in LibreOffice: 02953 and 00721 come in as the numbers 2953 and 721.
# A Mã xã | B Thôn, tổ dân phố | C Tổng số hộ | D Địa chỉ ; header on row 1.
CSV_VILLAGE_ROWS = {"Thôn Lùng Vai": 2, "Thôn Sủng Là": 3, "Thôn Lũng Cú": 4}


def villages_from_csv() -> bytes:
    data = _csv_bytes(
        [
            ["Mã xã", "Thôn, tổ dân phố", "Tổng số hộ", "Địa chỉ"],
            ["02953", "Thôn Lùng Vai", "140", "Km 12 quốc lộ 4D"],
            ["00721", "Thôn Sủng Là", "210", ""],
            ["00721", "Thôn Lũng Cú", "152", "Cột cờ Lũng Cú"],
        ]
    )
    return _cached("villages_from_csv", lambda: libreoffice_convert(data, "csv", infilter=CSV_UTF8))


# A commune officer's own list: no commune column. A STT | B THÔN | C Số hộ ; header on row 2.
OWN_COMMUNE_ROWS = {"Thôn Tả Lù": 3, "Thôn Na Lang": 4}


def own_commune_villages() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "Danh sách thôn xã Mường Khương"
    _header_cells(ws, 2, ["STT", "THÔN", "Số hộ"])
    _rows(ws, 3, [["1", "Thôn Tả Lù", 64], ["2", "Thôn Na Lang", 95]])
    return _save(wb)


# Names only, no households. A Thôn/bản | B Mã xã ; header on row 1.
NAMES_ONLY_ROWS = {"Thôn Cốc Phương": 2}


def village_names_only() -> bytes:
    wb = Workbook()
    ws = wb.active
    _header_cells(ws, 1, ["Thôn/bản", "Mã xã"], wrap=False)
    _rows(ws, 2, [["Thôn Cốc Phương", 2953]])
    return _save(wb)


# Mistakes. A STT | B Thôn/Tổ dân phố | C Mã xã | D Số hộ ; header on row 1.
BAD_VILLAGE_ROWS = {"Thôn Lao Chải": 2, "Thôn Mã Tuyển": 3, "Thôn Tung Chung Phố": 4, "Thôn Sín Chải": 5}


def villages_with_mistakes() -> bytes:
    wb = Workbook()
    ws = wb.active
    _header_cells(ws, 1, ["STT", "Thôn/Tổ dân phố", "Mã xã", "Số hộ"], wrap=False)
    _rows(
        ws,
        2,
        [
            [1, "Thôn Lao Chải", "02953", 88],  # good
            [2, "Thôn Mã Tuyển", 99999, 70],  # commune code nobody has
            [3, "Thôn Tung Chung Phố", "02953", "khoảng 100"],  # households not a number
            [4, "Thôn Sín Chải", "02953", -5],  # households below zero
        ],
    )
    return _save(wb)
