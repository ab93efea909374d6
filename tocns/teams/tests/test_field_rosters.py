"""Rosters as communes really send them (see field_files), read and imported against the importer's contract.

The files were made without looking at the parser, so these tests check it against layouts it did not
make: title blocks, two-row headers, other wordings, LibreOffice's output, lost leading zeros.
"""

import io
import re
import zipfile

import openpyxl
import pytest

from tocns.core.excel import ImportFileError, MissingColumns
from tocns.teams.models import Member, Team
from tocns.teams.roster_import import import_roster, read_roster
from tocns.teams.tests import field_files as ff
from tocns.units.models import Unit, UnitKind

# "… không phải (là) tệp Excel …": the same words with or without "là".
NOT_EXCEL = "không phải (là )?tệp Excel"

FIELDS = ("phone", "birth_year", "role", "affiliation", "affiliation_note", "has_smartphone")


def counts():
    return Member.objects.count(), Team.objects.count(), Unit.objects.count()


def by_name(rows):
    found = {}
    for row in rows:
        assert row.full_name not in found, f"{row.full_name} read twice"
        found[row.full_name] = row
    return found


def expected(phone, birth_year, role, affiliation, has_smartphone, note=""):
    return {
        "phone": phone,
        "birth_year": birth_year,
        "role": role,
        "affiliation": affiliation,
        "affiliation_note": note,
        "has_smartphone": has_smartphone,
    }


def check_rows(rows, table, row_numbers):
    """Every row read as the table says, on the sheet row Excel shows."""
    rows = by_name(rows)
    assert set(rows) == set(table)
    wrong = {}
    for name, values in table.items():
        row = rows[name]
        got = {field: getattr(row, field) for field in FIELDS}
        got["row"] = row.row
        want = {**values, "row": row_numbers[name]}
        if got != want:
            wrong[name] = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert not wrong, f"(read, expected) per field: {wrong}"
    return rows


def check_members(table, team_of):
    """What import_* wrote: blank role is a member, blank affiliation is Khác, unknown smartphone is no."""
    wrong = {}
    for name, values in table.items():
        member = Member.objects.get(full_name=name)
        got = {
            "phone": member.phone,
            "birth_year": member.birth_year,
            "role": member.role,
            "affiliation": member.affiliation,
            "affiliation_note": member.affiliation_note,
            "has_smartphone": member.has_smartphone,
            "unit": member.team.unit_id,
            "current": member.left_on is None,
        }
        want = {
            "phone": values["phone"] or "",
            "birth_year": values["birth_year"],
            "role": values["role"] or "member",
            "affiliation": values["affiliation"] or "other",
            "affiliation_note": values["affiliation_note"],
            "has_smartphone": bool(values["has_smartphone"]),
            "unit": team_of(name),
            "current": True,
        }
        if got != want:
            wrong[name] = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert not wrong, f"(stored, expected) per field: {wrong}"


def error_on(result, row, *fragments):
    """The error of a sheet row, whose message holds every fragment."""
    messages = [e.message for e in result.errors if e.row == row]
    assert messages, f"no error on row {row}; errors: {[(e.row, e.message) for e in result.errors]}"
    # The message may start with the column ("Cột H (SĐT): …"), so letters' case is not compared.
    assert any(all(f.casefold() in m.casefold() for f in fragments) for m in messages), (
        f"row {row}: no message with {fragments}: {messages}"
    )


def ignored(result):
    """The columns reported as not used, less the row numbers (STT), which a parser may or may not list."""
    return {c.letter: c.header for c in result.ignored_columns if c.header.strip().upper() != "STT"}


# --- Na Lang's roster on the commune's form, as made by openpyxl and as re-saved by LibreOffice -------

