from tocns.conftest import make_unit
from tocns.teams.models import MemberRole, TeamStatus
from tocns.teams.selectors import Coverage, coverage_of
from tocns.teams.services import add_member, create_team, member_leaves
from tocns.units.models import UnitKind


def build(tree):
    """Two communes of Lào Cai with teams in some villages, one at commune level, one dissolved."""
    extra = make_unit("02953-002", "Thôn Pha Long", UnitKind.VILLAGE, tree.muong_khuong, households=80)
    coc_leu = create_team(actor=None, unit=tree.coc_leu, name="Tổ Cốc Lếu")
    add_member(
        actor=None, team=coc_leu, full_name="A", role=MemberRole.LEADER, birth_year=1970, has_smartphone=True
    )
    add_member(actor=None, team=coc_leu, full_name="B", birth_year=2000, has_smartphone=True)
    gone = add_member(actor=None, team=coc_leu, full_name="C", birth_year=2001)
    member_leaves(actor=None, member=gone)
    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ Na Lang")
    add_member(actor=None, team=na_lang, full_name="D", birth_year=1995, has_smartphone=False)
    add_member(actor=None, team=na_lang, full_name="E")
    commune_team = create_team(actor=None, unit=tree.muong_khuong, name="Tổ CNS xã")
    add_member(actor=None, team=commune_team, full_name="F", role=MemberRole.LEADER, birth_year=1960)
    dissolved = create_team(actor=None, unit=extra, name="Tổ Pha Long", status=TeamStatus.DISSOLVED)
    add_member(actor=None, team=dissolved, full_name="G", birth_year=1990)
    # The other province must not leak into Lào Cai's figures.
    add_member(actor=None, team=create_team(actor=None, unit=tree.lung_cu, name="Tổ Lũng Cú"), full_name="H")


def test_coverage_counts_villages_members_youth_smartphones_and_leaderless_teams(tree):
    build(tree)
    assert coverage_of(tree.phuong_lao_cai) == Coverage(
        villages=2,
        villages_with_team=1,
        active_teams=1,
        teams_without_leader=0,
        members=2,
        members_with_birth_year=2,
        members_under_35=1,
        members_with_smartphone=2,
    )
    muong_khuong = coverage_of(tree.muong_khuong)
    assert (muong_khuong.villages, muong_khuong.villages_with_team) == (2, 1)  # dissolved team does not cover
    assert (muong_khuong.active_teams, muong_khuong.teams_without_leader, muong_khuong.members) == (2, 1, 3)
    assert muong_khuong.under_35_share == 50  # of the two members with a known birth year
    assert muong_khuong.village_share == 50


def test_a_province_equals_the_sum_of_its_communes(tree):
    build(tree)
    province = coverage_of(tree.lao_cai)
    communes = [coverage_of(tree.phuong_lao_cai), coverage_of(tree.muong_khuong)]
    for field in Coverage.__dataclass_fields__:
        assert getattr(province, field) == sum(getattr(c, field) for c in communes), field
    assert province.villages_with_team == 2 and province.village_share == 50


def test_unit_page_shows_coverage(tree, client_for):
    build(tree)
    page = client_for("province_officer").get(f"/don-vi/{tree.lao_cai.code}/")
    assert page.context["coverage"].members == 5
    assert "2/4" in page.text and "thôn có tổ" in page.text
    children = {c.name: c.coverage.members for c in page.context["children"]}
    assert children == {"Phường Lào Cai": 2, "Xã Mường Khương": 3}


def test_coverage_by_child_equals_the_per_unit_coverage(tree):
    from tocns.teams.selectors import coverage_by_child, with_coverage
    from tocns.units.models import Unit
    from tocns.units.selectors import children_of

    build(tree)
    for parent in (tree.lao_cai, tree.phuong_lao_cai, tree.muong_khuong):
        children = list(children_of(parent))
        by_child = coverage_by_child(parent, children)
        # with_coverage is the definition: correlated counts per unit, independent of the grouped pass.
        expected = {unit.pk: Coverage.of(unit) for unit in with_coverage(Unit.objects.filter(parent=parent))}
        assert by_child == {child.pk: expected[child.pk] for child in children}
        assert coverage_of(parent) == Coverage.of(with_coverage(Unit.objects.filter(pk=parent.pk)).get())


def test_teams_under_a_unit_are_its_own_and_those_of_units_below_it(tree):
    from tocns.teams.models import Team
    from tocns.teams.selectors import under

    build(tree)

    def names(unit, teams=None):
        return sorted(
            under(Team.objects.all() if teams is None else teams, unit).values_list("name", flat=True)
        )

    assert names(tree.muong_khuong) == ["Tổ CNS xã", "Tổ Na Lang", "Tổ Pha Long"]
    assert names(tree.lao_cai) == ["Tổ CNS xã", "Tổ Cốc Lếu", "Tổ Na Lang", "Tổ Pha Long"]
    assert names(tree.na_lang) == ["Tổ Na Lang"]
    assert names(tree.tuyen_quang) == ["Tổ Lũng Cú"]
    # A narrower scope given stays narrow: under() only adds the unit's subtree.
    assert names(tree.lao_cai, Team.objects.filter(name="Tổ Na Lang")) == ["Tổ Na Lang"]
