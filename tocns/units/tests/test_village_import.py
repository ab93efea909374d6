import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tocns.audit.models import AuditEntry
from tocns.conftest import xlsx_bytes
from tocns.core.excel import ImportFileError
from tocns.units.models import Unit, UnitKind
from tocns.units.village_import import apply_villages, read_villages

HEADER = ["Mã xã", "Tên thôn", "Số hộ"]


def villages_of(unit):
    return set(Unit.objects.filter(parent=unit, kind=UnitKind.VILLAGE).values_list("name", flat=True))


def test_good_file_creates_villages_and_reimport_creates_no_duplicates(tree, people):
    data = xlsx_bytes(
        [HEADER, ["02953", "Thôn Pha Long", 120], [2953, "Bản Sả Hồ", "85"], ["02953", "Thôn Na Lang", 99]]
    )
    result = apply_villages(read_villages(data), actor=people.commune_officer)
    assert result.written
    assert (len(result.to_create), len(result.to_update), result.unchanged) == (2, 1, 0)
    assert villages_of(tree.muong_khuong) == {"Thôn Na Lang", "Thôn Pha Long", "Bản Sả Hồ"}
    pha_long = Unit.objects.get(name="Thôn Pha Long")
    assert (
        pha_long.code == "02953-002"
        and pha_long.households == 120
        and pha_long.path == "/15/02953/02953-002/"
    )
    tree.na_lang.refresh_from_db()
    assert tree.na_lang.households == 99
    assert AuditEntry.objects.filter(action="import").count() == 3

    again = apply_villages(read_villages(data))
    assert (len(again.to_create), len(again.to_update), again.unchanged) == (0, 0, 3)
    assert Unit.objects.filter(parent=tree.muong_khuong).count() == 3


def test_header_matching_ignores_case_diacritics_and_column_order(tree):
    data = xlsx_bytes([["so ho", "GHI CHÚ", "TEN THON", "ma xa"], [50, "x", "Thôn Mới", "02953"]])
    result = read_villages(data)
    assert not result.errors
    assert [(r.name, r.households, r.commune) for r in result.to_create] == [
        ("Thôn Mới", 50, tree.muong_khuong)
    ]


def test_bad_rows_stop_everything_and_are_named_by_row(tree):
    data = xlsx_bytes(
        [
            HEADER,
            ["02953", "Thôn Tốt", 10],
            ["99999", "Thôn Ma", 10],
            ["02953", "", 10],
            ["02953", "Thôn Âm", -5],
            ["02953", "thon tot", 3],
            [None, None, None],
            ["", "Thôn Không Mã", 1],
        ]
    )
    result = read_villages(data)
    messages = {e.row: e.message for e in result.errors}
    assert set(messages) == {3, 4, 5, 6, 8}
    assert messages[3] == "Cột A (Mã xã): không có xã/phường/đặc khu nào mang mã “99999”"
    assert "Cột B (Tên thôn): thiếu tên thôn" in messages[4]
    assert "số nguyên từ 0 đến 100.000" in messages[5]
    assert "dòng 2" in messages[6]
    assert "Thiếu mã xã" in messages[8]
    apply_villages(result)
    assert not result.written
    assert villages_of(tree.muong_khuong) == {"Thôn Na Lang"}

    apply_villages(read_villages(data), skip_bad_rows=True)
    assert villages_of(tree.muong_khuong) == {"Thôn Na Lang", "Thôn Tốt"}


def test_rows_outside_the_users_communes_are_errors(tree):
    data = xlsx_bytes([HEADER, ["00721", "Thôn Lạ", 10], ["02647", "Tổ 5", 10]])
    result = read_villages(data, allowed_paths=[tree.phuong_lao_cai.path])
    assert [e.row for e in result.errors] == [2]
    assert "không thuộc phạm vi" in result.errors[0].message


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Tệp trống"),
        (b"ma xa,ten thon,so ho\n02953,Thon A,1\n", "không phải là tệp Excel .xlsx"),
        (b"PK\x03\x04 not really a zip", "không phải là tệp Excel .xlsx"),
        (xlsx_bytes([]), "Tệp trống"),
        (xlsx_bytes([HEADER]), "không có dòng dữ liệu"),
        (
            xlsx_bytes([["Tỉnh", "Huyện", "Ghi chú"], ["15", "Bắc Hà", 1]]),
            "Thiếu cột: Mã xã hoặc Xã, Thôn",
        ),
        (xlsx_bytes([["Mã xã", "Số hộ"], ["02953", 12]]), "Thiếu cột: Thôn"),
    ],
    ids=["empty-bytes", "csv", "fake-zip", "empty-sheet", "header-only", "wrong-headers", "missing-column"],
)
def test_unreadable_files_are_refused_with_a_vietnamese_reason(tree, data, message):
    with pytest.raises(ImportFileError) as error:
        read_villages(data)
    assert message in str(error.value)


