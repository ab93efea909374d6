import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tocns.audit.models import AuditEntry
from tocns.conftest import make_unit
from tocns.plans import services
from tocns.plans.models import Indicator, Plan, SplitTo, Target
from tocns.teams.services import create_team
from tocns.units.models import UnitKind


def shares_of(target):
    return {s.recipient.name: (s.value, s.manual) for s in target.shares.select_related("unit", "team")}


def test_a_target_is_split_by_households_and_adds_up_exactly(vneid_target, tree):
    assert shares_of(vneid_target) == {"Phường Lào Cai": (863, False), "Xã Mường Khương": (137, False)}
    assert AuditEntry.objects.filter(object_type="target", action="create").exists()


def test_1000_over_three_unequal_communes_and_one_without_households(people, vneid, this_year):
    province = make_unit("40", "Nghệ An", UnitKind.PROVINCE)
    for code, households in [("40001", 100), ("40002", 200), ("40003", 400), ("40004", 0)]:
        commune = make_unit(code, f"Xã {code}", UnitKind.COMMUNE, province)
        make_unit(f"{code}-001", f"Thôn {code}", UnitKind.VILLAGE, commune, households=households)
    plan = services.create_plan(actor=None, unit=province, year=this_year, title="KH")
    target = services.add_target(
        actor=None, plan=plan, indicator=Indicator.SERVICE_COMPLETED, service=vneid, value=1000
    )
    values = {s.unit.code: s.value for s in target.shares.select_related("unit")}
    assert values == {"40001": 143, "40002": 286, "40003": 571, "40004": 0}
    assert sum(values.values()) == 1000


def test_a_share_set_by_hand_re_splits_the_others_and_keeps_the_total(vneid_target, people, tree):
    muong_khuong = vneid_target.shares.get(unit=tree.muong_khuong)
    services.set_share(actor=people.province_officer, share=muong_khuong, value=300)
    assert shares_of(vneid_target) == {"Phường Lào Cai": (700, False), "Xã Mường Khương": (300, True)}
    entry = AuditEntry.objects.filter(object_type="targetshare").latest("pk")
    assert (entry.before["value"], entry.before["manual"]) == (137, False)
    assert (entry.after["value"], entry.after["manual"]) == (300, True)
    assert entry.after["shares"] == {"Phường Lào Cai": 700, "Xã Mường Khương": 300}
    # A new commune appears: the hand-set share stays, the rest is shared again by households.
    new = make_unit("02981", "Xã Bản Xen", UnitKind.COMMUNE, tree.lao_cai)
    make_unit("02981-001", "Thôn Xen", UnitKind.VILLAGE, new, households=600)
    services.split_target(vneid_target)
    assert shares_of(vneid_target) == {
        "Phường Lào Cai": (350, False),
        "Xã Bản Xen": (350, False),
        "Xã Mường Khương": (300, True),
    }
    services.release_share(actor=people.province_officer, share=muong_khuong)
    assert sum(v for v, _m in shares_of(vneid_target).values()) == 1000
    assert not any(m for _v, m in shares_of(vneid_target).values())


def test_hand_set_shares_above_the_target_are_refused(vneid_target, people, tree):
    share = vneid_target.shares.get(unit=tree.phuong_lao_cai)
    with pytest.raises(ValidationError) as refused:
        services.set_share(actor=people.province_officer, share=share, value=1001)
    assert "vượt chỉ tiêu" in refused.value.messages[0]
    assert shares_of(vneid_target) == {"Phường Lào Cai": (863, False), "Xã Mường Khương": (137, False)}


def test_when_every_share_is_by_hand_they_must_add_up_to_the_target(vneid_target, people, tree):
    services.set_share(actor=None, share=vneid_target.shares.get(unit=tree.phuong_lao_cai), value=900)
    with pytest.raises(ValidationError) as refused:
        services.set_share(actor=None, share=vneid_target.shares.get(unit=tree.muong_khuong), value=50)
    assert "chưa bằng chỉ tiêu" in refused.value.messages[0]
    services.set_share(actor=None, share=vneid_target.shares.get(unit=tree.muong_khuong), value=100)
    assert sum(v for v, _m in shares_of(vneid_target).values()) == 1000


def test_a_percentage_target_gives_every_child_the_same_percentage(province_plan):
    target = services.add_target(
        actor=None, plan=province_plan, indicator=Indicator.HOUSEHOLDS_SHARE, value=80
    )
    assert shares_of(target) == {"Phường Lào Cai": (80, False), "Xã Mường Khương": (80, False)}
    services.set_share(actor=None, share=target.shares.get(unit__code="02953"), value=60)
    assert shares_of(target) == {"Phường Lào Cai": (80, False), "Xã Mường Khương": (60, True)}


def test_a_plan_has_one_target_per_indicator_and_service(vneid_target, province_plan, vneid):
    with pytest.raises(ValidationError):
        services.add_target(
            actor=None, plan=province_plan, indicator=Indicator.SERVICE_COMPLETED, service=vneid, value=5
        )
    with pytest.raises(ValidationError):
        services.add_target(actor=None, plan=province_plan, indicator=Indicator.HOUSEHOLDS_SHARE, value=101)


