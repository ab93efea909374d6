"""From an empty roster account to a report, on real phones' screens: an officer creates the team's accounts
in bulk and prints the sheet; a member opens their code on a 360×740 phone, sets a password and reports; the
same code then fails."""

import re

import pytest

from tocns.activities.models import Activity
from tocns.browser import DESKTOP, PHONE, fits_width, poll, sign_in
from tocns.conftest import PASSWORD
from tocns.teams.models import Member, MemberRole
from tocns.teams.services import add_member, create_team

pytestmark = pytest.mark.browser


def test_bulk_accounts_printed_sheet_and_a_member_activates_on_a_phone(
    transactional_db, live_server, tree, people, browser, shoot
):
    team = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    add_member(actor=None, team=team, full_name="Vàng A Dế", role=MemberRole.LEADER, phone="0971000001")
    add_member(actor=None, team=team, full_name="Lý Thị Sen", phone="0971 000 002", has_smartphone=True)
    add_member(actor=None, team=team, full_name="Hoàng Văn Núi")  # no phone: listed, left alone

    officer = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = officer.new_page()
    sign_in(page, live_server.url, "canbo.xa", PASSWORD)
    page.goto(f"{live_server.url}/to/{team.pk}/")
    page.get_by_role("link", name="Tài khoản của tổ").click()
    shoot(page, "team-accounts-before-phone")
    page.get_by_role("link", name="Tạo tài khoản cho cả tổ").click()
    assert "Hoàng Văn Núi" in page.text_content("#skipped")
    assert fits_width(page)
    shoot(page, "bulk-accounts-preview-phone")
    page.get_by_role("button", name="Tạo 2 tài khoản").click()
    page.wait_for_selector("text=Đã tạo 2 tài khoản")
    page.get_by_role("button", name="In phiếu kích hoạt cho tổ").click()
    page.wait_for_selector(".slip")
    assert page.locator(".slip").count() == 2 and page.locator(".slip svg").count() == 2
    assert fits_width(page)
    shoot(page, "activation-sheet-phone")
    sen = page.locator(".slip", has_text="Lý Thị Sen")
    code = sen.locator(".big").text_content().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    message = page.get_by_label("Lý Thị Sen").input_value()
    assert code in message
    link = re.search(r"(http://\S+/kich-hoat/\S+)", message).group(1)
    page.set_viewport_size(DESKTOP)
    shoot(page, "activation-sheet-desktop")
    page.emulate_media(media="print")
    shoot(page, "activation-sheet-print")
    officer.close()

    # Lý Thị Sen, on her own phone: the link from the Zalo message.
    phone = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    member_page = phone.new_page()
    member_page.goto(link)
    assert "Lý Thị Sen" in member_page.text_content("main")
    assert not member_page.get_by_label("Đây là điện thoại của tôi — giữ đăng nhập").is_checked()
    assert fits_width(member_page)
    shoot(member_page, "activate-phone")
    member_page.get_by_label("Mật khẩu mới (ít nhất 8 ký tự)").fill("ruong-bac-thang")
    member_page.get_by_label("Nhập lại mật khẩu mới").fill("ruong-bac-thang")
    member_page.get_by_label("Đây là điện thoại của tôi — giữ đăng nhập").check()
    member_page.get_by_role("button", name="Đặt mật khẩu và đăng nhập").click()
    member_page.wait_for_url(f"{live_server.url}/")
    shoot(member_page, "home-after-activation-phone")
    member_page.get_by_role("link", name="Báo cáo hôm nay").click()
    member_page.get_by_text("VNeID", exact=True).click()
    member_page.locator("details.svc[data-code=vneid] button[data-set='3']").click()
    member_page.get_by_role("button", name="Gửi báo cáo").click()
    poll(lambda: Activity.objects.count() == 1, member_page)
    activity = Activity.objects.get()
    assert activity.team == team and activity.created_by == Member.objects.get(full_name="Lý Thị Sen").user
    phone.close()

    # The same code again, typed this time, on another phone: refused.
    other = browser.new_context(viewport=PHONE, locale="vi-VN")
    again = other.new_page()
    again.goto(f"{live_server.url}/kich-hoat/")
    again.get_by_label("Số điện thoại của bạn").fill("0971000002")
    again.get_by_label("Mã kích hoạt (8 ký tự, trên phiếu hoặc tin nhắn)").fill(code)
    again.get_by_label("Mật khẩu mới (ít nhất 8 ký tự)").fill("ke-gian-doan-ma")
    again.get_by_label("Nhập lại mật khẩu mới").fill("ke-gian-doan-ma")
    again.get_by_role("button", name="Đặt mật khẩu và đăng nhập").click()
    again.wait_for_selector("text=Mã này đã được dùng")
    shoot(again, "activate-used-code-phone")
    assert again.url.endswith("/kich-hoat/")
    other.close()