def test_command_dry_run_writes_nothing_and_reports(tree, tmp_path, capsys):
    path = tmp_path / "thon.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, ["02953", "Thôn Pha Long", 120]]))
    call_command("import_villages", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "thêm mới 1" in out and "Chạy thử" in out
    assert villages_of(tree.muong_khuong) == {"Thôn Na Lang"}
    call_command("import_villages", str(path))
    assert villages_of(tree.muong_khuong) == {"Thôn Na Lang", "Thôn Pha Long"}


def test_command_refuses_a_file_with_bad_rows_unless_told_to_skip(tree, tmp_path, capsys):
    path = tmp_path / "thon.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, ["02953", "Thôn Pha Long", 120], ["02953", "Thôn Xấu", "nhiều"]]))
    with pytest.raises(CommandError, match="--skip-bad-rows"):
        call_command("import_villages", str(path))
    assert "Dòng 3" in capsys.readouterr().err
    assert villages_of(tree.muong_khuong) == {"Thôn Na Lang"}
    call_command("import_villages", str(path), "--skip-bad-rows")
    assert villages_of(tree.muong_khuong) == {"Thôn Na Lang", "Thôn Pha Long"}


def test_command_explains_an_unreadable_file(tree, tmp_path):
    path = tmp_path / "thon.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="Tệp trống"):
        call_command("import_villages", str(path))
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_villages", str(tmp_path / "khong-co.xlsx"))


def test_template_download_has_the_expected_columns(client_for, tree):
    response = client_for("commune_officer").get("/don-vi/nhap-thon/mau.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER


def upload(client, rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("thon.xlsx", xlsx_bytes(rows))
    return client.post("/don-vi/nhap-thon/", {"file": file})


def test_web_preview_then_confirm(tree, client_for):
    client = client_for("commune_officer")
    response = upload(client, [HEADER, ["02647", "Tổ dân phố Phố Mới", 210]])
    assert response.status_code == 200
    assert "Kết quả kiểm tra (chưa ghi gì)" in response.text
    assert "Tổ dân phố Phố Mới" in response.text
    assert villages_of(tree.phuong_lao_cai) == {"Tổ dân phố Cốc Lếu", "Tổ dân phố Kim Tân"}
    response = client.post("/don-vi/nhap-thon/xac-nhan/", follow=True)
    assert "thêm mới 1 thôn" in response.text
    assert "Tổ dân phố Phố Mới" in villages_of(tree.phuong_lao_cai)


def test_web_with_bad_rows_writes_only_when_the_user_chooses_good_rows(tree, client_for):
    client = client_for("commune_officer")
    rows = [HEADER, ["02647", "Tổ 10", 10], ["00721", "Thôn Ngoài Phạm Vi", 10]]
    response = upload(client, rows)
    assert "Dòng" in response.text and "không thuộc phạm vi" in response.text
    assert "Chỉ nhập 1 dòng hợp lệ" in response.text
    client.post("/don-vi/nhap-thon/xac-nhan/")
    assert "Tổ 10" not in villages_of(tree.phuong_lao_cai)
    upload(client, rows)
    client.post("/don-vi/nhap-thon/xac-nhan/", {"skip_bad_rows": "1"})
    assert "Tổ 10" in villages_of(tree.phuong_lao_cai)
    assert "Thôn Ngoài Phạm Vi" not in villages_of(tree.dong_van)


def test_web_refuses_a_non_excel_file(tree, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("commune_officer").post(
        "/don-vi/nhap-thon/", {"file": SimpleUploadedFile("thon.csv", b"ma xa,ten thon\n")}
    )
    assert response.status_code == 200
    assert "không phải là tệp Excel .xlsx" in response.text


def test_confirm_without_a_preview_asks_to_upload_again(tree, client_for):
    response = client_for("commune_officer").post("/don-vi/nhap-thon/xac-nhan/", follow=True)
    assert "Phiên nhập đã hết hạn" in response.text


def test_web_a_commune_officers_own_list_with_an_unknown_village_header_is_read_after_one_choice(
    tree, client_for
):
    """The list a commune keeps: a title, no commune column (it is theirs), the village column headed in a
    way the import does not know, a total row. The officer points at the column once."""
    client = client_for("commune_officer")
    rows = [
        ["UBND PHƯỜNG LÀO CAI", None, None],
        ["STT", "Địa bàn dân cư", "Số hộ dân"],
        [1, "Tổ dân phố Phố Mới", 210],
        [2, "Tổ dân phố Kim Tân", 305],
        ["Tổng cộng", None, 515],
    ]
    asked = upload(client, rows)
    assert [key for key, _label in asked.context["choose"].missing] == ["village_name"]
    preview = client.post("/don-vi/nhap-thon/", {"choose": "1", "col_village_name": "B"})
    result = preview.context["result"]
    assert [(r.commune, r.name, r.households) for r in result.to_create] == [
        (tree.phuong_lao_cai, "Tổ dân phố Phố Mới", 210)
    ]
    assert [r.existing for r in result.to_update] == [tree.kim_tan] and not result.errors
    assert [str(cell) for cell in result.ignored_columns] == ["A (STT)"]
    client.post("/don-vi/nhap-thon/xac-nhan/")
    assert "Tổ dân phố Phố Mới" in villages_of(tree.phuong_lao_cai)
    tree.kim_tan.refresh_from_db()
    assert tree.kim_tan.households == 305
    # Remembered: the next list with that header needs no choice.
    again = upload(client, rows)
    assert "choose" not in again.context and again.context["result"].nothing_to_write
