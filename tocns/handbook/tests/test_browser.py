"""A member reads guides with no signal; a citizen opens a public guide from a handout's QR on a phone."""

import pytest

from tocns.browser import PHONE, NetworkSwitch, fits_width, sign_in
from tocns.conftest import PASSWORD

pytestmark = pytest.mark.browser


def wait_until(page, script, timeout_ms=10_000):
    page.wait_for_function(script, timeout=timeout_ms, polling=100)


def test_member_reads_guides_offline(transactional_db, live_server, people, write_article, browser, shoot):
    write_article("kich-hoat-vneid", "Kích hoạt tài khoản định danh điện tử", services=["vneid"])
    write_article("nop-ho-so", "Nộp hồ sơ dịch vụ công", services=["public_services"])
    write_article("hoi-dap-chung", "Hỏi đáp chung", kind="qa")
    network = NetworkSwitch(live_server.thread.host, live_server.thread.port)
    base = network.url
    context = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="allow")
    page = context.new_page()
    sign_in(page, base, "0912345679", PASSWORD)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.goto(f"{base}/cam-nang/kich-hoat-vneid/")
    assert "Kích hoạt tài khoản định danh điện tử" in page.text_content("h1")
    # The worker keeps the opened guide, and the guides of every service without being asked.
    wait_until(page, "caches.match('/cam-nang/kich-hoat-vneid/').then(Boolean)")
    wait_until(page, "caches.match('/cam-nang/nop-ho-so/').then(Boolean)")
    assert fits_width(page)
    shoot(page, "guide-phone")

    network.cut()
    context.set_offline(True)
    reopened = page.reload()
    assert reopened.from_service_worker
    assert "Kích hoạt tài khoản định danh điện tử" in page.text_content("h1")
    page.goto(f"{base}/cam-nang/nop-ho-so/")  # never opened: kept because it is a service's guide
    # On a loaded machine goto has returned with the body still empty: wait for either answer the
    # worker can give, the guide or the offline notice, then say in full what was shown if it is wrong.
    wait_until(page, "document.querySelector('h1') || document.body.innerText.includes('Không có mạng')")
    kept = page.evaluate(
        "caches.open('tocns-pages').then(c => c.keys()).then(ks => ks.map(k => new URL(k.url).pathname))"
    )
    assert "Nộp hồ sơ dịch vụ công" in page.text_content("body"), (page.text_content("body"), kept)
    page.goto(f"{base}/cam-nang/hoi-dap-chung/")  # neither opened nor a guide
    assert "Không có mạng" in page.text_content("body")
    context.close()
    network.close()


def test_citizen_opens_a_public_guide_from_the_handout_qr(
    transactional_db, live_server, write_article, browser, shoot
):
    write_article(
        "thanh-toan-qr",
        "Thanh toán an toàn bằng mã QR",
        steps=["Xem tên người nhận trước khi bấm xác nhận.", "Không quét mã QR để “nhận tiền”."],
    )
    citizen = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = citizen.new_page()
    page.goto(f"{live_server.url}/cam-nang/thanh-toan-qr/in/")
    shoot(page, "handout-phone")
    url = page.text_content(".url").strip()  # the address the QR beside it encodes (tested in test_handout)
    assert url == f"{live_server.url}/cam-nang/thanh-toan-qr/"
    page.goto(url)
    assert page.text_content("h1").strip() == "Thanh toán an toàn bằng mã QR"
    assert "Không quét mã QR" in page.text_content("ol.steps")
    assert page.locator("a[href='/dang-nhap/']").count() == 1  # nobody asked the citizen to sign in first
    assert fits_width(page)
    shoot(page, "public-guide-phone")
    citizen.close()