FORMAL = {
    "Vàng Văn Sử": expected("0912345601", 1975, "leader", "party", True),
    "Lù Thị Dung": expected("0912345602", 1988, "deputy", "women_union", True),
    "Giàng A Páo": expected("0912345603", 1990, "member", "police", False),
    "Thào Thị Mỷ": expected("0912345604", 2001, "member", "youth_union", True),
    "Lò Văn Pình": expected(None, 1968, None, "elder", None),
    "Sần Văn Chín": expected("0912345606", 1979, "member", "other", True, note="Chi hội người cao tuổi"),
    "Hoàng Thị Lan": expected("0912345607", 1995, "member", "teacher", True),
    "Tráng A Lử": expected("0912345608", 1999, "member", None, True),
}
FORMAL_NEW = {name: values for name, values in FORMAL.items() if name not in ("Vàng Văn Sử", "Lù Thị Dung")}
# Used columns: B name, C year, D role, E affiliation, F phone, H smartphone, I village, J commune, K team.
FORMAL_USED = set("BCDEFHIJK")

formal_files = pytest.mark.parametrize(
    "make",
    [
        pytest.param(ff.formal_roster, id="openpyxl"),
        pytest.param(ff.formal_roster_libreoffice, id="libreoffice", marks=ff.needs_libreoffice),
    ],
)


@pytest.fixture
def na_lang_team(tree):
    """The team as the platform has it, named differently from every row of the file, with two people:
    one exactly as the file has him, one the file promotes to Tổ phó with a smartphone."""
    team = Team.objects.create(unit=tree.na_lang, name="Tổ CNS thôn Na Lang")
    Member.objects.create(
        team=team,
        full_name="Vàng Văn Sử",
        phone="0912345601",
        birth_year=1975,
        role="leader",
        affiliation="party",
        has_smartphone=True,
    )
    Member.objects.create(
        team=team,
        full_name="Lù Thị Dung",
        phone="0912345602",
        birth_year=1988,
        role="member",
        affiliation="women_union",
        has_smartphone=False,
    )
    return team


@formal_files
def test_formal_roster_preview(make, tree, na_lang_team):
    data = make()
    before = counts()

    result = read_roster(data)

    assert counts() == before
    assert Member.objects.get(full_name="Lù Thị Dung").role == "member"  # the update is not written
    assert [(e.row, e.message) for e in result.errors] == []
    assert result.sheet_name == "Danh sách"
    assert result.sheet_count == 1
    check_rows(result.to_create, FORMAL_NEW, ff.FORMAL_ROWS)
    check_rows(result.to_update, {"Lù Thị Dung": FORMAL["Lù Thị Dung"]}, ff.FORMAL_ROWS)
    assert result.unchanged == 1
    # "Tổ công nghệ số thôn Na Lang", "Tổ CNSCĐ …", "Tổ công nghệ số cộng đồng …": all the existing team.
    assert {row.team.pk for row in result.to_create + result.to_update} == {na_lang_team.pk}
    assert result.teams_to_create == []
    assert result.villages_to_create == []


@formal_files
def test_formal_roster_unknown_affiliation_is_kept_as_other_with_a_warning(make, tree, na_lang_team):
    result = read_roster(make())

    row = by_name(result.to_create)["Sần Văn Chín"]
    assert (row.affiliation, row.affiliation_note) == ("other", "Chi hội người cao tuổi")
    warned = [w for w in result.warnings if w.row == ff.FORMAL_ROWS["Sần Văn Chín"]]
    assert warned, f"no warning on row 15: {[(w.row, w.message) for w in result.warnings]}"
    assert any("Chi hội người cao tuổi" in w.message for w in warned)
    assert {w.row for w in result.warnings} == {ff.FORMAL_ROWS["Sần Văn Chín"]}


@formal_files
def test_formal_roster_reports_zalo_and_notes_as_ignored(make, tree, na_lang_team):
    result = read_roster(make())

    columns = ignored(result)
    assert columns.get("L") == "Ghi chú"
    assert "Zalo" in (columns.get("G") or "")
    assert not FORMAL_USED & set(columns), f"used columns reported as ignored: {columns}"


