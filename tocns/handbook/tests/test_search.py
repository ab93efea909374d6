import pytest

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


def test_most_words_must_appear(write_article, people):
    write_article("a", "Mở tài khoản thanh toán")
    # Two of five typed words missing ("lừa đảo") is too many; short queries need every word.
    assert titles(people.team_member, "mo tai khoan lua dao") == []
    assert titles(people.team_member, "tai khoan lua") == []


def test_four_of_five_words_still_find_the_article(write_article, people):
    write_article("vneid", "Kích hoạt tài khoản định danh", steps=["Mở ứng dụng VNeID"])
    write_article("all", "Tài khoản định danh", steps=["Kích hoạt tài khoản trên máy tính bảng"])
    # "bang" is in one article only: it holds all five words and comes first; the other holds four.
    assert titles(people.team_member, "kich hoat tai khoan bang") == [
        "Tài khoản định danh",
        "Kích hoạt tài khoản định danh",
    ]
    # A word mistyped ("khaon") costs one word of five, not the article.
    assert titles(people.team_member, "kich hoat tai khaon dinh") == [
        "Kích hoạt tài khoản định danh",
        "Tài khoản định danh",
    ]


def test_words_together_and_in_order_beat_the_same_words_scattered(write_article, people):
    write_article("scattered", "Cảnh báo cho người cao tuổi", steps=["Gọi điện hỏi vay, gửi video, đòi tiền"])
    write_article("together", "Cảnh báo cho người lớn tuổi", steps=["Người quen gọi video vay tiền"])
    write_article("part", "Cảnh báo cho các cụ", steps=["Vay tiền rồi mới gọi video"])
    assert titles(people.team_member, "goi video vay tien") == [
        "Cảnh báo cho người lớn tuổi",  # the phrase itself
        "Cảnh báo cho các cụ",  # "gọi video" and "vay tiền": two of its three pairs
        "Cảnh báo cho người cao tuổi",  # the four words, none next to the next
    ]


def test_phrase_in_the_title_beats_the_phrase_in_the_text(write_article, people):
    write_article("text", "Cách nhận biết", steps=["Mã xác thực không đưa cho ai"])
    write_article("title", "Mã xác thực gửi qua tin nhắn là gì")
    assert titles(people.team_member, "ma xac thuc") == [
        "Mã xác thực gửi qua tin nhắn là gì",
        "Cách nhận biết",
    ]


@pytest.mark.parametrize(
    ("query", "written"),
    [
        ("smartphone", "Không có điện thoại thông minh"),
        ("điện thoại thông minh", "Cài ứng dụng trên smartphone"),
        ("cccd", "Mang thẻ căn cước đến công an xã"),
        ("căn cước công dân", "Làm lại CCCD bị mất"),
        ("OTP", "Không đọc mã xác thực cho ai"),
        ("mã xác thực", "Không đọc mã OTP cho ai"),
        ("chuyển khoản nhầm", "Lỡ chuyển tiền nhầm người"),
        ("chuyen tien", "Chuyển khoản bằng mã QR"),
        ("mạo danh", "Kẻ giả danh cán bộ"),
        ("fb", "Bảo vệ tài khoản Facebook"),
        ("bhxh", "Bảo hiểm xã hội số"),
        ("truc tuyen", "Nộp hồ sơ online"),
        ("smartph", "Không có điện thoại thông minh"),  # still typing "smartphone"
    ],
)
def test_common_synonyms_fold_together(write_article, people, query, written):
    write_article("bai", written)
    write_article("khac", "Trồng hoa và bán trên mạng")
    assert titles(people.team_member, query) == [written]


def test_police_and_cong_an_fold_together_only_about_impersonation(write_article, people):
    write_article("gia-danh", "Kẻ giả danh công an gọi video")
    write_article("csgt", "Tin nhắn phạt nguội của cảnh sát giao thông là giả")
    assert titles(people.team_member, "giả danh cảnh sát") == ["Kẻ giả danh công an gọi video"]
    assert titles(people.team_member, "cảnh sát giả") == [
        "Kẻ giả danh công an gọi video",
        "Tin nhắn phạt nguội của cảnh sát giao thông là giả",
    ]
    # Not about impersonation: traffic police are not "công an" in general.
    assert titles(people.team_member, "cảnh sát giao thông") == [
        "Tin nhắn phạt nguội của cảnh sát giao thông là giả"
    ]
    assert titles(people.team_member, "cong an goi video") == ["Kẻ giả danh công an gọi video"]


def test_question_words_are_not_needed(write_article, people):
    write_article("kich-hoat", "Kích hoạt VNeID", steps=["Mở ứng dụng", "Nhập số định danh"])
    assert titles(people.team_member, "làm sao để kích hoạt vneid") == ["Kích hoạt VNeID"]
    assert titles(people.team_member, "kích hoạt vneid ở đâu") == ["Kích hoạt VNeID"]


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
