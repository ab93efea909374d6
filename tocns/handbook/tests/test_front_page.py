"""The handbook's front page stays a few kilobytes however many articles there are: scam alerts, services and
kinds with their counts, then the guides a page at a time ("Trang sau")."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tocns.handbook.views import ALERTS_SHOWN, PAGE_SIZE


def listed(html: str, list_id: str) -> list[str]:
    """The slugs of the articles in <ul id=list_id>, in order."""
    match = re.search(rf'<ul class="list" id="{list_id}">(.*?)</ul>', html, re.S)
    return re.findall(r'href="/cam-nang/([\w-]+)/"', match.group(1)) if match else []


def entries(html: str, list_id: str) -> dict[str, str]:
    """{name: count text} of a list of links with counts (services, kinds)."""
    match = re.search(rf'<ul class="list" id="{list_id}">(.*?)</ul>', html, re.S)
    return (
        dict(re.findall(r"<b>([^<]+)</b><span class=\"sub\">([^<]+)</span>", match.group(1))) if match else {}
    )


def write_guides(write_article, count: int, start: int = 0):
    for n in range(start, start + count):
        write_article(
            f"huong-dan-{n:02d}", f"Hướng dẫn số {n:02d}", services=["vneid"] if n % 2 else ["vssid"]
        )


def test_more_guides_than_a_page_are_paged_newest_first(client, write_article):
    write_guides(write_article, PAGE_SIZE + 5)
    html = client.get("/cam-nang/").content.decode()
    first = listed(html, "articles")
    assert len(first) == PAGE_SIZE
    assert first[:2] == [f"huong-dan-{PAGE_SIZE + 4:02d}", f"huong-dan-{PAGE_SIZE + 3:02d}"]
    assert "Trang sau ›" in html and 'href="?trang=2"' in html and "Trang 1/2" in html
    page_two = client.get("/cam-nang/", {"trang": "2"}).content.decode()
    second = listed(page_two, "articles")
    assert len(second) == 5 and "‹ Trang trước" in page_two and "Trang sau" not in page_two
    assert sorted(first + second) == [f"huong-dan-{n:02d}" for n in range(PAGE_SIZE + 5)]
    # The second page is the list alone, not the overview again.
    assert 'id="services"' in html and 'id="services"' not in page_two


def test_the_front_page_does_not_grow_with_the_handbook(client, write_article):
    write_guides(write_article, PAGE_SIZE + 5)
    with CaptureQueriesContext(connection) as few:
        smaller = len(client.get("/cam-nang/").content)
    write_guides(write_article, 2 * PAGE_SIZE, start=PAGE_SIZE + 5)
    with CaptureQueriesContext(connection) as many:
        larger = len(client.get("/cam-nang/").content)
    # Only the counts and the number of pages change ("25 bài" → "65 bài", "Trang 1/2" → "Trang 1/4").
    assert abs(larger - smaller) < 100
    assert larger < 30 * 1024
    assert len(many.captured_queries) == len(few.captured_queries)


def test_scam_alerts_come_first_then_services_and_kinds_with_counts(client, write_article):
    for n in range(ALERTS_SHOWN + 2):
        write_article(
            f"canh-bao-{n}", f"Cảnh báo lừa đảo số {n}", kind="scam_alert", services=["online_safety"]
        )
    write_article("hoi-dap", "Hỏi đáp về VNeID", kind="qa", services=["vneid"])
    write_article("to-roi", "Tờ rơi VNeID", kind="handout", services=["vneid"])
    write_guides(write_article, 3)
    write_article("noi-bo", "Hướng dẫn nội bộ về VNeID", audience="members", services=["vneid"])
    write_article("nhap", "Bài nháp về VNeID", publish=False, services=["vneid"])
    html = client.get("/cam-nang/").content.decode()
    assert html.index('id="alerts"') < html.index('id="services"') < html.index('id="kinds"')
    assert html.index('id="kinds"') < html.index('id="articles"')
    assert listed(html, "alerts") == [f"canh-bao-{n}" for n in range(ALERTS_SHOWN + 1, 1, -1)]
    assert "Xem cả 7 cảnh báo lừa đảo ›" in html and 'href="?loai=scam_alert"' in html
    # A citizen's counts leave out the members' article and the draft.
    assert entries(html, "services") == {"VNeID": "3 bài", "VssID": "2 bài", "Chống lừa đảo": "7 bài"}
    assert entries(html, "kinds") == {
        "Hướng dẫn từng bước": "3 bài",
        "Hỏi – đáp": "1 bài",
        "Cảnh báo lừa đảo": "7 bài",
        "Tờ rơi": "1 bài",
    }
    assert listed(html, "articles") == ["huong-dan-02", "huong-dan-01", "huong-dan-00"]


def test_counts_are_written_the_vietnamese_way(client, write_article, monkeypatch):
    from tocns.handbook import selectors

    write_guides(write_article, 1)
    monkeypatch.setattr(selectors, "count_by_kind", lambda articles: {"guide": 1234})
    html = client.get("/cam-nang/").content.decode()
    assert entries(html, "kinds") == {"Hướng dẫn từng bước": "1.234 bài"}


def test_a_kind_or_a_service_has_its_own_paged_list(client, write_article):
    write_article("hoi-dap", "Hỏi đáp về VNeID", kind="qa", services=["vneid"])
    write_guides(write_article, 3)
    qa = client.get("/cam-nang/", {"loai": "qa"}).content.decode()
    assert listed(qa, "articles") == ["hoi-dap"] and "Hỏi – đáp · 1 bài" in qa
    vneid = client.get("/cam-nang/", {"dich-vu": "vneid"}).content.decode()
    assert listed(vneid, "articles") == ["huong-dan-01", "hoi-dap"] and "VNeID · 2 bài" in vneid
    assert 'href="/cam-nang/"' in vneid  # back to the front page
    assert client.get("/cam-nang/", {"dich-vu": "khong-co"}).status_code == 404
    # An unknown kind is the front page.
    assert 'id="services"' in client.get("/cam-nang/", {"loai": "khong-co"}).content.decode()


def test_members_count_and_see_their_articles(client_for, write_article):
    write_guides(write_article, 2)
    write_article("noi-bo", "Hướng dẫn nội bộ về VNeID", audience="members", services=["vneid"])
    html = client_for("team_member").get("/cam-nang/").content.decode()
    assert listed(html, "articles") == ["noi-bo", "huong-dan-01", "huong-dan-00"]
    assert entries(html, "services") == {"VNeID": "2 bài", "VssID": "1 bài"}


def test_drafts_are_listed_for_editors_only(client_for, write_article):
    write_guides(write_article, 1)
    for n in range(7):
        write_article(f"nhap-{n}", f"Bài nháp số {n}", publish=False)
    editor = client_for("province_officer").get("/cam-nang/").content.decode()
    assert listed(editor, "drafts") == [f"nhap-{n}" for n in range(6, 1, -1)]
    assert "Xem cả 7 bản nháp ›" in editor
    all_drafts = client_for("province_officer").get("/cam-nang/", {"trang-thai": "nhap"}).content.decode()
    assert sorted(listed(all_drafts, "articles")) == [f"nhap-{n}" for n in range(7)]
    for name in ("anonymous", "team_member"):
        html = client_for(name).get("/cam-nang/", {"trang-thai": "nhap"}).content.decode()
        assert 'id="drafts"' not in html and listed(html, "articles") == ["huong-dan-00"]


@pytest.mark.parametrize("page", ["0", "-3", "x", "999999999999999999999"])
def test_any_page_number_gives_a_page(client, write_article, page):
    write_guides(write_article, 2)
    response = client.get("/cam-nang/", {"trang": page})
    assert response.status_code == 200 and len(listed(response.content.decode(), "articles")) == 2
