"""On a 360×740 phone: three taps report; offline reports wait on the phone and are sent once."""

import pytest

from tocns.activities.models import Activity
from tocns.browser import PHONE, NetworkSwitch, fits_width, poll, sign_in
from tocns.conftest import PASSWORD

pytestmark = pytest.mark.browser


def wait_for(predicate, page, timeout_ms=10_000):
    def outbox():
        return "the page says: " + (page.text_content("#outbox") if page.locator("#outbox").count() else "")

    poll(predicate, page, timeout_ms, says=outbox)


def tap_service(page, name, count):
    service = page.locator("details.svc", has=page.locator("summary", has_text=name))
    service.locator("summary").click()
    service.locator(f"button[data-set='{count}']").click()


def test_offline_reports_wait_and_are_stored_once(transactional_db, live_server, rosters, browser, shoot):
    # Everything goes through a relay, so "offline" can pull the cable for the page and its worker alike.
    network = NetworkSwitch(live_server.thread.host, live_server.thread.port)
    base = network.url
    context = browser.new_context(
        viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", service_workers="allow"
    )
    page = context.new_page()
    sign_in(page, base, "0912345679", PASSWORD)  # Lò Thị Mai, member of Cốc Lếu
    page.goto(f"{base}/bao-cao/")
    # The service worker has installed and keeps the form for when there is no signal.
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    wait_for(lambda: page.evaluate("caches.match('/bao-cao/').then(Boolean)"), page)
    assert fits_width(page)
    shoot(page, "report-phone")

    # Online, the common case takes three taps: the service, the number, send.
    page.get_by_text("VNeID", exact=True).click()
    page.locator("details.svc[data-code=vneid] button[data-set='5']").click()
    page.get_by_role("button", name="Gửi báo cáo").click()
    wait_for(lambda: Activity.objects.count() == 1, page)
    # ...and the phone has heard back (otherwise it keeps the report and sends it again later: harmless,
    # the server stores it once, but this test counts what waits on the phone).
    wait_for(lambda: "Đã gửi báo cáo" in (page.text_content("#outbox") or ""), page)
    first = Activity.objects.get().outcomes.get()
    assert (first.service.code, first.guided, first.completed) == ("vneid", 5, 5)

    network.cut()
    context.set_offline(True)  # so that the page also knows (navigator.onLine, the "online" event later)
    tap_service(page, "VssID", 2)
    page.get_by_role("button", name="Gửi báo cáo").click()
    tap_service(page, "Dịch vụ công", 3)
    page.get_by_role("button", name="Gửi báo cáo").click()
    assert "2 báo cáo đang chờ gửi" in page.text_content("#outbox")
    # Something typed but not sent yet.
    tap_service(page, "Sổ sức khỏe", 1)
    shoot(page, "report-offline-phone")

    reloaded = page.reload()  # no network: the service worker serves the form from the phone
    assert reloaded.from_service_worker
    assert "2 báo cáo đang chờ gửi" in page.text_content("#outbox")
    assert page.input_value("input[name=o-health_book-c]") == "1"
    assert Activity.objects.count() == 1

    # The network really is off for the worker too: a page never opened before cannot load.
    other = context.new_page()
    other.goto(f"{base}/to/")
    assert "Không có mạng" in other.text_content("body")
    other.close()

    network.restore()
    context.set_offline(False)
    wait_for(lambda: Activity.objects.count() == 3, page)
    wait_for(lambda: "đang chờ" not in (page.text_content("#outbox") or ""), page)
    codes = sorted(a.outcomes.get().service.code for a in Activity.objects.all())
    assert codes == ["public_services", "vneid", "vssid"]
    shoot(page, "report-sent-phone")
    context.close()
    network.close()
