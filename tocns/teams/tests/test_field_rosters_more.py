"""More rosters as communes send them (see field_files_more), against the importer's contract.

Each layout is read (nothing written, every good row as the file says, on the row Excel shows, and no
error for what is not a person), then imported (every person stored in the right village).
"""

import io

import openpyxl
import pytest

from tocns.teams.models import Member, Team
from tocns.teams.roster_import import import_roster, read_roster
from tocns.teams.tests import field_files as ff
from tocns.teams.tests import field_files_more as fm
from tocns.teams.tests.test_field_rosters import (
    by_name,
    check_members,
    check_rows,
    counts,
    expected,
    ignored,
)
from tocns.units.models import Unit


def no_errors(result):
    errors = [(e.row, e.message) for e in result.errors]
    assert errors == [], "\n".join(f"row {row}: {message}" for row, message in errors)


def not_read(result, *names):
    """None of ``names`` (words of the sheet that are not people) became a row, an error or a village."""
    rows = result.to_create + result.to_update
    assert not {row.full_name for row in rows} & set(names)
    assert [name for _, name in result.villages_to_create] == []
    messages = [(e.row, e.message) for e in result.errors + result.warnings]
    assert not [m for m in messages if any(name.casefold() in m[1].casefold() for name in names)], messages


# --- 1. the village and team cells merged down over the village's people ---------------------------------

MERGED = {
    "Nguyễn Văn Hùng": expected("0912345711", 1975, "leader", "village_head", None),
    "Trần Thị Thu": expected("0912345712", 1980, "deputy", "party", None),
    "Phạm Văn Đức": expected("0912345713", 1992, "member", "farmers_union", None),
    "Lê Thị Hoa": expected("0912345714", 1987, "member", "village_health", None),
    "Đỗ Văn Nam": expected("0912345715", 1960, "leader", "veterans", None),
    "Vũ Thị Hằng": expected("0912345716", 1990, "member", "post_telecom", None),
    "Bùi Văn Toàn": expected("0912345717", 1985, "member", "youth_union", None),
}

merged_files = pytest.mark.parametrize(
    "make",
    [
        pytest.param(fm.merged_village_roster, id="openpyxl"),
        pytest.param(fm.merged_village_roster_libreoffice, id="libreoffice", marks=ff.needs_libreoffice),
    ],
)


def merged_unit(tree):
    return lambda name: tree.coc_leu.pk if name in fm.MERGED_COC_LEU else tree.kim_tan.pk


@merged_files
def test_merged_village_cells_preview(make, tree):
    data = make()
    before = counts()

    result = read_roster(data)

    assert counts() == before
    no_errors(result)
    rows = check_rows(result.to_create, MERGED, fm.MERGED_ROWS)
    assert result.to_update == []
    unit_of = merged_unit(tree)
    assert {name: row.team.unit_id for name, row in rows.items()} == {name: unit_of(name) for name in MERGED}
    # One team per tổ dân phố, named as the merged team cell says; no village to create.
    assert sorted((t.unit_id, t.name) for t in result.teams_to_create) == sorted(
        [(tree.coc_leu.pk, "Tổ CNS TDP Cốc Lếu"), (tree.kim_tan.pk, "Tổ CNS TDP Kim Tân")]
    )
    assert result.villages_to_create == []
    assert result.sheet_name == "Danh sách"


@merged_files
def test_merged_village_cells_import(make, tree):
    members, teams, units = counts()

    result = import_roster(make())

    assert result.written is True, [(e.row, e.message) for e in result.errors]
    assert counts() == (members + len(MERGED), teams + 2, units)
    check_members(MERGED, merged_unit(tree))
    assert Team.objects.get(unit=tree.coc_leu).name == "Tổ CNS TDP Cốc Lếu"
    assert Team.objects.get(unit=tree.kim_tan).name == "Tổ CNS TDP Kim Tân"


# --- 2. the signature block under the table ---------------------------------------------------------------

SIGNED = {
    "Vàng Văn Sử": expected("0912345721", 1975, "leader", "party", None),
    "Lù Thị Dung": expected("0912345722", 1988, "deputy", "women_union", None),
    "Giàng A Páo": expected("0912345723", 1990, "member", "police", None),
    "Thào Thị Mỷ": expected("0912345724", 2001, "member", "youth_union", None),
}

