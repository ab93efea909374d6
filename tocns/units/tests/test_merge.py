import datetime

import pytest

from tocns.audit.models import AuditEntry
from tocns.units.models import Unit, UnitChange, UnitChangeKind
from tocns.units.services import current_successors, merge_units, rename_unit

MERGE_DAY = datetime.date(2026, 3, 1)


def test_merging_villages_keeps_the_old_ones_and_the_crosswalk(tree, people):
    new = merge_units(
        sources=[tree.coc_leu, tree.kim_tan],
        new_name="Tổ dân phố Cốc Lếu - Kim Tân",
        effective_date=MERGE_DAY,
        actor=people.commune_officer,
        decision="NQ 01/2026",
    )
    tree.coc_leu.refresh_from_db()
    tree.kim_tan.refresh_from_db()
    # The old villages still exist, valid until the day before the merge.
    assert tree.coc_leu.valid_to == tree.kim_tan.valid_to == datetime.date(2026, 2, 28)
    before, after = datetime.date(2026, 2, 1), datetime.date(2026, 4, 1)
    villages = Unit.objects.filter(parent=tree.phuong_lao_cai)
    assert set(villages.current(before)) == {tree.coc_leu, tree.kim_tan}
    assert set(villages.current(after)) == {new}
    # The crosswalk: old -> new, and history "as it is now" goes to the merged village.
    change = UnitChange.objects.get(kind=UnitChangeKind.MERGE)
    assert {(link.old_unit, link.new_unit) for link in change.links.all()} == {
        (tree.coc_leu, new),
        (tree.kim_tan, new),
    }
    assert current_successors(tree.coc_leu, on=after) == [new]
    assert current_successors(tree.coc_leu, on=before) == [tree.coc_leu]
    assert new.households == 320 + 280
    assert new.code == "02647-003"
    assert AuditEntry.objects.filter(action="merge", actor=people.commune_officer).count() == 2


def test_merging_communes_moves_their_villages_and_follows_chains(tree):
    second = Unit.objects.create(
        code="02954", name="Xã Bên Cạnh", kind="commune", parent=tree.lao_cai, path="/15/02954/", depth=1
    )
    merged = merge_units(
        sources=[tree.phuong_lao_cai, second],
        new_name="Phường Lào Cai Mới",
        new_code="02999",
        effective_date=MERGE_DAY,
    )
    tree.coc_leu.refresh_from_db()
    assert tree.coc_leu.parent == merged
    assert tree.coc_leu.path == "/15/02999/02647-001/"
    assert tree.coc_leu.depth == 2
    renamed = rename_unit(unit=merged, new_name="Phường Cam Đường", effective_date=datetime.date(2026, 6, 1))
    assert current_successors(tree.phuong_lao_cai, on=datetime.date(2026, 7, 1)) == [renamed]


def test_merge_refuses_units_of_different_parents(tree):
    with pytest.raises(ValueError):
        merge_units(sources=[tree.coc_leu, tree.na_lang], new_name="X", effective_date=MERGE_DAY)


def test_merging_villages_moves_their_teams_to_the_merged_village(tree, rosters, people):
    from tocns.teams.models import Team
    from tocns.teams.services import create_team

    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    other = rosters.lung_cu.unit
    new = merge_units(
        sources=[tree.coc_leu, tree.kim_tan],
        new_name="Tổ dân phố Cốc Lếu - Kim Tân",
        effective_date=MERGE_DAY,
        actor=people.commune_officer,
    )
    assert set(Team.objects.filter(unit=new)) == {rosters.coc_leu, kim_tan}
    assert Team.objects.get(pk=rosters.lung_cu.pk).unit == other  # elsewhere: untouched
    moves = AuditEntry.objects.filter(object_type="team", action="update", actor=people.commune_officer)
    assert {(e.object_id, e.before["unit"], e.after["unit"]) for e in moves} == {
        (str(rosters.coc_leu.pk), tree.coc_leu.code, new.code),
        (str(kim_tan.pk), tree.kim_tan.code, new.code),
    }
