"""Village lists as communes really send them (built in teams/tests/field_files), against the contract of
read_villages / import_villages."""

import re

import pytest

from tocns.core.excel import ImportFileError, MissingColumns
from tocns.teams.tests import field_files as ff
from tocns.units.models import Unit, UnitKind
from tocns.units.village_import import import_villages, read_villages


def by_name(rows):
    found = {}
    for row in rows:
        assert row.name not in found, f"{row.name} read twice"
        found[row.name] = row
    return found


def check_rows(rows, table, row_numbers):
    """table: name -> (commune, households); every row as the table says, on the row Excel shows."""
    rows = by_name(rows)
    assert set(rows) == set(table)
    got = {name: (row.commune.pk, row.households, row.row) for name, row in rows.items()}
    want = {
        name: (commune.pk, households, row_numbers[name]) for name, (commune, households) in table.items()
    }
    assert got == want, "(commune id, households, row) per village"


def check_units(table):
    """What import_villages wrote: a current village under its commune with its households."""
    got, want = {}, {}
    for name, (commune, households) in table.items():
        unit = Unit.objects.get(name=name, parent=commune)
        got[name] = (unit.kind, unit.households, unit.path.startswith(commune.path), unit.is_current)
        want[name] = (UnitKind.VILLAGE, households, True, True)
    assert got == want


def error_on(result, row, *fragments):
    messages = [e.message for e in result.errors if e.row == row]
    assert messages, f"no error on row {row}; errors: {[(e.row, e.message) for e in result.errors]}"
    # The message may start with the column ("Cột C (Mã xã): …"), so letters' case is not compared.
    assert any(all(f.casefold() in m.casefold() for f in fragments) for m in messages), (
        f"row {row}: no message with {fragments}: {messages}"
    )


def ignored(result):
    """The columns reported as not used, less the row numbers (STT), which a parser may or may not list."""
    return {c.letter: c.header for c in result.ignored_columns if c.header.strip().upper() != "STT"}


# --- the official form, communes by name, as openpyxl made it and as LibreOffice re-saved it -------------

formal_files = pytest.mark.parametrize(
    "make",
    [
        pytest.param(ff.formal_villages, id="openpyxl"),
        pytest.param(ff.formal_villages_libreoffice, id="libreoffice", marks=ff.needs_libreoffice),
    ],
)


def formal_new(tree):
    return {
        "Thôn Pả Sín": (tree.muong_khuong, 120),
        "Thôn Sảng Chải": (tree.muong_khuong, 85),
        "Tổ dân phố Duyên Hải": (tree.phuong_lao_cai, 410),
    }


@formal_files
def test_formal_villages_preview(make, tree):
    data = make()
    before = Unit.objects.count()

    result = read_villages(data)

    assert Unit.objects.count() == before
    assert Unit.objects.get(pk=tree.na_lang.pk).households == 95
    assert [(e.row, e.message) for e in result.errors] == []
    check_rows(result.to_create, formal_new(tree), ff.FORMAL_VILLAGE_ROWS)
    check_rows(result.to_update, {"Thôn Na Lang": (tree.muong_khuong, 97)}, ff.FORMAL_VILLAGE_ROWS)
    assert ignored(result) == {"E": "Ghi chú"}
    assert result.sheet_name == "Thôn"


@formal_files
def test_formal_villages_import(make, tree):
    before = Unit.objects.count()

    result = import_villages(make())

    assert result.written is True
    assert Unit.objects.count() == before + 3
    check_units(formal_new(tree) | {"Thôn Na Lang": (tree.muong_khuong, 97)})


# --- a CSV by commune code opened in LibreOffice: 2953 and 721 for 02953 and 00721 -----------------------


@ff.needs_libreoffice
def test_csv_through_libreoffice(tree):
    data = ff.villages_from_csv()
    before = Unit.objects.count()
    new = {"Thôn Lùng Vai": (tree.muong_khuong, 140), "Thôn Sủng Là": (tree.dong_van, 210)}

    result = read_villages(data)

    assert Unit.objects.count() == before
    assert [(e.row, e.message) for e in result.errors] == []
    check_rows(result.to_create, new, ff.CSV_VILLAGE_ROWS)
    check_rows(result.to_update, {"Thôn Lũng Cú": (tree.dong_van, 152)}, ff.CSV_VILLAGE_ROWS)
    assert ignored(result) == {"D": "Địa chỉ"}

    written = import_villages(data)

    assert written.written is True
    assert Unit.objects.count() == before + 2
    check_units(new | {"Thôn Lũng Cú": (tree.dong_van, 152)})


# --- a commune officer's own list, with no commune column ----------------------------------------------


