"""A member reads guides with no signal; a citizen opens a public guide from a handout's QR on a phone."""

import pytest

from tocns.browser import PHONE, NetworkSwitch, fits_width, poll, sign_in
from tocns.conftest import PASSWORD

pytestmark = pytest.mark.browser

KEPT = "caches.open('tocns-pages').then(c => c.keys()).then(ks => ks.map(k => new URL(k.url).pathname))"


def kept(page) -> list[str]:
    """What the service worker's page cache holds (page.evaluate waits for the promise)."""
    return page.evaluate(KEPT)


def wait_until_kept(page, *paths):
    poll(lambda: set(paths) <= set(kept(page)), page, says=lambda: f"the phone keeps {kept(page)}")


def shown(page) -> str:
    """The page's text once the worker has answered: the guide, or its offline notice."""
    poll(lambda: page.locator("h1").count() or "Không có mạng" in page.text_content("body"), page)
    return page.text_content("body")


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
    # The worker keeps the opened guide, and the guides of every service without being asked; the
    # list's version is written last, once all of them are kept.
    wait_until_kept(page, "/cam-nang/kich-hoat-vneid/", "/cam-nang/nop-ho-so/", "/cam-nang/ngoai-tuyen.json")
    assert "/cam-nang/hoi-dap-chung/" not in kept(page)
    assert fits_width(page)
    shoot(page, "guide-phone")

    network.cut()
    context.set_offline(True)
    reopened = page.reload()
    assert reopened.from_service_worker
    assert "Kích hoạt tài khoản định danh điện tử" in shown(page)
    page.goto(f"{base}/cam-nang/nop-ho-so/")  # never opened: kept because it is a service's guide
    assert "Nộp hồ sơ dịch vụ công" in shown(page)
    shoot(page, "guide-offline-phone")
    page.goto(f"{base}/cam-nang/hoi-dap-chung/")  # neither opened nor a guide
    assert "Không có mạng" in shown(page)
    context.close()
    network.close()


def test_a_guide_lost_from_the_phone_is_fetched_at_the_next_sync(
    transactional_db, live_server, people, write_article, browser
):
    """No guide changed, so the list's version is the one the phone holds; the guide it lost (a fetch cut
    off when the signal dropped, a copy cleared) must still come back."""
    write_article("kich-hoat-vneid", "Kích hoạt tài khoản định danh điện tử", services=["vneid"])
    write_article("nop-ho-so", "Nộp hồ sơ dịch vụ công", services=["public_services"])
    network = NetworkSwitch(live_server.thread.host, live_server.thread.port)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="allow")
    page = context.new_page()
    sign_in(page, network.url, "0912345679", PASSWORD)
    wait_until_kept(page, "/cam-nang/kich-hoat-vneid/", "/cam-nang/nop-ho-so/", "/cam-nang/ngoai-tuyen.json")
    page.evaluate("caches.open('tocns-pages').then(c => c.delete('/cam-nang/nop-ho-so/'))")
    # The phone stops the worker, as phones do; the next page a member opens starts it and asks for a sync.
    devtools = context.new_cdp_session(page)
    devtools.send("ServiceWorker.enable")
    devtools.send("ServiceWorker.stopAllWorkers")
    page.goto(f"{network.url}/")
    wait_until_kept(page, "/cam-nang/nop-ho-so/")

    network.cut()
    context.set_offline(True)
    page.goto(f"{network.url}/cam-nang/nop-ho-so/")
    assert "Nộp hồ sơ dịch vụ công" in shown(page)
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
