from django.core.management import call_command

from tocns.units.models import Unit, UnitChange, UnitChangeKind, UnitKind
from tocns.units.services import load_official_units


def test_loads_34_provinces_and_3321_communes_with_official_codes(db):
    call_command("load_units")
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 34
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE)
    assert communes.count() == 3321
    assert communes.filter(division_type="xã").count() == 2621
    assert communes.filter(division_type="phường").count() == 687
    assert communes.filter(division_type="đặc khu").count() == 13
    lao_cai = Unit.objects.get(code="15")
    assert lao_cai.name == "Lào Cai"
    assert lao_cai.children.count() == 99
    assert all(len(c) == 5 for c in communes.values_list("code", flat=True))
    phuong = Unit.objects.get(code="02647")
    assert phuong.parent == lao_cai and phuong.path == "/15/02647/"


def test_running_twice_changes_nothing(db):
    load_official_units()
    before = list(Unit.objects.order_by("id").values_list("id", "code", "name", "path", "updated_at"))
    second = load_official_units()
    assert (second.created, second.renamed, second.unchanged) == (0, 0, 3355)
    assert list(Unit.objects.order_by("id").values_list("id", "code", "name", "path", "updated_at")) == before


def test_a_renamed_unit_is_updated_in_place_with_a_dated_rename(db):
    load_official_units()
    unit = Unit.objects.get(code="02647")
    Unit.objects.filter(pk=unit.pk).update(name="Phường Tên Cũ", search_name="phuong ten cu")
    result = load_official_units()
    assert result.renamed == 1
    assert Unit.objects.filter(code="02647").count() == 1
    unit.refresh_from_db()
    assert unit.name == "Phường Lào Cai" and unit.search_name == "phuong lao cai"
    change = UnitChange.objects.get(kind=UnitChangeKind.RENAME)
    link = change.links.get()
    assert (link.old_name, link.new_name, link.old_unit_id, link.new_unit_id) == (
        "Phường Tên Cũ",
        "Phường Lào Cai",
        unit.pk,
        unit.pk,
    )
    assert Unit.objects.count() == 3355
