"""Parameters no person types, which answered 500: a page, an offset or a period out of range, a NUL byte in a
query string, a form field or a report's note (PostgreSQL refuses NUL in any text). Each now answers a 4xx or
the nearest valid value."""

import json
import uuid

import pytest
from django.utils import timezone

from tocns.accounts.api_tokens import issue_token
from tocns.activities.models import Activity


@pytest.fixture
def key(people):
    return issue_token(user=people.team_leader, name="test")[1]


def api_get(client, path, key=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.get(path, params, **headers)


def test_handbook_search_page_out_of_range_shows_a_page_signed_out(client, db):
    for page in ["1e23", "1" + "0" * 23, str(2**63), "9" * 40, "-5", "\x00"]:
        response = client.get("/cam-nang/", {"q": "vneid", "trang": page})
        assert response.status_code == 200, page


@pytest.mark.parametrize("offset", [str(2**63), "1" + "0" * 30])
def test_articles_api_refuses_a_huge_offset_signed_out(client, db, offset):
    response = api_get(client, "/api/v1/articles", offset=offset)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "offset"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"offset": str(2**63)}, "offset"),
        ({"offset": "1" + "0" * 30}, "offset"),
        ({"team": str(2**63)}, "team"),
    ],
)
def test_activities_api_refuses_numbers_out_of_range(client, rosters, key, params, field):
    response = api_get(client, "/api/v1/activities", key, **params)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_activities_api_refuses_a_date_given_as_a_number(client, rosters, key):
    response = api_get(client, "/api/v1/activities", key, until="0")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "until"


@pytest.mark.parametrize(
    "params", [{"unit": "\x00"}, {"unit": "02647\x00"}, {"q": "a\x00", "service": "\x00"}]
)
def test_nul_in_api_query_is_not_500(client, rosters, key, params):
    path = "/api/v1/articles" if "q" in params else "/api/v1/activities"
    assert api_get(client, path, key, **params).status_code in (200, 404)


def test_control_characters_in_a_path_are_not_found(client_for, rosters):
    client = client_for("commune_officer")
    assert client.get("/don-vi/02647%00/so-lieu/").status_code == 404
    response = client.get("/api/v1/activities/%00")
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "request"


@pytest.mark.parametrize("field", ["note", "village"])
def test_api_refuses_a_nul_in_a_report_naming_the_field(client, rosters, key, field):
    data = {
        "id": str(uuid.uuid4()),
        "team": rosters.coc_leu.pk,
        "date": timezone.localdate().isoformat(),
        "people_reached": 3,
        field: "họp thôn\x00",
    }
    response = client.post(
        "/api/v1/activities",
        json.dumps(data),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422, response.content
    assert response.json()["error"] == {
        "field": field,
        "message": "Có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL).",
    }


def test_report_form_drops_a_nul_from_the_note(client_for, rosters):
    data = {
        "id": str(uuid.uuid4()),
        "date": timezone.localdate().isoformat(),
        "kind": "home_visit",
        "o-vneid-c": "2",
        "note": "họp\x00 thôn\x1b\nngày mai",
    }
    response = client_for("team_member").post("/bao-cao/", data)
    assert response.status_code == 302
    assert Activity.objects.get().note == "họp thôn\nngày mai"


@pytest.mark.parametrize("period", ["9999", "9999-12", "9999-Q4", "0001", "1", "１２"])
def test_dashboard_with_a_period_out_of_range_shows_this_year(client_for, rosters, period):
    client = client_for("commune_officer")
    response = client.get("/don-vi/02647/so-lieu/", {"ky": period})
    assert response.status_code == 200
    assert "Kỳ không hợp lệ" in response.content.decode()
    follow_up = client.get("/don-vi/02647/can-theo-doi/", {"ky": period})
    assert follow_up.status_code == 200 and "Kỳ không hợp lệ" in follow_up.content.decode()
    assert client_for("admin").get("/so-lieu/", {"ky": period}).status_code == 200


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_export_with_a_period_out_of_range_is_refused(client_for, rosters, fmt):
    response = client_for("commune_officer").get(f"/don-vi/02647/bao-cao.{fmt}", {"ky": "9999"})
    assert response.status_code == 400
    assert "Kỳ không hợp lệ: năm phải từ 2000 đến" in response.content.decode()


def test_export_command_refuses_a_period_out_of_range(rosters, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Kỳ không hợp lệ"):
        call_command(
            "export_report", "--unit", "02647", "--period", "9999", "--output", str(tmp_path / "x.xlsx")
        )
