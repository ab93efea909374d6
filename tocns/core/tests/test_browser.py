"""A commune officer on a 360×740 phone: sign in, browse to a village, search without diacritics."""

import pytest

from tocns.browser import DESKTOP, PHONE, fits_width, sign_in
from tocns.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_commune_officer_browses_to_a_village_and_searches_on_a_phone(
    transactional_db, live_server, tree, people, browser, shoot
):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/dang-nhap/")
    shoot(page, "login-phone")
    sign_in(page, live_server.url, "canbo.xa", PASSWORD)
    assert "Cán bộ cấp xã" in page.text_content("main")
    assert fits_width(page)
    shoot(page, "home-commune-officer-phone")

    page.get_by_role("link", name="Phường Lào Cai").click()
    page.wait_for_url(f"{live_server.url}/don-vi/{tree.phuong_lao_cai.code}/")
    assert page.text_content("h1").strip().startswith("Phường Lào Cai")
    assert "Tổ dân phố Kim Tân" in page.text_content("main")
    shoot(page, "commune-phone")

    page.get_by_role("link", name="Tổ dân phố Cốc Lếu").click()
    page.wait_for_url(f"{live_server.url}/don-vi/{tree.coc_leu.code}/")
    assert page.text_content("h1").strip().startswith("Tổ dân phố Cốc Lếu")
    assert "320" in page.text_content(".stats")
    assert fits_width(page)
    shoot(page, "village-phone")

    page.get_by_role("link", name="Đơn vị", exact=True).click()
    page.get_by_role("searchbox").fill("lao cai")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_selector("#results")
    results = page.text_content("#results")
    assert "Phường Lào Cai" in results
    assert fits_width(page)
    shoot(page, "search-phone")
    context.close()


def test_province_officer_pages_at_desktop_width(transactional_db, live_server, tree, people, browser, shoot):
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "canbo.tinh", PASSWORD)
    shoot(page, "home-province-officer-desktop")
    page.goto(f"{live_server.url}/don-vi/{tree.lao_cai.code}/")
    assert "Xã Mường Khương" in page.text_content("main")
    shoot(page, "province-desktop")
    page.goto(f"{live_server.url}/don-vi/nhap-thon/")
    assert page.get_by_role("link", name="Tải tệp mẫu (.xlsx)").is_visible()
    shoot(page, "import-desktop")
    page.goto(f"{live_server.url}/phan-quyen/")
    assert "canbo.xa" in page.text_content("main") and "canbo.dongvan" not in page.text_content("main")
    shoot(page, "roles-desktop")
    page.goto(f"{live_server.url}/nhat-ky/")
    assert "Tổ trưởng" in page.text_content("main")  # the grants made by the fixtures
    shoot(page, "audit-desktop")
    context.close()


def test_team_member_home_on_a_phone(transactional_db, live_server, tree, people, browser, shoot):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "0912345679", PASSWORD)
    main = page.text_content("main")
    assert "Thành viên tổ" in main and "Tổ dân phố Cốc Lếu" in main
    assert page.get_by_role("link", name="Nhật ký").count() == 0
    assert fits_width(page)
    shoot(page, "home-team-member-phone")
    context.close()


def test_commune_officer_imports_villages_with_a_bad_row_on_a_phone(
    transactional_db, live_server, tree, people, browser, shoot, tmp_path
):
    from tocns.conftest import xlsx_bytes
    from tocns.units.models import Unit

    path = tmp_path / "thon.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [["Mã xã", "Tên thôn", "Số hộ"], ["02647", "Tổ dân phố Mới", 150], ["00721", "Thôn Lạ", 10]]
        )
    )
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "canbo.xa", PASSWORD)
    page.goto(f"{live_server.url}/don-vi/nhap-thon/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_selector("#preview")
    assert "không thuộc phạm vi" in page.text_content("#errors")
    assert fits_width(page)
    shoot(page, "import-preview-errors-phone")
    page.get_by_role("button", name="Chỉ nhập 1 dòng hợp lệ").click()
    page.wait_for_selector(".msg")
    assert "thêm mới 1 thôn" in page.text_content(".msg")
    assert Unit.objects.filter(name="Tổ dân phố Mới", parent=tree.phuong_lao_cai).exists()
    assert not Unit.objects.filter(name="Thôn Lạ").exists()
    context.close()