@formal_files
def test_formal_roster_import(make, tree, na_lang_team):
    members, teams, units = counts()

    result = import_roster(make())

    assert result.written is True
    assert counts() == (members + len(FORMAL_NEW), teams, units)
    assert Member.objects.filter(team=na_lang_team).count() == len(FORMAL)
    check_members(FORMAL, lambda name: tree.na_lang.pk)


# --- Phường Lào Cai's hand-typed list: other wordings, birth dates, new teams ---------------------------

PHUONG = {
    "Nguyễn Văn Hùng": expected("0912345611", 1975, "leader", "village_head", True),
    "Trần Thị Thu": expected("0912345612", 1980, "deputy", "party", True),
    "Phạm Văn Đức": expected("0912345613", 1992, "member", "farmers_union", False),
    "Lê Thị Hoa": expected("0912345614", 1987, "member", "village_health", True),
    "Đỗ Văn Nam": expected("0912345615", 1960, "leader", "veterans", True),
    "Vũ Thị Hằng": expected("0912345616", 1990, "member", "post_telecom", True),
    "Bùi Văn Toàn": expected("0912345617", 1985, "member", "post_telecom", True),
    "Ngô Thị Yến": expected("0912345618", 1993, None, "business", None),
}
COC_LEU_PEOPLE = {"Nguyễn Văn Hùng", "Trần Thị Thu", "Phạm Văn Đức", "Lê Thị Hoa"}


def test_phuong_roster_preview(tree):
    before = counts()

    result = read_roster(ff.phuong_roster())

    assert counts() == before
    assert [(e.row, e.message) for e in result.errors] == []
    assert result.warnings == []
    rows = check_rows(result.to_create, PHUONG, ff.PHUONG_ROWS)
    assert result.to_update == []
    for name, row in rows.items():
        assert row.team.pk is None
        assert row.team.unit_id == (tree.coc_leu.pk if name in COC_LEU_PEOPLE else tree.kim_tan.pk)
    assert sorted(t.unit_id for t in result.teams_to_create) == sorted([tree.coc_leu.pk, tree.kim_tan.pk])
    assert all(t.pk is None for t in result.teams_to_create)
    assert result.villages_to_create == []
    assert ignored(result) == {"I": "Địa chỉ"}
    assert result.sheet_name == "Sheet1"


def test_phuong_roster_import(tree):
    members, teams, units = counts()

    result = import_roster(ff.phuong_roster())

    assert result.written is True
    assert counts() == (members + len(PHUONG), teams + 2, units)
    assert Team.objects.filter(unit=tree.coc_leu).count() == 1
    assert Team.objects.filter(unit=tree.kim_tan).count() == 1
    check_members(PHUONG, lambda name: tree.coc_leu.pk if name in COC_LEU_PEOPLE else tree.kim_tan.pk)


# --- Xã Đồng Văn's CSV opened in LibreOffice: phones and commune code lost their leading zeros -----------

DONG_VAN = {
    "Sùng Mí Páo": expected("0912345621", 1980, "leader", "village_head", None),
    "Vừ Thị Sua": expected("0912345622", 1996, "member", "youth_union", None),
    "Lầu Mí Dế": expected("0912345623", 1972, "member", "farmers_union", None),
}


@ff.needs_libreoffice
def test_csv_through_libreoffice_preview(tree):
    data = ff.dong_van_roster_from_csv()
    before = counts()

    result = read_roster(data)

    assert counts() == before
    assert [(e.row, e.message) for e in result.errors] == []
    rows = check_rows(result.to_create, DONG_VAN, ff.CSV_ROWS)
    assert {row.team.unit_id for row in rows.values()} == {tree.lung_cu.pk}
    assert [t.unit_id for t in result.teams_to_create] == [tree.lung_cu.pk]
    assert ignored(result) == {"I": "Ghi chú"}
    assert result.sheet_count == 1


