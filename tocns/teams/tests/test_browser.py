"""On a 360×740 phone: a team leader adds a member; a citizen opens a card's QR link."""

import io

import pytest

from tocns.browser import DESKTOP, PHONE, fits_width, sign_in
from tocns.conftest import PASSWORD, xlsx_bytes
from tocns.teams.models import Member

pytestmark = pytest.mark.browser


def test_team_leader_adds_a_member_on_a_phone(transactional_db, live_server, rosters, browser, shoot):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "0912345678", PASSWORD)
    page.goto(f"{live_server.url}/to/{rosters.coc_leu.pk}/")
    shoot(page, "team-phone")
    page.get_by_role("link", name="+ Thêm thành viên").click()
    page.get_by_label("Họ và tên").fill("Vàng Thị Dung")
    page.get_by_label("Số điện thoại", exact=False).first.fill("0966 123 456")
    page.get_by_label("Năm sinh").fill("1999")
    page.get_by_label("Có điện thoại thông minh").check()
    assert not page.get_by_label("Đồng ý hiển thị số điện thoại cho người dân").is_checked()
    assert fits_width(page)
    shoot(page, "member-form-phone")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{live_server.url}/to/{rosters.coc_leu.pk}/")
    assert "Vàng Thị Dung" in page.text_content("#roster")
    member = Member.objects.get(full_name="Vàng Thị Dung")
    assert (member.phone, member.birth_year, member.has_smartphone) == ("0966123456", 1999, True)
    context.close()


def test_a_citizen_opens_a_cards_qr_link_on_a_phone(transactional_db, live_server, rosters, browser, shoot):
    officer = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = officer.new_page()
    sign_in(page, live_server.url, "canbo.xa", PASSWORD)
    page.goto(f"{live_server.url}/to/{rosters.coc_leu.pk}/the/")
    assert page.locator(".card svg").count() == 2
    shoot(page, "cards-sheet")
    officer.close()

    citizen = browser.new_context(viewport=PHONE, locale="vi-VN")
    phone = citizen.new_page()
    phone.goto(f"{live_server.url}/xac-minh/{rosters.card_token}")
    verdict = phone.text_content("#verdict")
    assert "Thẻ hợp lệ" in verdict and "Lò Thị Mai" in verdict
    assert fits_width(phone)
    shoot(phone, "verify-current-phone")
    phone.goto(f"{live_server.url}/xac-minh/gia-mao-123")
    assert "Không tìm thấy thẻ" in phone.text_content("#verdict")
    shoot(phone, "verify-unknown-phone")
    citizen.close()


def test_roster_import_preview_with_errors(
    transactional_db, live_server, tree, rosters, browser, shoot, tmp_path
):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["Mã xã", "Thôn", "Họ và tên", "Vai trò", "Số điện thoại", "Năm sinh"],
                ["02647", "Tổ dân phố Kim Tân", "Đỗ Thị Hoa", "Tổ trưởng", "0977000111", 1990],
                ["02647", "Tổ dân phố Kim Tân", "Lý Văn Tài", "Tổ trưởng", "0977000112", 1985],
                ["02647", "Thôn Không Có", "Hà Văn Bình", "Thành viên", "123", 1980],
                ["02647", "Tổ dân phố Kim Tân", "", "Thành viên", "", 1980],
            ]
        )
    )
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "canbo.xa", PASSWORD)
    page.goto(f"{live_server.url}/to/nhap/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_selector("#errors")
    assert page.locator("#errors tbody tr").count() >= 3
    assert fits_width(page)
    shoot(page, "roster-import-errors-phone")
    context.close()


def test_column_choice_then_rejected_rows_download_on_a_phone(
    transactional_db, live_server, tree, rosters, browser, shoot, tmp_path
):
    """A commune's file whose name column the import does not know: the officer points at it on a phone,
    imports the good rows only, and downloads the rejected one to fix."""
    from openpyxl import load_workbook

    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["UBND PHƯỜNG LÀO CAI", None, None, None, None],
                ["DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG", None, None, None, None],
                ["Mã xã", "Thôn", "Người tham gia", "SĐT", "Ghi chú"],
                ["02647", "Tổ dân phố Kim Tân", "Đỗ Thị Hoa", "0977000111", ""],
                ["02647", "Tổ dân phố Kim Tân", "Lý Văn Sáu", "0912 345 67", "gọi lại"],
            ]
        )
    )
    context = browser.new_context(viewport=PHONE, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server.url, "canbo.xa", PASSWORD)
    page.goto(f"{live_server.url}/to/nhap/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_selector("#choose")
    assert fits_width(page)
    shoot(page, "roster-import-choose-phone")
    page.get_by_label("Cột nào là “Họ và tên”?").select_option("C")
    page.get_by_role("button", name="Đọc lại tệp với các cột đã chọn").click()
    page.wait_for_selector("#preview")
    assert "cột E (Ghi chú)" in page.text_content("#ignored")
    assert "Cột D (SĐT): “0912 345 67”" in page.text_content("#errors")
    assert fits_width(page)
    shoot(page, "roster-import-preview-phone")
    page.get_by_role("button", name="Chỉ nhập 1 dòng hợp lệ").click()
    page.wait_for_selector("#skipped")
    assert fits_width(page)
    shoot(page, "roster-import-skipped-phone")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Tải các dòng lỗi (.xlsx)").click()
    download = waiting.value
    assert download.suggested_filename == "danh-sach-thanh-vien-dong-loi.xlsx"
    sheet = load_workbook(io.BytesIO(download.path().read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Mã xã", "Thôn", "Người tham gia", "SĐT", "Ghi chú", "Lỗi cần sửa")
    assert rows[1][:5] == ("02647", "Tổ dân phố Kim Tân", "Lý Văn Sáu", "0912 345 67", "gọi lại")
    assert rows[1][5].startswith("Cột D (SĐT)") and len(rows) == 2
    assert Member.objects.get(full_name="Đỗ Thị Hoa").team.unit == tree.kim_tan
    assert not Member.objects.filter(full_name="Lý Văn Sáu").exists()
    context.close()
