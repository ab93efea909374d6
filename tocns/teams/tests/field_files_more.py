"""More spreadsheets the way communes send them: what the first round (field_files) did not cover.

Built, like field_files, without looking at the parser: a village cell merged down over its people, a
signature block under the table, a total row under a village list, villages written without "Thôn" or
"Tổ dân phố", group headings inside the table, a header whose cells break lines over a row of column
numbers, an empty "Sheet1" (and a hidden sheet) before the roster. Some go through LibreOffice, which
keeps merged cells, computes the formulas openpyxl leaves without a value, and writes its own XML.

The sheet row numbers of the people and villages are given beside each builder (``*_ROWS``), so the tests
can name the row Excel shows.
"""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tocns.teams.tests.field_files import (
    _cached,
    _header_cells,
    _rows,
    _save,
    _title_block,
    libreoffice_convert,
)

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _merge_text(ws, cells: str, text: str, *, bold: bool = False, italic: bool = False):
    """Merge ``cells`` ("B13:C13") and write ``text`` in its first cell, centred, as forms have it."""
    ws.merge_cells(cells)
    first = ws[cells.split(":")[0]]
    first.value = text
    first.font = Font(bold=bold, italic=italic)
    first.alignment = CENTER


# --- 1. the village (and team) cell merged down over the village's people ---------------------------------

# Phường Lào Cai's roster of both its tổ dân phố on the ward's form.
# A STT | B Tổ dân phố | C Họ và tên | D Năm sinh | E Chức vụ | F Thành phần | G Số điện thoại | H Tên tổ |
# I Mã xã ; header on row 6, people from row 7. B7:B10 "Tổ dân phố Cốc Lếu" and B11:B13 "Tổ dân phố Kim
# Tân" are merged, so are the team cells H7:H10 and H11:H13, and the ward's code I7:I13.
MERGED_ROWS = {
    "Nguyễn Văn Hùng": 7,
    "Trần Thị Thu": 8,
    "Phạm Văn Đức": 9,
    "Lê Thị Hoa": 10,
    "Đỗ Văn Nam": 11,
    "Vũ Thị Hằng": 12,
    "Bùi Văn Toàn": 13,
}
MERGED_COC_LEU = ("Nguyễn Văn Hùng", "Trần Thị Thu", "Phạm Văn Đức", "Lê Thị Hoa")
MERGED_TEAMS = {"Tổ dân phố Cốc Lếu": "Tổ CNS TDP Cốc Lếu", "Tổ dân phố Kim Tân": "Tổ CNS TDP Kim Tân"}
MERGED_RANGES = {"B7:B10", "H7:H10", "B11:B13", "H11:H13", "I7:I13"}


def merged_village_roster() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    blank = _title_block(
        ws, 9, "Phường Lào Cai", "Lào Cai", "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG CÁC TỔ DÂN PHỐ"
    )
    assert blank == 5
    _header_cells(
        ws,
        6,
        [
            "STT",
            "Tổ dân phố",
            "Họ và tên",
            "Năm sinh",
            "Chức vụ",
            "Thành phần",
            "Số điện thoại",
            "Tên tổ",
            "Mã xã",
        ],
    )
    # fmt: off
    _rows(ws, 7, [
        [1, None, "Nguyễn Văn Hùng", 1975, "Tổ trưởng", "Trưởng thôn", "0912345711"],
        [2, None, "Trần Thị Thu", 1980, "Tổ phó", "Đảng viên", "0912345712"],
        [3, None, "Phạm Văn Đức", 1992, "Thành viên", "Hội nông dân", "0912345713"],
        [4, None, "Lê Thị Hoa", 1987, "Thành viên", "Y tế thôn bản", "0912345714"],
        [5, None, "Đỗ Văn Nam", 1960, "Tổ trưởng", "Hội cựu chiến binh", "0912345715"],
        [6, None, "Vũ Thị Hằng", 1990, "Thành viên", "Bưu điện", "0912345716"],
        [7, None, "Bùi Văn Toàn", 1985, "Thành viên", "Đoàn thanh niên", "0912345717"],
    ])
    # fmt: on
    for village, first, last in (("Tổ dân phố Cốc Lếu", 7, 10), ("Tổ dân phố Kim Tân", 11, 13)):
        _merge_text(ws, f"B{first}:B{last}", village)
        _merge_text(ws, f"H{first}:H{last}", MERGED_TEAMS[village])
    _merge_text(ws, "I7:I13", "02647")
    for col, width in zip("ABCDEFGHI", [5, 20, 24, 8, 12, 20, 14, 22, 8], strict=True):
        ws.column_dimensions[col].width = width
    return _save(wb)


