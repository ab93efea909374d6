"""A member reads guides with no signal; a citizen opens a public guide from a handout's QR on a phone."""

import datetime
import uuid
from urllib.parse import urlsplit

import pytest

from tocns.browser import PHONE, NetworkSwitch, fits_width, poll, sign_in
from tocns.conftest import PASSWORD

pytestmark = pytest.mark.browser

KEPT = "caches.open('tocns-pages').then(c => c.keys()).then(ks => ks.map(k => new URL(k.url).pathname))"


def kept(page) -> list[str]:
    """What the service worker's page cache holds (page.evaluate waits for the promise)."""
    return page.evaluate(KEPT)


def wait_until_kept(page, *paths):
    # The pages ask the worker only after 6 s on a page (base.html), then it fetches a few at a time.
    poll(lambda: set(paths) <= set(kept(page)), page, 30_000, says=lambda: f"the phone keeps {kept(page)}")


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
    # The worker keeps the opened guide, and, once the member stayed on the page, the guides of the
    # services without being asked (no team report yet: every service in use); the list is written last,
    # once all of them are kept.
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


def report_on(people, team, code, guided):
    from django.utils import timezone

    from tocns.activities.services import OutcomeInput, ReportInput, file_report

    file_report(
        actor=people.admin,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=team.pk, date=timezone.localdate(), outcomes=[OutcomeInput(code, guided, guided)]
        ),
    )


class WorkerFetches:
    """The handbook pages the service worker fetches (Playwright reports a worker's requests on the
    context), and the most it had in flight at once."""

    def __init__(self, context):
        self.paths: list[str] = []
        self.open: set = set()
        self.most_at_once = 0
        context.on("request", self._sent)
        context.on("requestfinished", self._done)
        context.on("requestfailed", self._done)

    @staticmethod
    def _ours(request) -> bool:
        return request.service_worker is not None and "/cam-nang/" in request.url

    def _sent(self, request):
        if self._ours(request):
            path = urlsplit(request.url).path
            self.paths.append(path)
            if path != "/cam-nang/ngoai-tuyen.json":
                self.open.add(request)
                self.most_at_once = max(self.most_at_once, len(self.open))

    def _done(self, request):
        self.open.discard(request)


def test_first_visit_keeps_only_the_capped_guides_and_only_after_lingering(
    transactional_db, live_server, rosters, people, write_article, browser
):
    from tocns.handbook.models import Article
    from tocns.handbook.selectors import OFFLINE_GUIDES

    for n in range(OFFLINE_GUIDES + 8):
        write_article(f"vneid-{n:02d}", f"Hướng dẫn VNeID số {n}", services=["vneid"])
    Article.objects.filter(slug__startswith="vneid-").update(last_checked=datetime.date(2026, 1, 1))
    write_article("vssid-huong-dan", "Hướng dẫn VssID", services=["vssid"])  # the team never reported on it
    report_on(people, rosters.coc_leu, "vneid", 5)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="allow")
    # The pages' clock stands still: however slow this machine, the member has not lingered yet.
    context.clock.install()
    context.clock.pause_at(datetime.datetime.now() + datetime.timedelta(minutes=1))
    fetched = WorkerFetches(context)
    page = context.new_page()
    sign_in(page, live_server.url, "0912345679", PASSWORD)  # lands on the home page
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_timeout(1500)  # real time: the worker is idle, not waiting on anything
    assert fetched.paths == []
    page.clock.run_for(6_000)  # six seconds on the page
    wait_until_kept(page, "/cam-nang/ngoai-tuyen.json")
    guides = [p for p in fetched.paths if p != "/cam-nang/ngoai-tuyen.json"]
    assert len(guides) == len(set(guides)) == OFFLINE_GUIDES
    assert all(p.startswith("/cam-nang/vneid-") for p in guides)
    assert set(guides) <= set(kept(page))
    assert "/cam-nang/vssid-huong-dan/" not in kept(page) and "/cam-nang/" not in kept(page)
    assert 1 <= fetched.most_at_once <= 2  # a few at a time, never all at once
    context.close()


def test_a_saved_article_is_fetched_at_once_and_on_another_phone_read_offline(
    transactional_db, live_server, people, write_article, browser, shoot
):
    write_article(
        "hoi-dap-zalo", "Hỏi đáp về Zalo", kind="qa", steps=["Hỏi: Zalo là gì?\nĐáp: Ứng dụng nhắn tin."]
    )
    write_article("kich-hoat-vneid", "Kích hoạt tài khoản định danh điện tử", services=["vneid"])
    context = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="allow")
    context.clock.install()
    context.clock.pause_at(datetime.datetime.now() + datetime.timedelta(minutes=1))  # never lingers
    page = context.new_page()
    sign_in(page, live_server.url, "0912345679", PASSWORD)
    page.goto(f"{live_server.url}/cam-nang/hoi-dap-zalo/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_role("button", name="Lưu để xem khi không có mạng").click()
    page.wait_for_url(f"{live_server.url}/cam-nang/hoi-dap-zalo/")
    assert "Đã lưu bài để xem khi không có mạng." in page.text_content("main")
    assert page.get_by_role("button", name="Bỏ lưu").is_visible()
    assert fits_width(page)
    shoot(page, "guide-saved-phone")
    # The save asked the worker at once, with no lingering: the list names the saved article.
    wait_until_kept(page, "/cam-nang/ngoai-tuyen.json")
    listed = page.evaluate(
        "caches.open('tocns-pages').then(c => c.match('/cam-nang/ngoai-tuyen.json')).then(r => r.json())"
    )
    assert listed["guides"][0]["url"] == "/cam-nang/hoi-dap-zalo/"
    context.close()

    # Another phone: never opened the article, yet after a first visit it reads it without signal.
    network = NetworkSwitch(live_server.thread.host, live_server.thread.port)
    other = browser.new_context(viewport=PHONE, locale="vi-VN", service_workers="allow")
    page = other.new_page()
    sign_in(page, network.url, "0912345679", PASSWORD)
    wait_until_kept(
        page, "/cam-nang/hoi-dap-zalo/", "/cam-nang/kich-hoat-vneid/", "/cam-nang/ngoai-tuyen.json"
    )
    network.cut()
    other.set_offline(True)
    page.goto(f"{network.url}/cam-nang/hoi-dap-zalo/")
    assert "Zalo là gì?" in shown(page)
    # A page not on the phone says so and lists what is.
    page.goto(f"{network.url}/to/")
    assert "Không có mạng" in shown(page)
    page.get_by_role("link", name="Hỏi đáp về Zalo").click()
    assert "Ứng dụng nhắn tin." in shown(page)
    shoot(page, "guide-saved-offline-phone")
    other.close()
    network.close()