signed_files = pytest.mark.parametrize(
    "make",
    [
        pytest.param(fm.signed_roster, id="openpyxl"),
        pytest.param(fm.signed_roster_libreoffice, id="libreoffice", marks=ff.needs_libreoffice),
    ],
)


@signed_files
def test_signature_block_preview(make, tree):
    data = make()
    before = counts()

    result = read_roster(data)

    assert counts() == before
    no_errors(result)
    assert not [e for e in result.errors if e.row >= fm.SIGNATURE_FIRST_ROW]
    check_rows(result.to_create, SIGNED, fm.SIGNED_ROWS)
    not_read(result, *fm.SIGNATURE_WORDS)
    assert [t.unit_id for t in result.teams_to_create] == [tree.na_lang.pk]


@signed_files
def test_signature_block_import(make, tree):
    members, teams, units = counts()

    result = import_roster(make())

    assert result.written is True, [(e.row, e.message) for e in result.errors]
    assert counts() == (members + len(SIGNED), teams + 1, units)
    check_members(SIGNED, lambda name: tree.na_lang.pk)
    assert not Member.objects.filter(full_name__in=fm.SIGNATURE_WORDS).exists()


@signed_files
def test_signature_block_import_skipping_bad_rows_writes_no_signer(make, tree):
    """Even an officer who ticks "skip the bad rows" gets the people and nothing of the signatures."""
    members, teams, units = counts()

    result = import_roster(make(), skip_bad_rows=True)

    assert result.written is True, [(e.row, e.message) for e in result.errors]
    assert counts() == (members + len(SIGNED), teams + 1, units)
    assert set(Member.objects.values_list("full_name", flat=True)) == set(SIGNED)


# --- 4. villages without "Thôn" / "Tổ dân phố" ---------------------------------------------------------------

BARE = {
    "Vàng Văn Sử": expected("0912345731", 1975, "leader", None, None),
    "Lù Thị Dung": expected("0912345732", 1988, "member", None, None),
    "Đỗ Văn Nam": expected("0912345733", 1960, "leader", None, None),
    "Vũ Thị Hằng": expected("0912345734", 1990, "member", None, None),
}


def bare_unit(tree):
    return lambda name: tree.na_lang.pk if name in fm.BARE_NA_LANG else tree.kim_tan.pk


def test_villages_without_kind_word_preview(tree):
    before = counts()

    result = read_roster(fm.roster_without_kind_words())

    assert counts() == before
    no_errors(result)
    rows = check_rows(result.to_create, BARE, fm.BARE_ROWS)
    unit_of = bare_unit(tree)
    assert {name: row.team.unit_id for name, row in rows.items()} == {name: unit_of(name) for name in BARE}
    assert result.villages_to_create == []
    assert sorted(t.unit_id for t in result.teams_to_create) == sorted([tree.na_lang.pk, tree.kim_tan.pk])


def test_villages_without_kind_word_preview_when_creating_villages(tree):
    """Asked to create the villages it does not know, the importer still knows Na Lang and Kim Tân."""
    before = counts()

    result = read_roster(fm.roster_without_kind_words(), create_villages=True)

    assert counts() == before
    assert result.villages_to_create == []
    assert {row.team.unit_id for row in result.to_create} == {tree.na_lang.pk, tree.kim_tan.pk}


def test_villages_without_kind_word_import(tree):
    members, teams, units = counts()

    result = import_roster(fm.roster_without_kind_words(), create_villages=True)

    assert result.written is True, [(e.row, e.message) for e in result.errors]
    assert counts() == (members + len(BARE), teams + 2, units)
    check_members(BARE, bare_unit(tree))
    assert not Unit.objects.filter(name__in=["Na Lang", "Kim Tân"]).exists()


def test_tdp_abbreviation_is_the_to_dan_pho(tree):
    """ "TDP Cốc Lếu", as many wards write it, is Tổ dân phố Cốc Lếu."""
    before = counts()

    result = read_roster(fm.roster_without_kind_words(coc_leu=True), create_villages=True)

    assert counts() == before
    no_errors(result)
    row = by_name(result.to_create)["Nguyễn Văn Hùng"]
    assert (row.row, row.team.unit_id) == (fm.BARE_COC_LEU_ROW, tree.coc_leu.pk)
    assert result.villages_to_create == []