@ff.needs_libreoffice
def test_csv_through_libreoffice_import(tree):
    data = ff.dong_van_roster_from_csv()
    members, teams, units = counts()

    result = import_roster(data)

    assert result.written is True
    assert counts() == (members + 3, teams + 1, units)
    check_members(DONG_VAN, lambda name: tree.lung_cu.pk)


# --- a workbook whose first sheet is instructions ------------------------------------------------------

SECOND_SHEET = {
    "Ma Seo Chúng": expected("0912345631", 1983, "leader", "village_head", None),
    "Hầu Thị Mai": expected("0912345632", 2000, "member", "women_union", None),
}


def test_roster_on_the_second_sheet(tree):
    data = ff.roster_on_second_sheet()
    before = counts()

    result = read_roster(data)

    assert counts() == before
    assert result.sheet_name == "Danh sách"
    assert result.sheet_count == 3
    assert [(e.row, e.message) for e in result.errors] == []
    check_rows(result.to_create, SECOND_SHEET, ff.SHEETS_ROWS)
    assert ignored(result) == {}

    written = import_roster(data)

    assert written.written is True
    assert counts() == (before[0] + 2, before[1] + 1, before[2])
    check_members(SECOND_SHEET, lambda name: tree.lung_cu.pk)


# --- a village the platform does not know yet ---------------------------------------------------------

NEW_VILLAGE = {
    "Lồ Văn Thắng": expected("0912345641", 1986, "leader", None, None),
    "Chảo Thị Mây": expected("0912345642", 1999, "member", None, None),
}


def test_new_village_is_listed_in_the_preview(tree):
    before = counts()

    result = read_roster(ff.new_village_roster())

    assert counts() == before
    assert [(commune.pk, name) for commune, name in result.villages_to_create] == [
        (tree.muong_khuong.pk, "Thôn Pả Sín")
    ]


def test_new_village_preview_with_create_villages(tree):
    before = counts()

    result = read_roster(ff.new_village_roster(), create_villages=True)

    assert counts() == before
    assert [(e.row, e.message) for e in result.errors] == []
    assert [(commune.pk, name) for commune, name in result.villages_to_create] == [
        (tree.muong_khuong.pk, "Thôn Pả Sín")
    ]
    check_rows(result.to_create, NEW_VILLAGE, ff.NEW_VILLAGE_ROWS)
    assert [t.name for t in result.teams_to_create] == ["Tổ CNS thôn Pả Sín"]


def test_new_village_import_creates_village_team_and_members(tree):
    members, teams, units = counts()

    result = import_roster(ff.new_village_roster(), create_villages=True)

    assert result.written is True
    assert counts() == (members + 2, teams + 1, units + 1)
    village = Unit.objects.get(name="Thôn Pả Sín")
    assert (village.parent_id, village.kind) == (tree.muong_khuong.pk, UnitKind.VILLAGE)
    assert village.path.startswith(tree.muong_khuong.path)
    team = Team.objects.get(unit=village)
    assert team.name == "Tổ CNS thôn Pả Sín"
    check_members(NEW_VILLAGE, lambda name: village.pk)


# --- mistakes: each named by its row, column and value --------------------------------------------------

GOOD_OF_BAD = {
    "Lò Văn Khánh": expected("0912345651", 1978, "leader", "village_head", None),
    "Phàn Thị Xuân": expected("0912345656", 1997, "member", "youth_union", None),
}
BAD_NAMES = {"Lò Thị Sáu", "Hoàng Văn Cụ", "Tẩn Văn Lùng", "Lý Văn Hai"}


