import pytest
from django.core.management import CommandError, call_command

from tocns.conftest import xlsx_bytes
from tocns.teams.models import Member
from tocns.teams.roster_import import HEADERS

GOOD = [
    "02647",
    None,
    "Tổ dân phố Kim Tân",
    None,
    "Hoàng Văn Nam",
    "Tổ trưởng",
    "0987654321",
    1980,
    None,
    "có",
]
GOOD_TOO = ["02647", None, "Tổ dân phố Kim Tân", None, "Lý Thị Hoa", None, None, 1995, None, None]
BAD = ["02647", None, "Tổ dân phố Kim Tân", None, "Người Xấu", None, "123", None, None, None]


def write(tmp_path, *rows):
    path = tmp_path / "thanh-vien.xlsx"
    path.write_bytes(xlsx_bytes([HEADERS, *rows]))
    return str(path)


def names():
    return set(Member.objects.values_list("full_name", flat=True))


def test_dry_run_reports_and_writes_nothing(tree, tmp_path, capsys):
    call_command("import_members", write(tmp_path, GOOD, GOOD_TOO), "--dry-run")
    out = capsys.readouterr().out
    assert "Đọc 2 dòng: thêm mới 2 thành viên, cập nhật 0, không đổi 0, lỗi 0; tổ mới 1." in out
    assert "Chạy thử: chưa ghi gì" in out
    assert names() == set()


def test_a_good_file_is_written_and_a_second_run_changes_nothing(tree, tmp_path, capsys):
    path = write(tmp_path, GOOD, GOOD_TOO)
    call_command("import_members", path)
    assert "Đã ghi vào cơ sở dữ liệu." in capsys.readouterr().out
    assert names() == {"Hoàng Văn Nam", "Lý Thị Hoa"}
    call_command("import_members", path)
    assert "thêm mới 0 thành viên, cập nhật 0, không đổi 2, lỗi 0; tổ mới 0." in capsys.readouterr().out
    assert Member.objects.count() == 2


def test_bad_rows_are_named_on_stderr_and_nothing_is_written(tree, tmp_path, capsys):
    path = write(tmp_path, GOOD, BAD)
    with pytest.raises(CommandError, match="--skip-bad-rows"):
        call_command("import_members", path)
    captured = capsys.readouterr()
    assert captured.err.startswith("Dòng 3: Cột G (Số điện thoại): “123” không phải số điện thoại hợp lệ")
    assert "lỗi 1" in captured.out
    assert names() == set()


def test_dry_run_with_bad_rows_lists_them_without_failing(tree, tmp_path, capsys):
    call_command("import_members", write(tmp_path, GOOD, BAD), "--dry-run")
    assert "Dòng 3:" in capsys.readouterr().err
    assert names() == set()


def test_skip_bad_rows_writes_the_good_ones(tree, tmp_path, capsys):
    call_command("import_members", write(tmp_path, GOOD, BAD, GOOD_TOO), "--skip-bad-rows")
    out = capsys.readouterr().out
    assert "Đã ghi vào cơ sở dữ liệu (bỏ qua 1 dòng lỗi)." in out
    assert names() == {"Hoàng Văn Nam", "Lý Thị Hoa"}


def test_an_unreadable_or_missing_file_is_explained(tree, tmp_path):
    path = tmp_path / "thanh-vien.xlsx"
    path.write_bytes(b"not an excel file")
    with pytest.raises(CommandError, match="không phải là tệp Excel .xlsx"):
        call_command("import_members", str(path))
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_members", str(tmp_path / "khong-co.xlsx"))


def test_villages_the_file_names_are_created_only_when_asked(tree, tmp_path, capsys):
    from tocns.units.models import Unit

    new_village = [
        "02647",
        None,
        "Tổ dân phố Bắc Cường",
        None,
        "Đỗ Thị Hoa",
        None,
        None,
        1990,
        "Hội người cao tuổi",
        None,
    ]
    path = write(tmp_path, new_village)
    with pytest.raises(CommandError):
        call_command("import_members", path)
    captured = capsys.readouterr()
    assert "Thôn chưa có: 1 (thêm --create-villages để tạo)." in captured.out
    assert "chưa có thôn “Tổ dân phố Bắc Cường”" in captured.err
    call_command("import_members", path, "--create-villages")
    captured = capsys.readouterr()
    assert "(được tạo)" in captured.out and "Dòng 2 (lưu ý, vẫn nhập)" in captured.err
    member = Member.objects.get(full_name="Đỗ Thị Hoa")
    assert member.team.unit == Unit.objects.get(name="Tổ dân phố Bắc Cường", parent=tree.phuong_lao_cai)
    assert member.affiliation_note == "Hội người cao tuổi"