def merged_village_roster_libreoffice() -> bytes:
    return _cached(
        "merged_village_roster_libreoffice", lambda: libreoffice_convert(merged_village_roster(), "xlsx")
    )


# --- 2. a signature block under the table -----------------------------------------------------------------

# Xã Mường Khương's roster of Thôn Na Lang, signed.
# A STT | B Họ và tên | C Năm sinh | D Chức vụ | E Số điện thoại | F Thành phần | G Thôn | H Mã xã ;
# header on row 6, people on rows 7-10, row 11 blank, then the signature block: the date line and
# "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH" merged over F:H, "Người lập biểu" merged over B:C, "(Ký, ghi rõ họ
# tên)", blank rows for the signatures, and the signers' names on row 19 ("Nguyễn Văn Bình" in B, under
# the names of the table; "Lò Văn Thành" in F).
SIGNED_ROWS = {"Vàng Văn Sử": 7, "Lù Thị Dung": 8, "Giàng A Páo": 9, "Thào Thị Mỷ": 10}
SIGNERS = {"Nguyễn Văn Bình": "B19", "Lò Văn Thành": "F19"}
SIGNATURE_FIRST_ROW = 12
SIGNATURE_WORDS = (
    "Người lập biểu",
    "TM. ỦY BAN NHÂN DÂN",
    "CHỦ TỊCH",
    "(Ký, ghi rõ họ tên)",
    "(Ký tên, đóng dấu)",
    "Nguyễn Văn Bình",
    "Lò Văn Thành",
)


def signed_roster() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    blank = _title_block(
        ws, 8, "Xã Mường Khương", "Mường Khương", "DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG THÔN NA LANG"
    )
    assert blank == 5
    _header_cells(
        ws, 6, ["STT", "Họ và tên", "Năm sinh", "Chức vụ", "Số điện thoại", "Thành phần", "Thôn", "Mã xã"]
    )
    village = "Thôn Na Lang"
    _rows(
        ws,
        7,
        [
            [1, "Vàng Văn Sử", 1975, "Tổ trưởng", "0912345721", "Bí thư chi bộ", village, "02953"],
            [2, "Lù Thị Dung", 1988, "Tổ phó", "0912345722", "Hội phụ nữ", village, "02953"],
            [3, "Giàng A Páo", 1990, "Thành viên", "0912345723", "Công an viên", village, "02953"],
            [4, "Thào Thị Mỷ", 2001, "Thành viên", "0912345724", "Đoàn thanh niên", village, "02953"],
        ],
    )
    # row 11 is left blank
    _merge_text(ws, "F12:H12", "Mường Khương, ngày 15 tháng 3 năm 2025", italic=True)
    _merge_text(ws, "B13:C13", "Người lập biểu", bold=True)
    _merge_text(ws, "F13:H13", "TM. ỦY BAN NHÂN DÂN", bold=True)
    _merge_text(ws, "F14:H14", "CHỦ TỊCH", bold=True)
    _merge_text(ws, "B15:C15", "(Ký, ghi rõ họ tên)", italic=True)
    _merge_text(ws, "F15:H15", "(Ký tên, đóng dấu)", italic=True)
    _merge_text(ws, "B19:C19", "Nguyễn Văn Bình", bold=True)
    _merge_text(ws, "F19:H19", "Lò Văn Thành", bold=True)
    for col, width in zip("ABCDEFGH", [5, 24, 8, 12, 14, 20, 14, 8], strict=True):
        ws.column_dimensions[col].width = width
    return _save(wb)


def signed_roster_libreoffice() -> bytes:
    return _cached("signed_roster_libreoffice", lambda: libreoffice_convert(signed_roster(), "xlsx"))


# --- 3. a village list with a total row (and, in one, a signature block) ----------------------------------

# Xã Mường Khương's villages on the commune's form.
# A STT | B Tên thôn | C Xã | D Số hộ | E Ghi chú ; header on row 6, villages on rows 7-10, the total on
# row 11: the word in B ("Tổng cộng", "TỔNG") or merged over A11:C11 ("Cộng"), the sum in D.
TOTAL_VILLAGE_ROWS = {"Thôn Pả Sín": 7, "Thôn Sảng Chải": 8, "Thôn Na Lang": 9, "Thôn Tả Lù": 10}
TOTAL_ROW = 11
TOTAL_HOUSEHOLDS = 120 + 85 + 97 + 64
# With ``signed``: row 12 blank, then "Người lập biểu" in B13 (the village column) and "TM. ỦY BAN NHÂN
# DÂN" / "CHỦ TỊCH" merged over D:E (the household column), the signers' names on row 18.
VILLAGE_SIGNERS = {"Nguyễn Văn Bình": "B18", "Lò Văn Thành": "D18"}