def test_mistakes_are_named_by_row_column_and_value(tree):
    before = counts()

    result = read_roster(ff.roster_with_mistakes())

    assert counts() == before
    rows = ff.BAD_ROWS
    error_on(result, rows["Lò Thị Sáu"], "cột H (SĐT)", "“0912 345 67”")
    error_on(result, rows["Hoàng Văn Cụ"], "cột C (Năm sinh)", "“1850”")
    error_on(result, rows["Tẩn Văn Lùng"], "cột G (Mã xã)", "“99999”")
    error_on(result, rows["Lý Văn Hai"], "cột D (Chức vụ)", "“Tổ trưởng”")
    # Only the second Tổ trưởng is wrong: the first one is the team's leader.
    assert {e.row for e in result.errors} == {rows[name] for name in BAD_NAMES}
    check_rows(result.to_create, GOOD_OF_BAD, rows)


def test_mistakes_block_the_whole_import(tree):
    before = counts()

    result = import_roster(ff.roster_with_mistakes())

    assert result.written is False
    assert counts() == before
    assert len(result.errors) >= 4


def test_mistakes_skipped_when_asked(tree):
    members, teams, units = counts()

    result = import_roster(ff.roster_with_mistakes(), skip_bad_rows=True)

    assert result.written is True
    assert counts() == (members + 2, teams + 1, units)
    check_members(GOOD_OF_BAD, lambda name: tree.na_lang.pk)
    assert not Member.objects.filter(full_name__in=BAD_NAMES).exists()


# --- a name column nobody would recognise ---------------------------------------------------------------


def test_unrecognised_name_column_is_asked_for(tree):
    before = counts()

    with pytest.raises(MissingColumns) as caught:
        read_roster(ff.roster_unknown_name_header())

    assert isinstance(caught.value, ImportFileError)
    assert [key for key, _ in caught.value.missing] == ["full_name"]
    assert "Họ và tên" in dict(caught.value.missing)["full_name"]
    assert list(caught.value.headers) == ff.UNKNOWN_NAME_HEADERS
    assert str(caught.value)
    assert counts() == before


def test_unrecognised_name_column_given_by_letter(tree):
    before = counts()
    table = {
        "Sì Văn Phà": expected("0912345661", None, None, None, None),
        "Chẻo Thị Nhàn": expected("0912345662", None, None, None, None),
    }

    result = read_roster(ff.roster_unknown_name_header(), columns={"full_name": "C"})

    assert counts() == before
    assert [(e.row, e.message) for e in result.errors] == []
    check_rows(result.to_create, table, ff.UNKNOWN_NAME_ROWS)

    written = import_roster(ff.roster_unknown_name_header(), columns={"full_name": "C"})

    assert written.written is True
    assert counts() == (before[0] + 2, before[1] + 1, before[2])
    check_members(table, lambda name: tree.na_lang.pk)


# --- files that are not a roster at all -----------------------------------------------------------------

WHOLE_FILES = [
    pytest.param(lambda: b"", "trống", id="zero-bytes"),
    pytest.param(ff.empty_workbook, "trống", id="empty-workbook"),
    pytest.param(ff.csv_renamed, NOT_EXCEL, id="csv-renamed"),
    pytest.param(ff.docx_renamed, NOT_EXCEL, id="docx-renamed"),
    # An .xls is an Excel file, of the old kind: the message may say so, as long as it asks for an .xlsx.
    pytest.param(
        ff.xls_renamed, rf"{NOT_EXCEL}|\.xls\b.*\.xlsx", id="xls-renamed", marks=ff.needs_libreoffice
    ),
    pytest.param(ff.password_protected, "mật khẩu", id="password"),
]


@pytest.mark.parametrize(("make", "words"), WHOLE_FILES)
def test_whole_file_problems(make, words, tree):
    data = make()
    before = counts()

    for attempt in (read_roster, import_roster):
        with pytest.raises(ImportFileError) as caught:
            attempt(data)
        assert not isinstance(caught.value, MissingColumns)
        assert re.search(words, str(caught.value)), str(caught.value)
    assert counts() == before


