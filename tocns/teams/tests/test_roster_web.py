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