def villages_with_total(
    word: str = "Tổng cộng", *, merged: bool = False, formula: bool = False, signed=False
):
    """``formula``: the sum as "=SUM(D7:D10)", which openpyxl saves without a value (LibreOffice and Excel
    compute and keep it: use ``villages_with_total_libreoffice``)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Thôn"
    blank = _title_block(ws, 5, "Xã Mường Khương", "Mường Khương", "DANH SÁCH THÔN, BẢN")
    assert blank == 5
    _header_cells(ws, 6, ["STT", "Tên thôn", "Xã", "Số hộ", "Ghi chú"])
    commune = "Xã Mường Khương"
    _rows(
        ws,
        7,
        [
            [1, "Thôn Pả Sín", commune, 120, None],
            [2, "Thôn Sảng Chải", commune, 85, None],
            [3, "Thôn Na Lang", commune, 97, "Tăng 2 hộ"],
            [4, "Thôn Tả Lù", commune, 64, None],
        ],
    )
    total = "=SUM(D7:D10)" if formula else TOTAL_HOUSEHOLDS
    if merged:
        _merge_text(ws, f"A{TOTAL_ROW}:C{TOTAL_ROW}", word, bold=True)
    else:
        ws.cell(TOTAL_ROW, 2, word).font = Font(bold=True)
    ws.cell(TOTAL_ROW, 4, total).font = Font(bold=True)
    if signed:
        _merge_text(ws, "D13:E13", "TM. ỦY BAN NHÂN DÂN", bold=True)
        ws["B13"] = "Người lập biểu"
        ws["B13"].font = Font(bold=True)
        _merge_text(ws, "D14:E14", "CHỦ TỊCH", bold=True)
        ws["B14"] = "(Ký, ghi rõ họ tên)"
        _merge_text(ws, "D18:E18", "Lò Văn Thành", bold=True)
        ws["B18"] = "Nguyễn Văn Bình"
        ws["B18"].font = Font(bold=True)
    for col, width in zip("ABCDE", [5, 22, 18, 10, 16], strict=True):
        ws.column_dimensions[col].width = width
    return _save(wb)


def villages_with_total_libreoffice() -> bytes:
    """The merged "Cộng" row, the sum as a formula LibreOffice computes, and the signature block."""
    return _cached(
        "villages_with_total_libreoffice",
        lambda: libreoffice_convert(
            villages_with_total("Cộng", merged=True, formula=True, signed=True), "xlsx"
        ),
    )


# --- 4. villages written without their kind word -----------------------------------------------------------

# A roster of two communes by name. A STT | B Họ và tên | C Năm sinh | D Chức vụ | E SĐT | F Thôn, tổ dân phố |
# G Xã ; header on row 3, people from row 4. "Na Lang" is Thôn Na Lang, "Kim Tân" is Tổ dân phố Kim Tân.
BARE_ROWS = {"Vàng Văn Sử": 4, "Lù Thị Dung": 5, "Đỗ Văn Nam": 6, "Vũ Thị Hằng": 7}
BARE_NA_LANG = ("Vàng Văn Sử", "Lù Thị Dung")


def roster_without_kind_words(coc_leu: bool = False) -> bytes:
    """With ``coc_leu``, a fifth person (row 8) in "TDP Cốc Lếu": the abbreviation of Tổ dân phố."""
    wb = Workbook()
    ws = wb.active
    ws.merge_cells("A1:G1")
    ws["A1"] = "DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"
    _header_cells(ws, 3, ["STT", "Họ và tên", "Năm sinh", "Chức vụ", "SĐT", "Thôn, tổ dân phố", "Xã"])
    mk, plc = "Xã Mường Khương", "Phường Lào Cai"
    rows = [
        [1, "Vàng Văn Sử", 1975, "Tổ trưởng", "0912345731", "Na Lang", mk],
        [2, "Lù Thị Dung", 1988, "Thành viên", "0912345732", "Na Lang", mk],
        [3, "Đỗ Văn Nam", 1960, "Tổ trưởng", "0912345733", "Kim Tân", plc],
        [4, "Vũ Thị Hằng", 1990, "Thành viên", "0912345734", "Kim Tân", plc],
    ]
    if coc_leu:
        rows.append([5, "Nguyễn Văn Hùng", 1975, "Tổ trưởng", "0912345735", "TDP Cốc Lếu", plc])
    _rows(ws, 4, rows)
    return _save(wb)


BARE_COC_LEU_ROW = 8

# The same in a village list. A STT | B Thôn, tổ dân phố | C Xã | D Số hộ ; header on row 1.
BARE_VILLAGE_ROWS = {"Na Lang": 2, "Kim Tân": 3, "Cốc Lếu": 4}


def villages_without_kind_words() -> bytes:
    wb = Workbook()
    ws = wb.active
    _header_cells(ws, 1, ["STT", "Thôn, tổ dân phố", "Xã", "Số hộ"], wrap=False)
    _rows(
        ws,
        2,
        [
            [1, "Na Lang", "Xã Mường Khương", 97],  # 95 on the platform
            [2, "Kim Tân", "Phường Lào Cai", 281],  # 280
            [3, "Cốc Lếu", "Phường Lào Cai", 320],  # the same
        ],
    )
    return _save(wb)


# --- 5. group headings inside the table ----------------------------------------------------------------------

# Members of three villages in one table, each village under a heading row:
# row 4  B "I. THÔN NA LANG" (A empty), row 7  A "II", B "Tổ dân phố Cốc Lếu",
# row 10 "III. TỔ DÂN PHỐ KIM TÂN" merged over A10:G10.
# A STT | B Họ và tên | C Năm sinh | D Chức vụ | E SĐT | F Thôn, tổ dân phố | G Mã xã ; header on row 3,
# the numbering starting again at 1 under each heading.
SECTION_ROWS = {
    "Vàng Văn Sử": 5,
    "Lù Thị Dung": 6,
    "Nguyễn Văn Hùng": 8,
    "Trần Thị Thu": 9,
    "Đỗ Văn Nam": 11,
    "Vũ Thị Hằng": 12,
}
SECTION_HEADINGS = {4: "I. THÔN NA LANG", 7: "Tổ dân phố Cốc Lếu", 10: "III. TỔ DÂN PHỐ KIM TÂN"}


def roster_with_sections() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "DS"
    ws.merge_cells("A1:G1")
    ws["A1"] = "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"
    ws["A1"].font = Font(bold=True)
    _header_cells(ws, 3, ["STT", "Họ và tên", "Năm sinh", "Chức vụ", "SĐT", "Thôn, tổ dân phố", "Mã xã"])
    na_lang, coc_leu, kim_tan = "Thôn Na Lang", "Tổ dân phố Cốc Lếu", "Tổ dân phố Kim Tân"
    ws["B4"] = "I. THÔN NA LANG"
    ws["B4"].font = Font(bold=True)
    _rows(
        ws,
        5,
        [
            [1, "Vàng Văn Sử", 1975, "Tổ trưởng", "0912345741", na_lang, "02953"],
            [2, "Lù Thị Dung", 1988, "Thành viên", "0912345742", na_lang, "02953"],
        ],
    )
    ws["A7"], ws["B7"] = "II", coc_leu
    ws["A7"].font = ws["B7"].font = Font(bold=True)
    _rows(
        ws,
        8,
        [
            [1, "Nguyễn Văn Hùng", 1975, "Tổ trưởng", "0912345743", coc_leu, "02647"],
            [2, "Trần Thị Thu", 1980, "Thành viên", "0912345744", coc_leu, "02647"],
        ],
    )
    ws.merge_cells("A10:G10")
    ws["A10"] = "III. TỔ DÂN PHỐ KIM TÂN"
    ws["A10"].font = Font(bold=True)
    _rows(
        ws,
        11,
        [
            [1, "Đỗ Văn Nam", 1960, "Tổ trưởng", "0912345745", kim_tan, "02647"],
            [2, "Vũ Thị Hằng", 1990, "Thành viên", "0912345746", kim_tan, "02647"],
        ],
    )
    return _save(wb)


# --- 6. header cells with line breaks over a row of column numbers -------------------------------------------

# Xã Đồng Văn's roster of Thôn Lũng Cú. Title on row 1, header on row 3 with line breaks in its cells:
# A STT | B Họ và\ntên | C Năm\nsinh | D Chức vụ\ntrong tổ | E Số điện\nthoại | F Thành\nphần |
# G Thôn,\ntổ dân phố | H Mã\nxã | I Ghi\nchú ; row 4 the column numbers, "(1)"… as text or 1… as
# numbers (what is typed in Excel); people from row 5.
NUMBERED_HEADERS = [
    "STT",
    "Họ và\ntên",
    "Năm\nsinh",
    "Chức vụ\ntrong tổ",
    "Số điện\nthoại",
    "Thành\nphần",
    "Thôn,\ntổ dân phố",
    "Mã\nxã",
    "Ghi\nchú",
]
NUMBERED_ROWS = {"Sùng Mí Páo": 5, "Vừ Thị Sua": 6, "Lầu Mí Dế": 7}


def roster_with_column_numbers(numbers: str = "text") -> bytes:
    """``numbers``: "text" for "(1)", "(2)"…, "int" for the numbers 1, 2… ."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.merge_cells("A1:I1")
    ws["A1"] = "DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG THÔN LŨNG CÚ"
    ws["A1"].font = Font(bold=True)
    _header_cells(ws, 3, NUMBERED_HEADERS)
    ws.row_dimensions[3].height = 32
    width = len(NUMBERED_HEADERS)
    _rows(ws, 4, [[f"({n})" if numbers == "text" else n for n in range(1, width + 1)]])
    for col in range(1, width + 1):
        ws.cell(4, col).font = Font(italic=True)
        ws.cell(4, col).alignment = Alignment(horizontal="center")
    village = "Thôn Lũng Cú"
    # fmt: off
    _rows(ws, 5, [
        [1, "Sùng Mí Páo", 1980, "Tổ trưởng", "0912345751", "Trưởng thôn", village, "00721", None],
        [2, "Vừ Thị Sua", 1996, "Thành viên", "0912345752", "Đoàn thanh niên", village, "00721", "Zalo cùng số"],
        [3, "Lầu Mí Dế", 1972, "Thành viên", "0912345753", "Hội nông dân", village, "00721", None],
    ])
    # fmt: on
    return _save(wb)


