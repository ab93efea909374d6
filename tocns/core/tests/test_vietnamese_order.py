"""Lists of units, teams and shares in Vietnamese alphabetical order, on SQLite and PostgreSQL alike.

The expected order is what PostgreSQL's ICU collation "vi-x-icu" gives for these names (SELECT ... ORDER BY
x COLLATE "vi-x-icu"): a database made with the C locale, and SQLite, order by code point instead, which puts
Â, Đ and every other accented first letter after Y."""

import random

from tocns.conftest import PASSWORD, make_unit
from tocns.core.queries import vi_order
from tocns.core.text import vi_key
from tocns.units.models import Unit, UnitKind

ICU_ORDER = (
    "a à ả ã á ạ Ái Nghĩa An Phú ă ăn â Ân Thi Âu Lâu b d Dung Dũng đ Đa Đông Sơn e ê Phường 1 Phường 10 "
    "Phường 2 Phường Ba Xã An Xã Âu Lâu Xã Ba Xã Yên Yên Bái"
)
WORDS = [
    "a", "à", "ả", "ã", "á", "ạ", "Ái Nghĩa", "An Phú", "ă", "ăn", "â", "Ân Thi", "Âu Lâu", "b", "d", "Dung",
    "Dũng", "đ", "Đa", "Đông Sơn", "e", "ê", "Phường 1", "Phường 10", "Phường 2", "Phường Ba", "Xã An",
    "Xã Âu Lâu", "Xã Ba", "Xã Yên", "Yên Bái",
]  # fmt: skip


def test_the_sort_key_orders_as_icus_vietnamese_collation():
    shuffled = WORDS[:]
    random.Random(5).shuffle(shuffled)
    assert " ".join(sorted(shuffled, key=vi_key)) == ICU_ORDER
    assert sorted(["Xã Yên", "Xã Đông Sơn", "Xã Âu Lâu", "Xã Dung"]) != sorted(
        ["Xã Yên", "Xã Đông Sơn", "Xã Âu Lâu", "Xã Dung"], key=vi_key
    )  # code point order differs: the case this is for


def test_the_database_orders_names_the_same_way(tree):
    names = ["Xã Yên", "Xã Đông Sơn", "Xã Âu Lâu", "Xã Dung", "Xã An", "Phường 2", "Phường 10", "Xã Dũng"]
    for number, name in enumerate(names):
        make_unit(f"0{9100 + number}", name, UnitKind.COMMUNE, tree.lao_cai)
    ordered = list(
        Unit.objects.filter(parent=tree.lao_cai, code__startswith="091")
        .order_by(*vi_order("name"))
        .values_list("name", flat=True)
    )
    assert ordered == sorted(names, key=vi_key)
    assert ordered == [
        "Phường 10",
        "Phường 2",
        "Xã An",
        "Xã Âu Lâu",
        "Xã Dung",
        "Xã Dũng",
        "Xã Đông Sơn",
        "Xã Yên",
    ]


def test_a_province_page_lists_its_communes_in_vietnamese_order(client, tree, people):
    for number, name in enumerate(["Xã Yên Thành", "Xã Đông Sơn", "Xã Âu Lâu"]):
        make_unit(f"0{9200 + number}", name, UnitKind.COMMUNE, tree.lao_cai)
    client.login(username="canbo.tinh", password=PASSWORD)
    page = client.get(f"/don-vi/{tree.lao_cai.code}/").content.decode()
    at = [
        page.index(name)
        for name in ("Phường Lào Cai", "Xã Âu Lâu", "Xã Đông Sơn", "Xã Mường Khương", "Xã Yên Thành")
    ]
    assert at == sorted(at)
