"""Search at thousands of articles, played with a handful: CANDIDATES and RARE_ROWS made small, so that a
word in a few articles counts as a common one. Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...)."""

import pytest
from django.core.management import call_command
from django.db import connection

from tocns.handbook import selectors
from tocns.handbook.scope import articles_for
from tocns.handbook.selectors import search, search_page, search_results


@pytest.fixture
def at_scale(monkeypatch):
    for name, value in {
        "CANDIDATES": 4,
        "RARE_ROWS": 4,
        "EXACT_HOLDERS": 4,
        "SEEKS": 16,
        "SCAN_ROWS": 4,
    }.items():
        monkeypatch.setattr(selectors, name, value)


@pytest.fixture
def common_words(write_article):
    """Eight articles about "lừa đảo" (common), one of them also about a homestay (rare)."""
    for n in range(7):
        write_article(
            f"canh-giac-{n}", f"Cảnh giác lừa đảo qua mạng số {n}", steps=["Không bấm đường link lạ"]
        )
    write_article("homestay-lua-dao", "Lừa đảo đặt phòng homestay", steps=["Chỉ chuyển tiền cọc cho chủ nhà"])
    write_article("homestay", "Làm homestay ở bản Lác", steps=["Nhận tiền phòng bằng mã QR"])


def slugs(rows):
    return [a.slug for a in rows]


def test_a_rare_word_with_common_ones_finds_exactly_what_every_row_finds(at_scale, common_words, people):
    articles = articles_for(people.team_member)
    for query in ("homestay lua dao", "lừa đảo homestay", "homestay", "dat phong homestay"):
        results = search_results(articles, query, 0, 20)
        assert results.complete, query
        assert (results.total, slugs(results.articles)) == (
            len(search(articles, query)),
            slugs(search(articles, query)),
        )
    assert slugs(search_results(articles, "homestay lua dao", 0, 20).articles) == ["homestay-lua-dao"]
    assert slugs(search_results(articles, "homestay", 0, 20).articles) == ["homestay", "homestay-lua-dao"]


def test_a_match_missing_the_rarest_word_is_still_found(at_scale, write_article, people):
    """Five words: a match may miss one, so the two rarest are read, not only the rarest."""
    for n in range(6):
        write_article(f"lua-dao-{n}", f"Cảnh giác lừa đảo số {n}")
    write_article("ca-nam", "Lừa đảo qua điện thoại ở homestay")
    write_article("thieu-mot", "Lừa đảo qua điện thoại")
    write_article("chi-homestay", "Homestay bản Lác")
    articles = articles_for(people.team_member)
    results = search_results(articles, "homestay lua dao dien thoai", 0, 20)
    assert results.complete
    assert (
        slugs(results.articles)
        == ["ca-nam", "thieu-mot"]
        == slugs(search(articles, "homestay lua dao dien thoai"))
    )


def test_a_few_more_holders_than_candidates_are_all_ranked_when_few_terms(
    at_scale, write_article, people, monkeypatch
):
    """Six articles hold the rarest thing, more than the four candidates; ranking all six looks up few
    (article, term) pairs, so every match is ranked."""
    monkeypatch.setattr(selectors, "EXACT_HOLDERS", 8)
    monkeypatch.setattr(selectors, "SEEKS", 40)
    for n in range(6):
        write_article(f"zalo-{n}", f"Lừa đảo qua Zalo số {n}" if n % 2 else f"Zalo bị chiếm số {n}")
    for n in range(8):
        write_article(f"lua-dao-{n}", f"Cảnh giác lừa đảo số {n}")
    articles = articles_for(people.team_member)
    results = search_results(articles, "zalo lua dao", 0, 20)
    assert results.complete
    assert (
        slugs(results.articles) == ["zalo-1", "zalo-3", "zalo-5"] == slugs(search(articles, "zalo lua dao"))
    )