def roster_with_column_numbers_libreoffice() -> bytes:
    """The numbers typed as numbers, opened and saved by LibreOffice."""
    return _cached(
        "roster_with_column_numbers_libreoffice",
        lambda: libreoffice_convert(roster_with_column_numbers("int"), "xlsx"),
    )


# --- 7. an empty "Sheet1" first, the roster on "DS thành viên" -----------------------------------------------

# "Sheet1" (empty, the active sheet), "DS thành viên" (the roster), "Sheet2" (empty).
# DS thành viên: A STT | B Họ và tên | C SĐT | D Năm sinh | E Chức vụ | F Thôn | G Mã xã ; header on row 2
# under a title, people from row 3.
EXTRA_SHEETS_ROWS = {"Lò Văn Khánh": 3, "Phàn Thị Xuân": 4}
ROSTER_SHEET = "DS thành viên"


def _roster_sheet(ws, people):
    ws["A1"] = "DANH SÁCH THÀNH VIÊN TỔ CNS THÔN NA LANG"
    _header_cells(ws, 2, ["STT", "Họ và tên", "SĐT", "Năm sinh", "Chức vụ", "Thôn", "Mã xã"], wrap=False)
    _rows(ws, 3, people)


def roster_after_empty_sheet() -> bytes:
    wb = Workbook()
    wb.active.title = "Sheet1"
    ws = wb.create_sheet(ROSTER_SHEET)
    _roster_sheet(
        ws,
        [
            [1, "Lò Văn Khánh", "0912345761", 1978, "Tổ trưởng", "Thôn Na Lang", "02953"],
            [2, "Phàn Thị Xuân", "0912345762", 1997, "Thành viên", "Thôn Na Lang", "02953"],
        ],
    )
    wb.create_sheet("Sheet2")
    wb.active = 0
    return _save(wb)


# The same with, before it, a hidden sheet "DS cũ" holding last year's roster (another leader, a person who
# has left since): what the officer sees and sends is "DS thành viên".
OLD_SHEET = "DS cũ"
OLD_PEOPLE = ("Lò Văn Cũ",)


def roster_after_hidden_old_sheet() -> bytes:
    wb = Workbook()
    wb.active.title = "Sheet1"
    old = wb.create_sheet(OLD_SHEET)
    _roster_sheet(
        old,
        [
            [1, "Lò Văn Cũ", "0912345760", 1955, "Tổ trưởng", "Thôn Na Lang", "02953"],
            [2, "Lò Văn Khánh", "0900000761", 1978, "Thành viên", "Thôn Na Lang", "02953"],
        ],
    )
    old.sheet_state = "hidden"
    ws = wb.create_sheet(ROSTER_SHEET)
    _roster_sheet(
        ws,
        [
            [1, "Lò Văn Khánh", "0912345761", 1978, "Tổ trưởng", "Thôn Na Lang", "02953"],
            [2, "Phàn Thị Xuân", "0912345762", 1997, "Thành viên", "Thôn Na Lang", "02953"],
        ],
    )
    wb.active = 0
    return _save(wb)
