"""What people type into the handbook's search box, over the real starting content (content/*.json), and the
article that must come first. Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...)."""

from django.contrib.auth.models import AnonymousUser

from tocns.handbook.content import load_content
from tocns.handbook.scope import articles_for
from tocns.handbook.selectors import search, search_page

QUERIES = [
    # Without diacritics, as typed on a phone without a Vietnamese keyboard.
    ("kich hoat dinh danh", "kich-hoat-vneid-muc-2"),
    # Question words ("làm sao", "để") are not needed.
    ("làm sao để kích hoạt vneid", "kich-hoat-vneid-muc-2"),
    # One word of six mistyped.
    ("kich hoat tai khoan dinh dahn", "kich-hoat-vneid-muc-2"),
    # "cảnh sát" is "công an" when the query is about impersonation; "mạo danh" is "giả danh".
    ("giả danh cảnh sát gọi video", "gia-danh-cong-an-goi-video"),
    ("mạo danh công an", "gia-danh-cong-an-goi-video"),
    # ... but not otherwise: traffic police fines are their own scam.
    ("cảnh sát giao thông phạt nguội", "cac-chieu-lua-dao-moi-2025-2026"),
    ("không có smartphone", "khong-co-dien-thoai-thong-minh"),
    # CCCD is "thẻ căn cước"; "chụp ảnh thẻ căn cước" stands together in that article only.
    ("chụp ảnh cccd", "dua-thong-tin-co-an-toan-khong"),
    # "mã xác thực" is the "mã OTP" of the title.
    ("mã xác thực zalo", "bao-ve-zalo-facebook-khong-dua-otp"),
    ("fb bị hack", "bao-ve-zalo-facebook-khong-dua-otp"),
    ("chuyển khoản cho người quen vay tiền", "bao-ve-zalo-facebook-khong-dua-otp"),
    ("bhxh", "vssid-bao-hiem-xa-hoi-so"),
    ("báo cáo lừa đảo ở đâu", "kiem-tra-va-bao-cao-lua-dao"),
    ("nộp hồ sơ dịch vụ công online", "nop-ho-so-dich-vu-cong"),
    ("tiền di động", "mo-tai-khoan-thanh-toan-mobile-money-2026"),
    # "khoẻ" with the tone mark on the other letter than the article's "khỏe".
    ("sổ sức khoẻ", "so-suc-khoe-dien-tu"),
]


def test_what_people_type_finds_the_right_article_first(db):
    load_content()
    articles = articles_for(AnonymousUser())
    wrong = []
    for query, slug in QUERIES:
        results = [a.slug for a in search(articles, query)]
        if results[:1] != [slug]:
            wrong.append(f"{query!r}: {results[:3]}, not {slug} first")
        # The page the view shows ranks the same way.
        count, page = search_page(articles, query, 0, 20)
        assert (count, [a.slug for a in page]) == (len(results), results[:20]), query
    assert wrong == []
