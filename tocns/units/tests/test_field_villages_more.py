"""More village lists as communes send them (built in teams/tests/field_files_more): a total row under the
table, a signature block, villages without "Thôn" / "Tổ dân phố", and the same list imported twice."""

import io

import openpyxl
import pytest

from tocns.teams.tests import field_files as ff
from tocns.teams.tests import field_files_more as fm
from tocns.units.models import Unit
from tocns.units.tests.test_field_villages import check_rows, check_units, ignored
from tocns.units.village_import import import_villages, read_villages

TOTAL_WORDS = ("Tổng cộng", "Cộng", "TỔNG")


def no_errors(result):
    errors = [(e.row, e.message) for e in result.errors]
    assert errors == [], "\n".join(f"row {row}: {message}" for row, message in errors)


def not_read(result, *words):
    """None of ``words`` (a total, a signature) became a village, an error or a warning."""
    names = {row.name for row in result.to_create + result.to_update}
    assert not {n.casefold() for n in names} & {w.casefold() for w in words}, names
    assert not [e for e in result.errors if e.row >= fm.TOTAL_ROW]
    messages = [(e.row, e.message) for e in result.errors + result.warnings]
    assert not [m for m in messages if any(w.casefold() in m[1].casefold() for w in words)], messages
    assert not [m for m in messages if str(fm.TOTAL_HOUSEHOLDS) in m[1]], messages


# --- 3. a total row at the bottom ------------------------------------------------------------------------


def total_new(tree):
    return {
        "Thôn Pả Sín": (tree.muong_khuong, 120),
        "Thôn Sảng Chải": (tree.muong_khuong, 85),
        "Thôn Tả Lù": (tree.muong_khuong, 64),
    }


total_files = pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: fm.villages_with_total("Tổng cộng"), id="tong-cong-in-B"),
        pytest.param(lambda: fm.villages_with_total("TỔNG"), id="TONG-in-B"),
        pytest.param(lambda: fm.villages_with_total("Cộng", merged=True), id="cong-merged-A-C"),
        pytest.param(lambda: fm.villages_with_total("Tổng cộng", signed=True), id="tong-cong-signed"),
        pytest.param(
            fm.villages_with_total_libreoffice,
            id="cong-merged-sum-signed-libreoffice",
            marks=ff.needs_libreoffice,
        ),
    ],
)