# --- 5. group headings inside the table ------------------------------------------------------------------

SECTIONS = {
    "Vàng Văn Sử": expected("0912345741", 1975, "leader", None, None),
    "Lù Thị Dung": expected("0912345742", 1988, "member", None, None),
    "Nguyễn Văn Hùng": expected("0912345743", 1975, "leader", None, None),
    "Trần Thị Thu": expected("0912345744", 1980, "member", None, None),
    "Đỗ Văn Nam": expected("0912345745", 1960, "leader", None, None),
    "Vũ Thị Hằng": expected("0912345746", 1990, "member", None, None),
}
SECTION_UNITS = {
    "Vàng Văn Sử": "na_lang",
    "Lù Thị Dung": "na_lang",
    "Nguyễn Văn Hùng": "coc_leu",
    "Trần Thị Thu": "coc_leu",
    "Đỗ Văn Nam": "kim_tan",
    "Vũ Thị Hằng": "kim_tan",
}


def test_group_headings_preview(tree):
    before = counts()

    result = read_roster(fm.roster_with_sections())

    assert counts() == before
    no_errors(result)
    assert not [e for e in result.errors if e.row in fm.SECTION_HEADINGS]
    rows = check_rows(result.to_create, SECTIONS, fm.SECTION_ROWS)
    assert {name: row.team.unit_id for name, row in rows.items()} == {
        name: getattr(tree, unit).pk for name, unit in SECTION_UNITS.items()
    }
    not_read(result, *fm.SECTION_HEADINGS.values())
    # Three teams to create (each village has one leader), nothing else.
    assert sorted(t.unit_id for t in result.teams_to_create) == sorted(
        [tree.na_lang.pk, tree.coc_leu.pk, tree.kim_tan.pk]
    )


def test_group_headings_import(tree):
    members, teams, units = counts()

    result = import_roster(fm.roster_with_sections())

    assert result.written is True, [(e.row, e.message) for e in result.errors]
    assert counts() == (members + len(SECTIONS), teams + 3, units)
    check_members(SECTIONS, lambda name: getattr(tree, SECTION_UNITS[name]).pk)


def test_group_headings_import_with_new_villages_allowed(tree):
    """With "create missing villages" ticked, a heading is still no village and no person."""
    members, teams, units = counts()

    result = import_roster(fm.roster_with_sections(), create_villages=True, skip_bad_rows=True)

    assert result.written is True, [(e.row, e.message) for e in result.errors]
    assert counts() == (members + len(SECTIONS), teams + 3, units)
    assert set(Member.objects.values_list("full_name", flat=True)) == set(SECTIONS)


# --- 6. header cells with line breaks, over a row of column numbers --------------------------------------

NUMBERED = {
    "Sùng Mí Páo": expected("0912345751", 1980, "leader", "village_head", None),
    "Vừ Thị Sua": expected("0912345752", 1996, "member", "youth_union", None),
    "Lầu Mí Dế": expected("0912345753", 1972, "member", "farmers_union", None),
}

numbered_files = pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: fm.roster_with_column_numbers("text"), id="text-(1)"),
        pytest.param(lambda: fm.roster_with_column_numbers("int"), id="numbers-1"),
        pytest.param(
            fm.roster_with_column_numbers_libreoffice, id="numbers-libreoffice", marks=ff.needs_libreoffice
        ),
    ],
)


@numbered_files
def test_column_numbers_and_broken_headers_preview(make, tree):
    data = make()
    before = counts()

    result = read_roster(data)

    assert counts() == before
    no_errors(result)
    check_rows(result.to_create, NUMBERED, fm.NUMBERED_ROWS)
    assert [t.unit_id for t in result.teams_to_create] == [tree.lung_cu.pk]
    # Only the notes are left out; the header is named as the file has it (line break or a space).
    assert {letter: " ".join(header.split()) for letter, header in ignored(result).items()} == {
        "I": "Ghi chú"
    }


