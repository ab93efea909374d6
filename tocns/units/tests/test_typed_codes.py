"""Unit codes typed without their leading zeros (as spreadsheets and people write them) find the unit
wherever a person types one: the unit's pages, the command line export, the role grant form and the API."""

import json
import uuid

from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from tocns.accounts.api_tokens import issue_token
from tocns.accounts.models import Role, RoleAssignment, User
from tocns.activities.models import Activity
from tocns.conftest import make_unit
from tocns.units.models import Unit, UnitKind, typed_code_candidates


def test_candidates_put_the_code_as_typed_first_then_its_padded_forms():
    assert typed_code_candidates(" 2953 ") == ["2953", "02953"]
    assert typed_code_candidates("8") == ["8", "08", "008", "00008"]
    assert typed_code_candidates("02953") == ["02953"]
    assert typed_code_candidates("2647-1") == ["2647-1", "02647-001"]
    assert typed_code_candidates("Na Lang") == ["Na Lang"]
    assert typed_code_candidates("") == []


def test_typed_code_finds_communes_provinces_and_villages_without_their_zeros(tree):
    assert Unit.objects.typed_code("2953") == tree.muong_khuong
    assert Unit.objects.typed_code("8") == tree.tuyen_quang
    assert Unit.objects.typed_code("2647-1") == tree.coc_leu
    assert Unit.objects.typed_code("02647-002") == tree.kim_tan
    assert Unit.objects.typed_code("99999") is None
    assert Unit.objects.typed_code("") is None


def test_the_code_as_typed_wins_over_a_padded_one(tree):
    # Province 82 and the historical district 082 both exist: "82" is the province, "082" the district.
    province = make_unit("82", "Tỉnh cũ", UnitKind.PROVINCE)
    district = make_unit("082", "Huyện cũ", UnitKind.DISTRICT, tree.lao_cai)
    assert Unit.objects.typed_code("82") == province
    assert Unit.objects.typed_code("082") == district


def test_unit_page_and_dashboard_open_from_a_code_without_its_zero(tree, people, client_for):
    client = client_for("province_officer")
    page = client.get("/don-vi/2953/")
    assert page.status_code == 200 and page.context["unit"] == tree.muong_khuong
    board = client.get("/don-vi/2953/so-lieu/")
    assert board.status_code == 200 and board.context["board"].unit == tree.muong_khuong
    # Outside the officer's province, padded or not, the unit does not exist for them.
    assert client.get("/don-vi/721/").status_code == 404


def test_export_report_takes_the_code_without_its_zero(tree, tmp_path):
    output = tmp_path / "xa.xlsx"
    call_command("export_report", unit="2953", output=str(output))
    sheet = load_workbook(output).worksheets[0]
    assert any("Mường Khương" in str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value)


def test_role_grant_form_takes_the_code_without_its_zero(tree, people, client_for):
    newcomer = User.objects.create(username="moi", phone="0987654321")
    response = client_for("commune_officer").post(
        "/phan-quyen/", {"user_login": "moi", "role": Role.TEAM_LEADER, "unit_code": "2647-2"}
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=newcomer).unit == tree.kim_tan


def test_api_takes_unit_and_village_codes_without_their_zeros(client, tree, people, rosters):
    _token, key = issue_token(user=people.team_leader, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    data = {
        "id": str(uuid.uuid4()),
        "team": rosters.coc_leu.pk,
        "date": timezone.localdate().isoformat(),
        "kind": "home_visit",
        "village": "2647-1",
        "outcomes": [{"service": "vneid", "guided": 3, "completed": 2}],
    }
    created = client.post("/api/v1/activities", json.dumps(data), content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    assert Activity.objects.get(pk=data["id"]).village == tree.coc_leu
    listed = client.get("/api/v1/activities?unit=2647-1", **headers)  # the leader covers their village
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [data["id"]]
