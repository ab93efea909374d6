from fractions import Fraction

import pytest

from tocns.conftest import make_unit
from tocns.plans.split import largest_remainder, recipients
from tocns.teams.services import create_team
from tocns.units.models import UnitKind


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (1000, [100, 200, 400], [143, 286, 571]),
        (1000, [1, 1, 1], [334, 333, 333]),
        (1000, [320, 0, 280], [533, 0, 467]),
        (7, [0, 0, 0], [3, 2, 2]),
        (0, [5, 9], [0, 0]),
        (1, [1, 1, 1], [1, 0, 0]),
        (999_999, [Fraction(1, 3), Fraction(2, 3)], [333_333, 666_666]),
    ],
)
def test_largest_remainder_adds_up_exactly(total, weights, expected):
    values = largest_remainder(total, weights)
    assert values == expected
    assert sum(values) == total


def test_largest_remainder_many_awkward_weights_always_add_up():
    weights = [3, 7, 11, 13, 0, 17, 19, 23, 1, 2]
    for total in range(0, 500, 7):
        assert sum(largest_remainder(total, weights)) == total


def test_communes_weigh_their_villages_households(tree):
    weights = {r.unit.code: r.weight for r in recipients(tree.lao_cai, "units")}
    assert weights == {tree.phuong_lao_cai.code: 600, tree.muong_khuong.code: 95}


def test_missing_household_data_counts_as_average_villages_and_zero_counts_as_zero(tree):
    # Villages with a count under Lào Cai: 320, 280, 95 and 0 -> the average village has 695/4 households.
    no_data = make_unit("02980", "Xã Bản Lầu", UnitKind.COMMUNE, tree.lao_cai)
    make_unit("02980-001", "Thôn Một", UnitKind.VILLAGE, no_data)
    make_unit("02980-002", "Thôn Hai", UnitKind.VILLAGE, no_data)
    make_unit("02990", "Xã Chưa Có Thôn", UnitKind.COMMUNE, tree.lao_cai)
    empty = make_unit("02995", "Xã Không Hộ", UnitKind.COMMUNE, tree.lao_cai)
    make_unit("02995-001", "Thôn Không", UnitKind.VILLAGE, empty, households=0)
    weights = {r.unit.code: r.weight for r in recipients(tree.lao_cai, "units")}
    average = Fraction(695, 4)
    assert weights["02980"] == 2 * average  # two villages without data
    assert weights["02990"] == average  # no village at all: one average village
    assert weights["02995"] == 0
    assert weights[tree.phuong_lao_cai.code] == 600


def test_without_any_household_data_the_split_is_by_villages_then_equal(db):
    province = make_unit("99", "Tỉnh Thử", UnitKind.PROVINCE)
    two = make_unit("99001", "Xã Hai Thôn", UnitKind.COMMUNE, province)
    make_unit("99001-001", "A", UnitKind.VILLAGE, two)
    make_unit("99001-002", "B", UnitKind.VILLAGE, two)
    one = make_unit("99002", "Xã Một Thôn", UnitKind.COMMUNE, province)
    make_unit("99002-001", "C", UnitKind.VILLAGE, one)
    weights = {r.unit.code: r.weight for r in recipients(province, "units")}
    assert weights == {"99001": 2, "99002": 1}
    bare = make_unit("98", "Tỉnh Trống", UnitKind.PROVINCE)
    make_unit("98001", "Xã X", UnitKind.COMMUNE, bare)
    make_unit("98002", "Xã Y", UnitKind.COMMUNE, bare)
    assert [r.weight for r in recipients(bare, "units")] == [1, 1]


def test_teams_share_their_villages_households(tree, rosters):
    second = create_team(actor=None, unit=tree.coc_leu, name="Tổ CNS Cốc Lếu 2")
    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    weights = {r.team.pk: r.weight for r in recipients(tree.phuong_lao_cai, "teams")}
    assert weights == {rosters.coc_leu.pk: 160, second.pk: 160, kim_tan.pk: 280}
