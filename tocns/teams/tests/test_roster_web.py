import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tocns.conftest import xlsx_bytes
from tocns.teams.models import Member

HEADER = ["Mã xã", "Thôn", "Tên tổ", "Họ và tên", "Vai trò", "Số điện thoại", "Năm sinh"]


def upload(client, rows):
    return client.post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", xlsx_bytes(rows))})


def test_officer_previews_then_imports_a_roster(tree, rosters, client_for):
    client = client_for("commune_officer")
    response = upload(
        client, [HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa", "Tổ trưởng", "0977000111", 1990]]
    )
    assert "Kết quả kiểm tra (chưa ghi gì)" in response.text and "Đỗ Thị Hoa" in response.text
    assert not Member.objects.filter(full_name="Đỗ Thị Hoa").exists()
    done = client.post("/to/nhap/xac-nhan/", follow=True)
    assert "thêm mới 1 thành viên" in done.text
    assert Member.objects.get(full_name="Đỗ Thị Hoa").team.unit == tree.kim_tan


def test_a_commune_officer_cannot_import_into_another_commune(tree, rosters, client_for):
    client = client_for("commune_officer")
    response = upload(client, [HEADER, ["00721", "Thôn Lũng Cú", "", "Người Lạ", "Thành viên", "", 1990]])
    assert "dòng lỗi" in response.text
    client.post("/to/nhap/xac-nhan/", {"skip_bad_rows": "1"})
    assert not Member.objects.filter(full_name="Người Lạ").exists()


def test_export_contains_only_the_units_roster_and_reimports_unchanged(tree, rosters, client_for):
    client = client_for("commune_officer")
    response = client.get(f"/don-vi/{tree.phuong_lao_cai.code}/danh-sach-thanh-vien.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    name_column = rows[0].index("Họ và tên")
    names = [row[name_column] for row in rows[1:]]
    assert sorted(names) == ["Lò Thị Mai", "Nguyễn Văn Tổ"]
    preview = client.post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", response.content)})
    result = preview.context["result"]
    assert (len(result.to_create), len(result.to_update), result.unchanged, len(result.errors)) == (
        0,
        0,
        2,
        0,
    )


def test_outsider_cannot_export_another_provinces_roster(tree, rosters, client_for):
    response = client_for("outsider").get(f"/don-vi/{tree.phuong_lao_cai.code}/danh-sach-thanh-vien.xlsx")
    assert response.status_code == 404


def test_an_unrecognised_name_column_is_chosen_by_the_officer_and_remembered(tree, rosters, client_for):
    from tocns.core.models import ColumnChoice

    client = client_for("commune_officer")
    rows = [
        ["DANH SÁCH TỔ CNS", None, None],
        ["Mã xã", "Thôn", "Người tham gia"],
        ["02647", "Tổ dân phố Kim Tân", "Đỗ Thị Hoa"],
    ]
    asked = upload(client, rows)
    choose = asked.context["choose"]
    assert [key for key, _label in choose.missing] == ["full_name"]
    assert ("C", "Người tham gia") in choose.headers
    assert "Cột nào là “Họ và tên”?" in asked.text and "Cột C: Người tham gia" in asked.text
    assert "result" not in asked.context

    preview = client.post("/to/nhap/", {"choose": "1", "col_full_name": "C"})
    assert [r.full_name for r in preview.context["result"].to_create] == ["Đỗ Thị Hoa"]
    assert (
        ColumnChoice.objects.filter(kind="roster", header="nguoi tham gia", column="full_name").count() == 1
    )
    client.post("/to/nhap/xac-nhan/")
    assert Member.objects.get(full_name="Đỗ Thị Hoa").team.unit == tree.kim_tan

    # The next file with that header is read straight away.
    rows[2] = ["02647", "Tổ dân phố Kim Tân", "Lý Văn Sáu"]
    again = upload(client, rows)
    assert "choose" not in again.context
    assert [r.full_name for r in again.context["result"].to_create] == ["Lý Văn Sáu"]


def test_a_choice_of_a_column_that_does_not_exist_asks_again(tree, rosters, client_for):
    client = client_for("commune_officer")
    upload(client, [["Mã xã", "Thôn", "Người tham gia"], ["02647", "Tổ dân phố Kim Tân", "Đỗ Thị Hoa"]])
    again = client.post("/to/nhap/", {"choose": "1", "col_full_name": "ZZZZ"})
    assert again.status_code == 200 and "choose" in again.context


def test_missing_villages_are_offered_and_created_with_their_team_and_members(tree, rosters, client_for):
    from tocns.units.models import Unit

    client = client_for("commune_officer")
    rows = [HEADER, ["02647", "Tổ dân phố Bắc Cường", "", "Đỗ Thị Hoa", "Tổ trưởng", "0977000111", 1990]]
    first = upload(client, rows)
    result = first.context["result"]
    assert [(c.code, name) for c, name in result.villages_to_create] == [("02647", "Tổ dân phố Bắc Cường")]
    assert "Tạo các thôn này cùng lần nhập" in first.text and result.errors

    second = client.post("/to/nhap/", {"create_villages": "1"})
    result = second.context["result"]
    assert not result.errors and [r.full_name for r in result.to_create] == ["Đỗ Thị Hoa"]
    assert "Tạo các thôn này cùng lần nhập" not in second.text and "Thôn sẽ được tạo mới" in second.text
    assert not Unit.objects.filter(name="Tổ dân phố Bắc Cường").exists()

    client.post("/to/nhap/xac-nhan/")
    village = Unit.objects.get(name="Tổ dân phố Bắc Cường")
    assert village.parent == tree.phuong_lao_cai and village.code.startswith("02647-")
    member = Member.objects.get(full_name="Đỗ Thị Hoa")
    assert member.team.unit == village and member.role == "leader"


def test_rejected_rows_come_back_as_the_file_had_them_with_the_reason(tree, rosters, client_for):
    client = client_for("commune_officer")
    rows = [
        ["UBND PHƯỜNG LÀO CAI", None, None, None, None, None, None, None],
        [*HEADER, "Ghi chú"],
        ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa", "Tổ trưởng", "0977000111", 1990, "tốt"],
        ["02647", "Tổ dân phố Kim Tân", "", "Lý Văn Sáu", "Thành viên", "0912 345 67", 1985, "gọi lại"],
    ]
    preview = upload(client, rows)
    assert [e.row for e in preview.context["result"].errors] == [4]
    assert "Tải các dòng lỗi" in preview.text
    done = client.post("/to/nhap/xac-nhan/", {"skip_bad_rows": "1"}, follow=True)
    assert "bỏ qua 1 dòng lỗi" in done.text and "Tải các dòng lỗi (.xlsx)" in done.text
    download = client.get("/to/nhap/dong-loi.xlsx")
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
    got = list(sheet.iter_rows(values_only=True))
    assert got[0] == (*HEADER, "Ghi chú", "Lỗi cần sửa")
    assert got[1][:8] == (
        "02647",
        "Tổ dân phố Kim Tân",
        None,
        "Lý Văn Sáu",
        "Thành viên",
        "0912 345 67",
        1985,
        "gọi lại",
    )
    assert got[1][8].startswith("Cột F (Số điện thoại): “0912 345 67”")
    assert len(got) == 2
    # Fixed in place and sent back: the reason column is ignored, the row imports.
    fixed = [list(got[0][:8]), [*got[1][:5], "0912345670", *got[1][6:8]]]
    again = upload(client, fixed)
    assert [r.full_name for r in again.context["result"].to_create] == ["Lý Văn Sáu"]
    # Another user's session has no such file.
    assert client_for("province_officer").get("/to/nhap/dong-loi.xlsx").status_code == 404


def test_a_file_that_changes_nothing_says_so_and_offers_no_import(tree, rosters, client_for):
    client = client_for("commune_officer")
    rows = [HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa", "Tổ trưởng", "0977000111", 1990]]
    upload(client, rows)
    client.post("/to/nhap/xac-nhan/")
    again = upload(client, rows)
    assert again.context["result"].nothing_to_write
    assert "Tệp không có gì mới" in again.text and "/to/nhap/xac-nhan/" not in again.text
