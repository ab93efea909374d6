import pytest

from tocns.conftest import make_unit
from tocns.core.text import fold
from tocns.units.models import UnitKind


@pytest.mark.parametrize(
    "text, folded",
    [("Lào Cai", "lao cai"), ("Đồng Văn", "dong van"), ("  Phường  ĐẶC khu ", "phuong dac khu"), ("", "")],
)
def test_fold_strips_diacritics_and_d(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("query", ["lao cai", "LAO CAI", "Lào Cai", "cai lao"])
def test_search_finds_units_without_diacritics(tree, client_for, query):
    page = client_for("admin").get("/don-vi/", {"q": query}).text
    assert "Phường Lào Cai" in page
    assert "Xã Đồng Văn" not in page


def test_search_finds_dong_van_for_dong_van(tree, client_for):
    page = client_for("admin").get("/don-vi/", {"q": "dong van"}).text
    assert "Xã Đồng Văn" in page


def test_search_stays_in_scope(tree, client_for):
    page = client_for("commune_officer").get("/don-vi/", {"q": "dong van"}).text
    assert "Xã Đồng Văn" not in page
    assert "Không tìm thấy đơn vị nào trong phạm vi của bạn" in page
    assert "Tổ dân phố Cốc Lếu" in client_for("commune_officer").get("/don-vi/", {"q": "coc leu"}).text


def test_province_page_counts_communes_villages_and_households(tree, client_for):
    response = client_for("province_officer").get(f"/don-vi/{tree.lao_cai.code}/")
    totals = response.context["totals"]
    assert (totals.commune_count, totals.village_count, totals.household_count) == (2, 3, 320 + 280 + 95)
    children = {c.name: (c.village_count, c.household_count) for c in response.context["children"]}
    assert children == {"Phường Lào Cai": (2, 600), "Xã Mường Khương": (1, 95)}


def test_unit_browser_starts_at_the_users_units(tree, client_for):
    assert [u.name for u in client_for("admin").get("/don-vi/").context["roots"]] == [
        "Lào Cai",
        "Tuyên Quang",
    ]
    assert [u.name for u in client_for("commune_officer").get("/don-vi/").context["roots"]] == [
        "Phường Lào Cai"
    ]
    assert [u.name for u in client_for("team_member").get("/don-vi/").context["roots"]] == [
        "Tổ dân phố Cốc Lếu"
    ]


def test_breadcrumbs_link_only_to_units_in_scope(tree, client_for):
    page = client_for("commune_officer").get(f"/don-vi/{tree.coc_leu.code}/").text
    assert f'href="/don-vi/{tree.phuong_lao_cai.code}/"' in page
    assert f'href="/don-vi/{tree.lao_cai.code}/"' not in page and "Lào Cai ›" in page


def test_unit_pages_do_not_grow_queries_with_children(tree, client_for, django_assert_max_num_queries):
    client = client_for("province_officer")
    with django_assert_max_num_queries(12) as few:
        client.get(f"/don-vi/{tree.lao_cai.code}/")
    for number in range(40):
        commune = make_unit(f"0300{number:02d}", f"Xã Thêm {number}", UnitKind.COMMUNE, tree.lao_cai)
        make_unit(f"0300{number:02d}-001", f"Thôn {number}", UnitKind.VILLAGE, commune)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/don-vi/{tree.lao_cai.code}/")
    assert len(response.context["children"]) == 42
    for url in ["/don-vi/", "/", "/don-vi/?q=xa"]:
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)


def test_home_page_differs_by_role(tree, client_for):
    assert "Toàn quốc" in client_for("admin").get("/").text
    officer = client_for("commune_officer").get("/").text
    assert "Đơn vị bạn phụ trách" in officer and "Nhập danh sách thôn từ Excel" in officer
    member = client_for("team_member").get("/").text
    assert "Thôn/tổ của bạn" in member and "Nhập danh sách thôn" not in member and "Nhật ký" not in member
    assert "chưa được phân quyền" in client_for("no_role").get("/").text


def test_numbers_and_dates_use_vietnamese_format(tree, client_for):
    tree.coc_leu.households = 1234
    tree.coc_leu.save()
    page = client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/").text
    assert "1.234 hộ" in page
    tree.phuong_lao_cai.valid_from = "2025-07-01"
    tree.phuong_lao_cai.save()
    assert (
        "hiệu lực từ 01/07/2025"
        in client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/").text
    )