def test_own_commune_list(tree):
    data = ff.own_commune_villages()
    before = Unit.objects.count()
    scope = [tree.muong_khuong.path]

    result = read_villages(data, allowed_paths=scope)

    assert Unit.objects.count() == before
    assert [(e.row, e.message) for e in result.errors] == []
    check_rows(result.to_create, {"Thôn Tả Lù": (tree.muong_khuong, 64)}, ff.OWN_COMMUNE_ROWS)
    assert result.to_update == []  # Na Lang already has 95 households

    written = import_villages(data, allowed_paths=scope)

    assert written.written is True
    assert Unit.objects.count() == before + 1
    check_units({"Thôn Tả Lù": (tree.muong_khuong, 64), "Thôn Na Lang": (tree.muong_khuong, 95)})


def test_list_without_commune_column_needs_one_commune(tree):
    """A province officer's (or an admin's) file must say the commune: it cannot be guessed."""
    before = Unit.objects.count()

    with pytest.raises(MissingColumns) as caught:
        read_villages(ff.own_commune_villages(), allowed_paths=[tree.lao_cai.path])

    assert isinstance(caught.value, ImportFileError)
    assert Unit.objects.count() == before


# --- names only: the households column is optional -----------------------------------------------------


def test_names_only(tree):
    data = ff.village_names_only()
    before = Unit.objects.count()

    result = read_villages(data)

    assert Unit.objects.count() == before
    assert [(e.row, e.message) for e in result.errors] == []
    check_rows(result.to_create, {"Thôn Cốc Phương": (tree.muong_khuong, None)}, ff.NAMES_ONLY_ROWS)
    assert ignored(result) == {}

    written = import_villages(data)

    assert written.written is True
    check_units({"Thôn Cốc Phương": (tree.muong_khuong, None)})


# --- mistakes --------------------------------------------------------------------------------------------

BAD = {"Thôn Mã Tuyển", "Thôn Tung Chung Phố", "Thôn Sín Chải"}


def test_mistakes_are_named_by_row_column_and_value(tree):
    before = Unit.objects.count()
    rows = ff.BAD_VILLAGE_ROWS

    result = read_villages(ff.villages_with_mistakes())

    assert Unit.objects.count() == before
    error_on(result, rows["Thôn Mã Tuyển"], "cột C (Mã xã)", "“99999”")
    error_on(result, rows["Thôn Tung Chung Phố"], "cột D (Số hộ)", "“khoảng 100”")
    error_on(result, rows["Thôn Sín Chải"], "cột D (Số hộ)", "“-5”")
    assert {e.row for e in result.errors} == {rows[name] for name in BAD}
    check_rows(result.to_create, {"Thôn Lao Chải": (tree.muong_khuong, 88)}, rows)


def test_mistakes_block_the_whole_import(tree):
    before = Unit.objects.count()

    result = import_villages(ff.villages_with_mistakes())

    assert result.written is False
    assert Unit.objects.count() == before


def test_mistakes_skipped_when_asked(tree):
    before = Unit.objects.count()

    result = import_villages(ff.villages_with_mistakes(), skip_bad_rows=True)

    assert result.written is True
    assert Unit.objects.count() == before + 1
    check_units({"Thôn Lao Chải": (tree.muong_khuong, 88)})
    assert not Unit.objects.filter(name__in=BAD).exists()


def test_commune_outside_the_officers_scope(tree):
    """Phường Lào Cai's officer sends the Mường Khương form: every Mường Khương row is refused by name."""
    before = Unit.objects.count()
    rows = ff.FORMAL_VILLAGE_ROWS

    result = read_villages(ff.formal_villages(), allowed_paths=[tree.phuong_lao_cai.path])

    assert Unit.objects.count() == before
    for name in ("Thôn Pả Sín", "Thôn Sảng Chải", "Thôn Na Lang"):
        error_on(result, rows[name], "cột C (Xã)", "“Xã Mường Khương”")
    check_rows(result.to_create, {"Tổ dân phố Duyên Hải": (tree.phuong_lao_cai, 410)}, rows)


# --- whole files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "words"),
    [
        pytest.param(ff.empty_workbook, "trống", id="empty-workbook"),
        pytest.param(ff.docx_renamed, "không phải (là )?tệp Excel", id="docx-renamed"),
        pytest.param(ff.password_protected, "mật khẩu", id="password"),
    ],
)
def test_whole_file_problems(make, words, tree):
    before = Unit.objects.count()

    for attempt in (read_villages, import_villages):
        with pytest.raises(ImportFileError) as caught:
            attempt(make())
        assert re.search(words, str(caught.value)), str(caught.value)
    assert Unit.objects.count() == before