def test_cascade_gives_each_commune_a_plan_with_its_shares(
    vneid_target, province_plan, people, tree, rosters
):
    create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    activities = services.add_target(actor=None, plan=province_plan, indicator=Indicator.ACTIVITIES, value=50)
    children = services.cascade_to_children(actor=people.province_officer, plan=province_plan)
    assert sorted(p.unit.code for p in children) == [tree.phuong_lao_cai.code, tree.muong_khuong.code]
    phuong = Plan.objects.get(unit=tree.phuong_lao_cai, parent=province_plan)
    assert (phuong.year, phuong.status, phuong.unit_path) == (
        province_plan.year,
        province_plan.status,
        tree.phuong_lao_cai.path,
    )
    inherited = {(t.indicator, t.value, t.split_to) for t in phuong.targets.all()}
    assert inherited == {
        (Indicator.SERVICE_COMPLETED, 863, SplitTo.TEAMS),
        (Indicator.ACTIVITIES, activities.shares.get(unit=tree.phuong_lao_cai).value, SplitTo.TEAMS),
    }
    vneid_here = phuong.targets.get(indicator=Indicator.SERVICE_COMPLETED)
    assert vneid_here.source_share == vneid_target.shares.get(unit=tree.phuong_lao_cai)
    # ... and the commune's target is split over its teams by their village's households (320 : 280).
    assert shares_of(vneid_here) == {"Tổ CNS Cốc Lếu": (460, False), "Tổ CNS Kim Tân": (403, False)}
    # Mường Khương has no team yet: its plan has the target and no shares.
    assert (
        Target.objects.get(plan__unit=tree.muong_khuong, indicator=Indicator.SERVICE_COMPLETED).value == 137
    )
    assert AuditEntry.objects.filter(object_type="plan", action="create").count() == 3


def test_a_cascade_reads_each_communes_teams_once_whatever_its_number_of_targets(
    vneid_target, province_plan, tree, rosters
):
    """A province's 166 communes with three targets each: the cascade took 4.5 s reading every commune's
    villages and teams once per target, and re-reading shares of targets it had just created."""
    create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    services.add_target(actor=None, plan=province_plan, indicator=Indicator.ACTIVITIES, value=50)
    services.add_target(actor=None, plan=province_plan, indicator=Indicator.HOUSEHOLDS_SHARE, value=60)
    with CaptureQueriesContext(connection) as run:
        children = services.cascade_to_children(actor=None, plan=province_plan)
    assert len(children) == 2 and Target.objects.filter(plan__parent=province_plan).count() == 6
    team_reads = [q["sql"] for q in run.captured_queries if 'FROM "teams_team"' in q["sql"]]
    assert len(team_reads) == len(children)
    # A target made by the cascade has no shares to re-read and nothing inheriting from them yet.
    share_reads = [
        q["sql"] for q in run.captured_queries if q["sql"].startswith('SELECT "plans_targetshare"."id"')
    ]
    assert share_reads == [share_reads[0]]  # the province's shares to cascade, read once
    # Cascading again re-splits each inherited target over the same teams, still read once per commune.
    with CaptureQueriesContext(connection) as again:
        services.cascade_to_children(actor=None, plan=province_plan)
    assert len([q for q in again.captured_queries if 'FROM "teams_team"' in q["sql"]]) == len(children)


def test_the_inherited_target_follows_the_parent_share_and_cascading_twice_adds_nothing(
    vneid_target, province_plan, people, tree, rosters
):
    create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    services.cascade_to_children(actor=None, plan=province_plan)
    services.set_share(actor=None, share=vneid_target.shares.get(unit=tree.phuong_lao_cai), value=700)
    child = Target.objects.get(plan__unit=tree.phuong_lao_cai)
    assert child.value == 700
    assert sum(s.value for s in child.shares.all()) == 700
    services.cascade_to_children(actor=None, plan=province_plan)
    assert Plan.objects.count() == 3 and Target.objects.count() == 3
    # The commune gave its team 650 by hand: the province cannot cut the commune's share below that.
    services.set_share(actor=None, share=child.shares.get(team=rosters.coc_leu), value=650)
    with pytest.raises(ValidationError) as refused:
        services.set_share(actor=None, share=vneid_target.shares.get(unit=tree.phuong_lao_cai), value=600)
    assert refused.value.messages[0].startswith("Kế hoạch của Phường Lào Cai:")
    child.refresh_from_db()
    assert child.value == 700


def test_a_communes_own_plan_for_the_year_is_adopted_not_duplicated(
    vneid_target, province_plan, people, tree, vneid
):
    own = services.create_plan(
        actor=people.commune_officer, unit=tree.phuong_lao_cai, year=province_plan.year, title="KH xã"
    )
    mine = services.add_target(
        actor=None, plan=own, indicator=Indicator.SERVICE_COMPLETED, service=vneid, value=10
    )
    services.cascade_to_children(actor=None, plan=province_plan)
    own.refresh_from_db()
    mine.refresh_from_db()
    assert own.parent == province_plan
    assert (mine.value, mine.source_share.unit) == (863, tree.phuong_lao_cai)
    assert Plan.objects.filter(unit=tree.phuong_lao_cai).count() == 1


def test_cascade_needs_shares_for_communes(province_plan):
    with pytest.raises(ValidationError):
        services.cascade_to_children(actor=None, plan=province_plan)


def test_only_provinces_and_communes_make_plans(tree):
    with pytest.raises(ValidationError):
        services.create_plan(actor=None, unit=tree.coc_leu, year=2026, title="KH thôn")