@numbered_files
def test_column_numbers_and_broken_headers_import(make, tree):
    members, teams, units = counts()

    result = import_roster(make())

    assert result.written is True, [(e.row, e.message) for e in result.errors]
    assert counts() == (members + len(NUMBERED), teams + 1, units)
    check_members(NUMBERED, lambda name: tree.lung_cu.pk)


# --- 7. an empty "Sheet1" (and a hidden sheet) before the roster -----------------------------------------

EXTRA_SHEETS = {
    "Lò Văn Khánh": expected("0912345761", 1978, "leader", None, None),
    "Phàn Thị Xuân": expected("0912345762", 1997, "member", None, None),
}


def test_roster_after_an_empty_sheet(tree):
    data = fm.roster_after_empty_sheet()
    before = counts()

    result = read_roster(data)

    assert counts() == before
    assert result.sheet_name == fm.ROSTER_SHEET
    assert result.sheet_count == 3
    no_errors(result)
    check_rows(result.to_create, EXTRA_SHEETS, fm.EXTRA_SHEETS_ROWS)

    written = import_roster(data)

    assert written.written is True, [(e.row, e.message) for e in written.errors]
    assert counts() == (before[0] + 2, before[1] + 1, before[2])
    check_members(EXTRA_SHEETS, lambda name: tree.na_lang.pk)


def test_hidden_sheet_is_not_the_roster(tree):
    """The officer sees and sends "DS thành viên"; last year's list on a hidden sheet before it is not read."""
    data = fm.roster_after_hidden_old_sheet()
    before = counts()

    result = read_roster(data)

    assert counts() == before
    assert result.sheet_name == fm.ROSTER_SHEET
    no_errors(result)
    check_rows(result.to_create, EXTRA_SHEETS, fm.EXTRA_SHEETS_ROWS)

    written = import_roster(data)

    assert written.written is True, [(e.row, e.message) for e in written.errors]
    assert counts() == (before[0] + 2, before[1] + 1, before[2])
    check_members(EXTRA_SHEETS, lambda name: tree.na_lang.pk)
    assert not Member.objects.filter(full_name__in=fm.OLD_PEOPLE).exists()


# --- 8. the same file imported again ---------------------------------------------------------------------


def snapshot():
    """Everything an import could touch, with the times rows were last saved."""
    return (
        sorted(Member.objects.values_list()),
        sorted(Team.objects.values_list()),
        sorted(Unit.objects.values_list()),
    )


REIMPORTED = [
    pytest.param(ff.formal_roster, 8, id="formal"),
    pytest.param(ff.formal_roster_libreoffice, 8, id="formal-libreoffice", marks=ff.needs_libreoffice),
    pytest.param(ff.phuong_roster, 8, id="phuong-birth-dates"),
    pytest.param(fm.merged_village_roster, 7, id="merged-villages"),
    pytest.param(lambda: fm.roster_with_column_numbers("text"), 3, id="column-numbers"),
]


@pytest.mark.parametrize(("make", "people"), REIMPORTED)
def test_same_file_again_changes_nothing(make, people, tree):
    data = make()
    first = import_roster(data)
    assert first.written is True, [(e.row, e.message) for e in first.errors]
    assert Member.objects.count() == people
    before = snapshot()

    again = read_roster(data)

    assert again.nothing_to_write is True
    assert (again.to_create, again.to_update) == ([], [])
    assert again.unchanged == people
    assert (again.teams_to_create, again.villages_to_create) == ([], [])
    no_errors(again)

    import_roster(data)

    assert snapshot() == before


# --- the files themselves -------------------------------------------------------------------------------

NAMED_ROWS = [
    pytest.param(fm.merged_village_roster, fm.MERGED_ROWS, "C", id="merged"),
    pytest.param(
        fm.merged_village_roster_libreoffice, fm.MERGED_ROWS, "C", id="merged-lo", marks=ff.needs_libreoffice
    ),
    pytest.param(fm.roster_without_kind_words, fm.BARE_ROWS, "B", id="bare"),
    pytest.param(fm.roster_with_sections, fm.SECTION_ROWS, "B", id="sections"),
    pytest.param(fm.roster_with_column_numbers, fm.NUMBERED_ROWS, "B", id="numbered"),
    pytest.param(
        fm.roster_with_column_numbers_libreoffice,
        fm.NUMBERED_ROWS,
        "B",
        id="numbered-lo",
        marks=ff.needs_libreoffice,
    ),
]