# --- the files themselves: people on the rows the tests name, layouts as described -----------------------

NAMED_ROWS = [
    pytest.param(ff.formal_roster, ff.FORMAL_ROWS, "B", id="formal"),
    pytest.param(
        ff.formal_roster_libreoffice, ff.FORMAL_ROWS, "B", id="formal-lo", marks=ff.needs_libreoffice
    ),
    pytest.param(ff.phuong_roster, ff.PHUONG_ROWS, "C", id="phuong"),
    pytest.param(ff.dong_van_roster_from_csv, ff.CSV_ROWS, "B", id="csv-lo", marks=ff.needs_libreoffice),
    pytest.param(ff.new_village_roster, ff.NEW_VILLAGE_ROWS, "B", id="new-village"),
    pytest.param(ff.roster_with_mistakes, ff.BAD_ROWS, "B", id="mistakes"),
    pytest.param(ff.roster_unknown_name_header, ff.UNKNOWN_NAME_ROWS, "C", id="unknown-header"),
    pytest.param(ff.formal_villages, ff.FORMAL_VILLAGE_ROWS, "B", id="villages"),
    pytest.param(
        ff.formal_villages_libreoffice,
        ff.FORMAL_VILLAGE_ROWS,
        "B",
        id="villages-lo",
        marks=ff.needs_libreoffice,
    ),
    pytest.param(
        ff.villages_from_csv, ff.CSV_VILLAGE_ROWS, "B", id="villages-csv-lo", marks=ff.needs_libreoffice
    ),
    pytest.param(ff.own_commune_villages, ff.OWN_COMMUNE_ROWS, "B", id="own-commune"),
    pytest.param(ff.village_names_only, ff.NAMES_ONLY_ROWS, "A", id="names-only"),
    pytest.param(ff.villages_with_mistakes, ff.BAD_VILLAGE_ROWS, "B", id="village-mistakes"),
]


@pytest.mark.parametrize(("make", "rows", "column"), NAMED_ROWS)
def test_people_are_on_the_rows_the_tests_name(make, rows, column):
    ws = openpyxl.load_workbook(io.BytesIO(make())).active
    assert {name: ws[f"{column}{row}"].value for name, row in rows.items()} == {name: name for name in rows}
    assert ws.max_row == max(rows.values())


def test_formal_roster_looks_like_the_commune_form():
    ws = openpyxl.load_workbook(io.BytesIO(ff.formal_roster())).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:E1", "F1:L1", "F3:L3", "A4:L4", "F7:G7", "B7:B8"} <= merged
    assert ws["F3"].value == "Mường Khương, ngày 12 tháng 3 năm 2025"
    assert ws["A4"].value == "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"
    assert all(cell.value is None for cell in ws[6])
    assert (ws["F7"].value, ws["F8"].value, ws["G8"].value) == ("Thông tin liên hệ", "SĐT", "Zalo")
    assert ws["A9"].value == "(1)"
    assert (ws["J10"].value, ws["J11"].value) == (2953, "02953")


@ff.needs_libreoffice
def test_libreoffice_files_are_libreoffice_s():
    for make in (ff.formal_roster_libreoffice, ff.dong_van_roster_from_csv, ff.villages_from_csv):
        with zipfile.ZipFile(io.BytesIO(make())) as z:
            assert "xl/sharedStrings.xml" in z.namelist()
            assert b"LibreOffice" in z.read("docProps/app.xml")
    ws = openpyxl.load_workbook(io.BytesIO(ff.dong_van_roster_from_csv())).active
    assert (ws["C2"].value, ws["H2"].value) == (912345621, 721)  # the zeros LibreOffice dropped
    assert ff.xls_renamed()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")


def test_password_protected_file_is_encrypted():
    data = ff.password_protected()
    assert data[:8] == bytes.fromhex("d0cf11e0a1b11ae1")
    assert "EncryptedPackage".encode("utf-16-le") in data