def test_common_words_rank_a_few_candidates_the_best_first(at_scale, common_words, people):
    articles = articles_for(people.team_member)
    every = slugs(search(articles, "lua dao"))
    assert len(every) == 8
    results = search_results(articles, "lua dao", 0, 20)
    assert not results.complete
    # The four candidates are the best of the eight: "lừa đảo" in the title, the shortest titles first.
    assert (results.total, slugs(results.articles)) == (4, every[:4])
    assert search_page(articles, "lua dao", 4, 2) == (None, [])


def test_common_words_with_a_phrase_in_the_text_find_it(at_scale, write_article, people):
    """Every word common, none in the titles: the articles holding the query's words next to each other are
    the candidates (pairs of neighbouring words are read whole when they are rare)."""
    for n in range(6):
        write_article(f"chung-{n}", f"Bài số {n}", steps=["Ảnh chụp thẻ, chụp giấy tờ, căn nhà, cước phí"])
    write_article("dung-cum", "Đưa thông tin cá nhân", steps=["Không chụp ảnh thẻ căn cước gửi người lạ"])
    articles = articles_for(people.team_member)
    results = search_results(articles, "chụp ảnh cccd", 0, 20)
    assert slugs(results.articles)[:1] == ["dung-cum"] == slugs(search(articles, "chụp ảnh cccd"))[:1]


def test_a_citizen_never_gets_a_members_article_or_a_draft_among_candidates(at_scale, write_article):
    from django.contrib.auth.models import AnonymousUser

    for n in range(5):
        write_article(f"noi-bo-{n}", f"Lừa đảo {n}", audience="members")
    write_article("nhap", "Lừa đảo", publish=False)
    for n in range(3):
        write_article(f"cong-khai-{n}", f"Cảnh giác lừa đảo trên mạng số {n}")
    results = search_results(articles_for(AnonymousUser()), "lua dao", 0, 20)
    assert sorted(slugs(results.articles)) == ["cong-khai-0", "cong-khai-1", "cong-khai-2"]


def test_the_page_says_when_only_the_best_matches_are_shown(at_scale, client, common_words):
    broad = client.get("/cam-nang/", {"q": "lua dao"}).content.decode()
    assert "Rất nhiều bài có các từ “lua dao”: đây là 4 bài khớp nhất." in broad
    exact = client.get("/cam-nang/", {"q": "homestay"}).content.decode()
    assert "2 bài khớp với “homestay”" in exact


def test_the_next_page_of_results_keeps_the_query(client, write_article):
    for n in range(23):
        write_article(f"bai-{n}", f"Cảnh giác lừa đảo & giả mạo số {n}")
    html = client.get("/cam-nang/", {"q": "lừa đảo & giả mạo"}).content.decode()
    assert "Trang sau ›" in html
    assert 'href="?q=l%E1%BB%ABa+%C4%91%E1%BA%A3o+%26+gi%E1%BA%A3+m%E1%BA%A1o&amp;trang=2"' in html


def test_a_word_no_article_holds_is_not_looked_up(at_scale, common_words, people):
    articles = articles_for(people.team_member)
    assert search_results(articles, "tien ao bitcoin", 0, 20).total == 0
    # "za lo" (a way of writing Zalo) is in no article: the rest of the query still ranks.
    assert slugs(search_results(articles, "homestay zalo", 0, 20).articles) == []
    assert slugs(search_results(articles, "homestay lac", 0, 20).articles) == ["homestay"]


def indexes() -> set[str]:
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "handbook_articleterm"))
        names |= set(connection.introspection.get_constraints(cursor, "handbook_article"))
    return names & {"handbook_term_in_title", "handbook_article_listing", "handbook_article_newest"}


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_and_drops_the_search_and_list_indexes():
    assert indexes() == {"handbook_term_in_title", "handbook_article_listing", "handbook_article_newest"}
    call_command("migrate", "handbook", "0007", verbosity=0)
    assert indexes() == set()
    call_command("migrate", "handbook", verbosity=0)
    assert len(indexes()) == 3