@pytest.mark.parametrize(("make", "rows", "column"), NAMED_ROWS)
def test_people_are_on_the_rows_the_tests_name(make, rows, column):
    ws = openpyxl.load_workbook(io.BytesIO(make())).active
    assert {name: ws[f"{column}{row}"].value for name, row in rows.items()} == {name: name for name in rows}
    assert ws.max_row == max(rows.values())


@pytest.mark.parametrize(
    "make",
    [
        fm.merged_village_roster,
        pytest.param(fm.merged_village_roster_libreoffice, marks=ff.needs_libreoffice),
    ],
)
def test_merged_file_has_its_village_once_per_merge(make):
    ws = openpyxl.load_workbook(io.BytesIO(make())).active
    assert {str(r) for r in ws.merged_cells.ranges} >= fm.MERGED_RANGES
    assert [ws[f"B{row}"].value for row in range(7, 14)] == [
        "Tổ dân phố Cốc Lếu",
        None,
        None,
        None,
        "Tổ dân phố Kim Tân",
        None,
        None,
    ]
    assert ws["I7"].value == "02647" and ws["I8"].value is None


@pytest.mark.parametrize(
    "make", [fm.signed_roster, pytest.param(fm.signed_roster_libreoffice, marks=ff.needs_libreoffice)]
)
def test_signed_file_has_the_block_under_the_table(make):
    ws = openpyxl.load_workbook(io.BytesIO(make())).active
    assert all(cell.value is None for cell in ws[11])
    assert (ws["B13"].value, ws["F13"].value, ws["F14"].value) == (
        "Người lập biểu",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    )
    assert {name: ws[cell].value for name, cell in fm.SIGNERS.items()} == {name: name for name in fm.SIGNERS}
    assert ws.max_row == 19


def test_sections_file_has_its_headings():
    ws = openpyxl.load_workbook(io.BytesIO(fm.roster_with_sections())).active
    assert (ws["B4"].value, ws["A7"].value, ws["B7"].value, ws["A10"].value) == (
        "I. THÔN NA LANG",
        "II",
        "Tổ dân phố Cốc Lếu",
        "III. TỔ DÂN PHỐ KIM TÂN",
    )
    assert "A10:G10" in {str(r) for r in ws.merged_cells.ranges}
    assert (ws["A5"].value, ws["A8"].value, ws["A11"].value) == (1, 1, 1)


@pytest.mark.parametrize(
    ("make", "numbers"),
    [
        pytest.param(lambda: fm.roster_with_column_numbers("text"), ["(1)", "(2)"], id="text"),
        pytest.param(lambda: fm.roster_with_column_numbers("int"), [1, 2], id="int"),
        pytest.param(fm.roster_with_column_numbers_libreoffice, [1, 2], id="lo", marks=ff.needs_libreoffice),
    ],
)
def test_numbered_file_breaks_its_header_lines(make, numbers):
    ws = openpyxl.load_workbook(io.BytesIO(make())).active
    assert [ws.cell(3, col).value for col in range(1, 10)] == fm.NUMBERED_HEADERS
    assert [ws["A4"].value, ws["B4"].value] == numbers


def test_extra_sheets_files():
    wb = openpyxl.load_workbook(io.BytesIO(fm.roster_after_empty_sheet()))
    assert wb.sheetnames == ["Sheet1", fm.ROSTER_SHEET, "Sheet2"]
    assert wb.active.title == "Sheet1" and wb["Sheet1"].max_row == 1 and wb["Sheet1"]["A1"].value is None
    wb = openpyxl.load_workbook(io.BytesIO(fm.roster_after_hidden_old_sheet()))
    assert wb.sheetnames == ["Sheet1", fm.OLD_SHEET, fm.ROSTER_SHEET]
    assert [ws.sheet_state for ws in wb] == ["visible", "hidden", "visible"]
    assert wb[fm.OLD_SHEET]["B3"].value == "Lò Văn Cũ"