@total_files
def test_total_row_preview(make, tree):
    data = make()
    before = Unit.objects.count()

    result = read_villages(data)

    assert Unit.objects.count() == before
    assert Unit.objects.get(pk=tree.na_lang.pk).households == 95
    no_errors(result)
    check_rows(result.to_create, total_new(tree), fm.TOTAL_VILLAGE_ROWS)
    check_rows(result.to_update, {"Thôn Na Lang": (tree.muong_khuong, 97)}, fm.TOTAL_VILLAGE_ROWS)
    not_read(result, *TOTAL_WORDS, "Người lập biểu", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", *fm.VILLAGE_SIGNERS)
    assert ignored(result) == {"E": "Ghi chú"}


@total_files
def test_total_row_import(make, tree):
    before = Unit.objects.count()

    result = import_villages(make())

    assert result.written is True, [(e.row, e.message) for e in result.errors]
    assert Unit.objects.count() == before + 3
    check_units(total_new(tree) | {"Thôn Na Lang": (tree.muong_khuong, 97)})
    assert not Unit.objects.filter(name__in=[*TOTAL_WORDS, "Người lập biểu", *fm.VILLAGE_SIGNERS]).exists()
    assert not Unit.objects.filter(households=fm.TOTAL_HOUSEHOLDS).exists()


@total_files
def test_total_row_import_skipping_bad_rows(make, tree):
    """Even with "skip the bad rows" ticked, the total is not a village."""
    before = Unit.objects.count()

    result = import_villages(make(), skip_bad_rows=True)

    assert result.written is True, [(e.row, e.message) for e in result.errors]
    assert Unit.objects.count() == before + 3
    assert set(Unit.objects.filter(parent=tree.muong_khuong).values_list("name", flat=True)) == set(
        fm.TOTAL_VILLAGE_ROWS
    )


def test_total_row_in_the_officers_own_list(tree):
    """A commune officer's list (the commune column left out of scope) with "Tổng cộng" at the bottom."""
    before = Unit.objects.count()

    result = read_villages(fm.villages_with_total("Tổng cộng"), allowed_paths=[tree.muong_khuong.path])

    assert Unit.objects.count() == before
    no_errors(result)
    check_rows(result.to_create, total_new(tree), fm.TOTAL_VILLAGE_ROWS)
    not_read(result, *TOTAL_WORDS)


# --- 4. villages without "Thôn" / "Tổ dân phố" ----------------------------------------------------------------


def test_villages_without_kind_word(tree):
    data = fm.villages_without_kind_words()
    before = Unit.objects.count()

    result = read_villages(data)

    assert Unit.objects.count() == before
    no_errors(result)
    assert result.to_create == []
    updates = {row.row: (row.commune.pk, row.households) for row in result.to_update}
    assert updates == {
        fm.BARE_VILLAGE_ROWS["Na Lang"]: (tree.muong_khuong.pk, 97),
        fm.BARE_VILLAGE_ROWS["Kim Tân"]: (tree.phuong_lao_cai.pk, 281),
    }
    assert result.unchanged == 1  # Cốc Lếu, 320 as the platform has it

    written = import_villages(data)

    assert written.written is True, [(e.row, e.message) for e in written.errors]
    assert Unit.objects.count() == before
    check_units(
        {
            "Thôn Na Lang": (tree.muong_khuong, 97),
            "Tổ dân phố Kim Tân": (tree.phuong_lao_cai, 281),
            "Tổ dân phố Cốc Lếu": (tree.phuong_lao_cai, 320),
        }
    )
    assert not Unit.objects.filter(name__in=list(fm.BARE_VILLAGE_ROWS)).exists()


# --- 8. the same list imported again ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "villages"),
    [
        pytest.param(ff.formal_villages, 4, id="formal"),
        pytest.param(lambda: fm.villages_with_total("Tổng cộng"), 4, id="with-total"),
        pytest.param(fm.villages_without_kind_words, 3, id="without-kind-word"),
        pytest.param(ff.villages_from_csv, 3, id="csv-libreoffice", marks=ff.needs_libreoffice),
    ],
)
def test_same_list_again_changes_nothing(make, villages, tree):
    data = make()
    first = import_villages(data)
    assert first.written is True, [(e.row, e.message) for e in first.errors]
    before = sorted(Unit.objects.values_list())

    again = read_villages(data)

    assert again.nothing_to_write is True
    assert (again.to_create, again.to_update) == ([], [])
    assert again.unchanged == villages
    no_errors(again)

    import_villages(data)

    assert sorted(Unit.objects.values_list()) == before


# --- the files themselves -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "word", "cell", "last"),
    [
        pytest.param(lambda: fm.villages_with_total("Tổng cộng"), "Tổng cộng", "B11", 11, id="in-B"),
        pytest.param(lambda: fm.villages_with_total("Cộng", merged=True), "Cộng", "A11", 11, id="merged"),
        pytest.param(
            lambda: fm.villages_with_total("Tổng cộng", signed=True), "Tổng cộng", "B11", 18, id="signed"
        ),
        pytest.param(
            fm.villages_with_total_libreoffice, "Cộng", "A11", 18, id="lo", marks=ff.needs_libreoffice
        ),
    ],
)
def test_total_files_as_described(make, word, cell, last):
    ws = openpyxl.load_workbook(io.BytesIO(make()), data_only=True).active
    assert {name: ws[f"B{row}"].value for name, row in fm.TOTAL_VILLAGE_ROWS.items()} == {
        name: name for name in fm.TOTAL_VILLAGE_ROWS
    }
    assert (ws[cell].value, ws["D11"].value) == (word, fm.TOTAL_HOUSEHOLDS)
    assert ws.max_row == last


def test_villages_without_kind_word_file():
    ws = openpyxl.load_workbook(io.BytesIO(fm.villages_without_kind_words())).active
    assert {name: ws[f"B{row}"].value for name, row in fm.BARE_VILLAGE_ROWS.items()} == {
        name: name for name in fm.BARE_VILLAGE_ROWS
    }
