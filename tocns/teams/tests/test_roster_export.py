import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tocns.conftest import xlsx_bytes
from tocns.teams.models import Affiliation, Member, MemberRole, TeamStatus
from tocns.teams.roster_export import build_roster_template, export_roster
from tocns.teams.roster_import import HEADERS, apply_roster, read_roster
from tocns.teams.services import add_member, create_team, member_leaves, update_team


def sheets(data: bytes) -> dict[str, list[list]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def first_sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def test_export_has_the_import_columns_and_one_row_per_current_member(rosters, tree):
    member_leaves(actor=None, member=add_member(actor=None, team=rosters.coc_leu, full_name="Đã Rời Tổ"))
    sheet = first_sheet(export_roster(tree.lao_cai))
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert rows[1:] == [
        [
            "02647",
            "Phường Lào Cai",
            "Tổ dân phố Cốc Lếu",
            "Tổ CNS Cốc Lếu",
            "Nguyễn Văn Tổ",
            "Tổ trưởng",
            "0912345678",
            1975,
            "Trưởng thôn",
            "có",
        ],
        [
            "02647",
            "Phường Lào Cai",
            "Tổ dân phố Cốc Lếu",
            "Tổ CNS Cốc Lếu",
            "Lò Thị Mai",
            "Thành viên",
            "0912345679",
            1998,
            "Đoàn thanh niên",
            "có",
        ],
    ]  # not the member who left, nor the team of the other province
    # Phones are text: Excel must not turn 0912345678 into the number 912345678.
    assert sheet["G2"].data_type == "s"
    # Birth years stay plain numbers: 1975, not 1.975 with thousands grouped.
    assert sheet["H2"].value == 1975 and sheet["H2"].number_format == "General"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold


def test_export_then_import_changes_nothing(rosters, tree):
    update_team(actor=None, team=rosters.lung_cu, status=TeamStatus.DISSOLVED)
    add_member(actor=None, team=rosters.lung_cu, full_name="Vàng Thị Súa")  # no phone, no year
    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    add_member(actor=None, team=na_lang, full_name="Giàng A Tủa", role=MemberRole.LEADER, has_smartphone=True)
    add_member(
        actor=None,
        team=na_lang,
        full_name="Giàng A Tủa",  # a namesake, told apart by the phone
        phone="0977000111",
        role=MemberRole.DEPUTY,
        affiliation=Affiliation.POLICE,
    )
    before = sorted(
        Member.objects.values_list("pk", "full_name", "phone", "role", "affiliation", "updated_at")
    )
    for unit in (tree.lao_cai, tree.tuyen_quang, tree.phuong_lao_cai, tree.na_lang):
        result = apply_roster(read_roster(export_roster(unit)))
        assert not result.errors and not result.teams_to_create
        assert (len(result.to_create), len(result.to_update)) == (0, 0)
        assert (
            result.unchanged
            == Member.objects.current().filter(team__unit__path__startswith=unit.path).count()
        )
    after = sorted(
        Member.objects.values_list("pk", "full_name", "phone", "role", "affiliation", "updated_at")
    )
    assert after == before


def test_teams_of_communes_and_provinces_go_to_a_second_sheet(rosters, tree):
    commune_team = create_team(actor=None, unit=tree.phuong_lao_cai, name="Tổ CNS Phường")
    add_member(actor=None, team=commune_team, full_name="Cán Bộ Phường", phone="0900555666")
    data = export_roster(tree.lao_cai)
    found = sheets(data)
    assert list(found) == ["Danh sách tổ CNS", "Tổ cấp xã, tỉnh"]
    assert len(found["Danh sách tổ CNS"]) == 3  # header + the village team's two members
    assert found["Tổ cấp xã, tỉnh"][1][:4] == ["02647", "Phường Lào Cai", "Tổ CNS Phường", "Cán Bộ Phường"]
    # The first sheet still imports back without a change.
    result = read_roster(data)
    assert not result.errors and result.unchanged == 2


def test_a_unit_without_teams_exports_the_header_only(tree):
    assert sheets(export_roster(tree.muong_khuong)) == {"Danh sách tổ CNS": [HEADERS]}


def test_text_that_excel_would_run_as_a_formula_is_exported_as_text(rosters):
    add_member(actor=None, team=rosters.coc_leu, full_name='=HYPERLINK("http://x.invalid","Bấm")')
    sheet = first_sheet(export_roster(rosters.coc_leu.unit))
    cell = next(c for c in sheet["E"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"
    assert read_roster(export_roster(rosters.coc_leu.unit)).unchanged == 3


def test_export_queries_do_not_grow_with_the_members(rosters, tree):
    def queries():
        with CaptureQueriesContext(connection) as context:
            export_roster(tree.lao_cai)
        return len(context.captured_queries)

    few = queries()
    for i in range(30):
        add_member(actor=None, team=rosters.coc_leu, full_name=f"Thành Viên {i}", phone=f"09000{i:05d}")
    assert queries() == few


def test_template_has_the_import_columns_and_an_example_row_the_import_understands(tree):
    data = build_roster_template()
    found = sheets(data)
    roster = found["Danh sách tổ CNS"]
    assert roster[0] == HEADERS and len(roster) == 2
    assert "Hướng dẫn" in found
    # The example row names a commune the test tree does not have; everything else in it is valid.
    [error] = read_roster(data).errors
    assert error.row == 2 and error.message == "Cột A (Mã xã): không có xã/phường/đặc khu nào mang mã “04465”"
    # With a real commune and village, the example imports.
    example = roster[1]
    example[0], example[2] = "02647", "Tổ dân phố Kim Tân"
    assert apply_roster(read_roster(xlsx_bytes([HEADERS, example]))).written