def test_read_only_user_cannot_edit_a_village(tree, client_for):
    response = client_for("team_leader").post(
        f"/don-vi/{tree.coc_leu.code}/sua/", {"name": "X", "households": 1}
    )
    assert response.status_code == 403
    tree.coc_leu.refresh_from_db()
    assert tree.coc_leu.name == "Tổ dân phố Cốc Lếu"


def test_a_phone_set_to_english_still_gets_vietnamese_number_format(tree, client_for):
    tree.coc_leu.households = 1234
    tree.coc_leu.save()
    page = client_for("commune_officer").get(
        f"/don-vi/{tree.phuong_lao_cai.code}/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert "1.234 hộ" in page.text
    assert page["Content-Language"] == "vi"


@pytest.mark.parametrize("max_prefixes", [20, 1])  # read per unit's path, or under the common ancestor
def test_counts_below_each_unit_equal_a_recount(tree, monkeypatch, max_prefixes):
    import datetime

    from tocns.units import selectors
    from tocns.units.models import Unit

    monkeypatch.setattr(selectors, "MAX_PREFIXES", max_prefixes)
    make_unit("02647-003", "Tổ dân phố Đã Nhập", UnitKind.VILLAGE, tree.phuong_lao_cai, households=40)
    Unit.objects.filter(code="02647-003").update(valid_to=datetime.date(2025, 6, 30))  # merged away
    make_unit("00721-002", "Thôn Chưa Có Số Hộ", UnitKind.VILLAGE, tree.dong_van)
    units = list(Unit.objects.order_by("path"))
    current = [u for u in units if u.is_current]

    def recount(unit):
        below = [u for u in current if u.path.startswith(unit.path)]
        villages = [u for u in below if u.kind == UnitKind.VILLAGE]
        return (
            sum(u.kind == UnitKind.COMMUNE for u in below),
            len(villages),
            sum(u.households or 0 for u in villages),
        )

    counted = selectors.with_counts(units)
    assert {u.code: (u.commune_count, u.village_count, u.household_count) for u in counted} == {
        u.code: recount(u) for u in units
    }
    assert (tree.lao_cai.code, (2, 3, 320 + 280 + 95)) in [
        (u.code, (u.commune_count, u.village_count, u.household_count)) for u in counted
    ]
    # A unit and one below it, given together, are each counted once.
    pair = selectors.with_counts([tree.phuong_lao_cai, Unit.objects.get(code="02647-001")])
    assert [(u.village_count, u.household_count) for u in pair] == [(2, 600), (1, 320)]
    assert selectors.with_counts([]) == []


def test_unit_pages_count_in_a_fixed_number_of_queries(tree, client_for, django_assert_max_num_queries):
    for i in range(6):
        commune = make_unit(f"0299{i}", f"Xã Thử {i}", UnitKind.COMMUNE, tree.lao_cai)
        make_unit(f"0299{i}-001", f"Thôn {i}", UnitKind.VILLAGE, commune, households=10)
    client = client_for("province_officer")
    with django_assert_max_num_queries(20):
        page = client.get(f"/don-vi/{tree.lao_cai.code}/")
    assert [c.village_count for c in page.context["children"]].count(1) == 7


def test_official_names_have_one_space_and_units_are_counted_by_their_type(db):
    from tocns.units.models import Unit, UnitKind
    from tocns.units.selectors import with_counts
    from tocns.units.services import load_official_units

    load_official_units()
    assert not Unit.objects.filter(name__contains="  ").exists()
    assert Unit.objects.get(code="12745").name == "Xã Bắc Đông Quan"
    hcm = with_counts([Unit.objects.get(code="79")])[0]
    kinds = hcm.commune_kinds
    assert sum(kinds.values()) == hcm.commune_count == 168 and set(kinds) == {"xã", "phường", "đặc khu"}
    assert hcm.commune_words == f"{kinds['xã']} xã, {kinds['phường']} phường, {kinds['đặc khu']} đặc khu"
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 34


def test_a_unit_is_named_by_its_own_type(tree, client_for):
    from tocns.conftest import make_unit

    assert (tree.lao_cai.type_label, tree.muong_khuong.type_label, tree.phuong_lao_cai.type_label) == (
        "Tỉnh",
        "Xã",
        "Phường",
    )
    assert (tree.coc_leu.type_label, tree.na_lang.type_label) == ("Tổ dân phố", "Thôn")
    assert make_unit("11959", "Đặc khu Cát Hải", "commune", tree.lao_cai).type_label == "Đặc khu"
    page = client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/").content.decode()
    assert "Phường · mã 02647" in page and "Xã/phường/đặc khu ·" not in page
