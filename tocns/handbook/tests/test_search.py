from tocns.handbook.scope import articles_for
from tocns.handbook.selectors import search, search_page


def titles(user, query):
    return [a.title for a in search(articles_for(user), query)]


def test_without_diacritics_in_any_word_order_title_first(write_article, people):
    write_article("kich-hoat", "Kích hoạt tài khoản định danh điện tử", services=["vneid"])
    write_article(
        "qr",
        "Thanh toán an toàn bằng mã QR",
        steps=["Trước khi kích hoạt ví, hãy kiểm tra định danh của người nhận"],
    )
    write_article("zalo", "Bảo vệ tài khoản Zalo")
    for query in [
        "kich hoat dinh danh",
        "dinh danh kich hoat",
        "KÍCH HOẠT định danh",
        "Kich   hoat  DINH danh",
    ]:
        assert titles(people.team_member, query) == [
            "Kích hoạt tài khoản định danh điện tử",
            "Thanh toán an toàn bằng mã QR",
        ], query


def test_d_with_stroke_matches_plain_d(write_article, people):
    write_article("dong-van", "Điểm hỗ trợ ở Đồng Văn")
    assert titles(people.team_member, "diem ho tro dong van") == ["Điểm hỗ trợ ở Đồng Văn"]
    assert titles(people.team_member, "đồng văn") == ["Điểm hỗ trợ ở Đồng Văn"]


def test_service_name_finds_its_articles(write_article, people):
    write_article("so-suc-khoe", "Sổ sức khỏe điện tử", services=["health_book"], steps=["Mở ứng dụng"])
    assert titles(people.team_member, "so suc khoe") == ["Sổ sức khỏe điện tử"]
    write_article("vneid-bai", "Kích hoạt tài khoản", services=["vneid"], steps=["Mở ứng dụng"])
    assert titles(people.team_member, "vneid") == ["Kích hoạt tài khoản"]


def test_every_word_must_appear(write_article, people):
    write_article("a", "Mở tài khoản thanh toán")
    assert titles(people.team_member, "mo tai khoan lua dao") == []


def test_more_title_words_rank_higher_then_shorter_titles(write_article, people):
    write_article("a", "Lừa đảo qua điện thoại", steps=["Cuộc gọi giả danh công an"])
    write_article("b", "Cuộc gọi giả danh công an: lừa đảo thường gặp")
    write_article("c", "Cuộc gọi giả danh", steps=["Một kiểu lừa đảo"])
    assert titles(people.team_member, "lua dao cuoc goi") == [
        "Cuộc gọi giả danh công an: lừa đảo thường gặp",
        "Cuộc gọi giả danh",
        "Lừa đảo qua điện thoại",
    ]


def test_the_last_word_may_be_unfinished(write_article, people):
    write_article("kich-hoat", "Kích hoạt tài khoản định danh điện tử")
    write_article("hoa", "Trồng hoa và bán trên mạng")
    assert titles(people.team_member, "kich hoa") == ["Kích hoạt tài khoản định danh điện tử"]
    assert titles(people.team_member, "tai kh") == ["Kích hoạt tài khoản định danh điện tử"]
    # Whole words before the last one must match whole: "hoa" is not "hoạt".
    assert titles(people.team_member, "hoa ban") == ["Trồng hoa và bán trên mạng"]


def test_punctuation_does_not_hide_a_word(write_article, people):
    write_article("muc-2", "Tài khoản định danh", steps=["Mở ứng dụng (VNeID), chọn mức 2."])
    assert titles(people.team_member, "vneid muc 2") == ["Tài khoản định danh"]
    assert titles(people.team_member, "vneid, mức 2!") == ["Tài khoản định danh"]


def test_pages_of_equal_ranks_neither_repeat_nor_skip(write_article, people):
    for n in range(7):
        write_article(f"bai-{n}", "Cảnh giác lừa đảo")  # every key of the ranking equal but the id
    articles = articles_for(people.team_member)
    ranked = [a.slug for a in search(articles, "lua dao")]
    pages = [search_page(articles, "lua dao", offset, 3) for offset in (0, 3, 6)]
    assert [count for count, _ in pages] == [7, 7, 7]
    assert [a.slug for _, rows in pages for a in rows] == ranked
    assert len(set(ranked)) == 7
    assert search_page(articles, "lua dao", 9, 3) == (None, [])
    assert search_page(articles, "tien ao", 0, 3) == (0, [])


def test_search_page_past_the_end_shows_the_last_page(client, write_article):
    for n in range(23):
        write_article(f"bai-{n}", f"Cảnh giác lừa đảo số {n}")
    page = client.get("/cam-nang/", {"q": "lua dao", "trang": "9"}).context["page"]
    assert (page.number, page.paginator.count, page.paginator.num_pages, len(page.object_list)) == (
        2,
        23,
        2,
        3,
    )
    first = client.get("/cam-nang/", {"q": "lua dao", "trang": "x"}).context["page"]
    assert (first.number, len(first.object_list)) == (1, 20)
    assert {a.slug for a in first} | {a.slug for a in page} == {f"bai-{n}" for n in range(23)}
