import datetime
import json
import uuid

import pytest
from django.utils import timezone

from tocns.accounts.api_tokens import issue_token
from tocns.activities.models import Activity, Outcome
from tocns.catalogue.models import DigitalService

URL = "/api/v1/activities"


@pytest.fixture
def leader_key(people):
    _token, key = issue_token(user=people.team_leader, name="test")
    return key


def body(for_team, **changes):
    data = {
        "id": str(uuid.uuid4()),
        "team": for_team.pk,
        "date": timezone.localdate().isoformat(),
        "kind": "home_visit",
        "outcomes": [{"service": "vneid", "guided": 12, "completed": 9}],
    }
    data.update(changes)
    return data


def post(client, data, key=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(URL, json.dumps(data), content_type="application/json", **headers, **extra)


def test_first_post_creates_201_and_repeat_returns_200_with_same_body(client, rosters, leader_key):
    data = body(rosters.coc_leu, people_reached=14, households_reached=6, hours=2.5, note="họp thôn")
    first = post(client, data, leader_key)
    assert first.status_code == 201, first.content
    again = post(client, data, leader_key)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Activity.objects.filter(pk=data["id"]).count() == 1
    assert Outcome.objects.filter(activity_id=data["id"]).count() == 1
    stored = first.json()
    assert stored["outcomes"] == [{"service": "vneid", "service_name": "VNeID", "guided": 12, "completed": 9}]
    assert stored["people_reached"] == 14 and stored["hours"] == 2.5 and stored["note"] == "họp thôn"
    assert stored["village"] == rosters.coc_leu.unit.code
    # The leader's own membership is the default participant.
    assert stored["participants"] == [rosters.leader.pk]


def test_people_reached_defaults_to_the_largest_service_count(client, rosters, leader_key):
    data = body(
        rosters.coc_leu,
        outcomes=[{"service": "vneid", "guided": 5, "completed": 5}, {"service": "vssid", "guided": 3}],
    )
    response = post(client, data, leader_key)
    assert response.status_code == 201
    assert response.json()["people_reached"] == 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcomes": [{"service": "vneid", "guided": -1, "completed": 0}]}, "outcomes[0].guided"),
        ({"outcomes": [{"service": "vneid", "guided": 2, "completed": -3}]}, "outcomes[0].completed"),
        ({"people_reached": -4}, "people_reached"),
        ({"outcomes": [{"service": "vneid", "guided": 3, "completed": 5}]}, "outcomes[0].completed"),
        ({"outcomes": [{"service": "khong-co", "guided": 3, "completed": 1}]}, "outcomes[0].service"),
        ({"date": "future"}, "date"),
        ({"date": "2026-13-40"}, "date"),
        ({"team": "lung_cu"}, "team"),
        ({"team": 987654}, "team"),
        ({"id": "not-a-uuid"}, "id"),
        ({"kind": "party"}, "kind"),
        (
            {"people_reached": 2, "outcomes": [{"service": "vneid", "guided": 5, "completed": 1}]},
            "people_reached",
        ),
    ],
)
def test_bad_input_gets_4xx_naming_the_field(client, rosters, leader_key, changes, field):
    if changes.get("date") == "future":
        changes["date"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    if changes.get("team") == "lung_cu":
        changes["team"] = rosters.lung_cu.pk  # exists, but in another province
    response = post(client, body(rosters.coc_leu, **changes), leader_key)
    assert 400 <= response.status_code < 500
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]  # a sentence in Vietnamese for the person fixing the report
    assert Activity.objects.count() == 0


def test_missing_field_is_named(client, rosters, leader_key):
    data = body(rosters.coc_leu)
    del data["date"]
    response = post(client, data, leader_key)
    assert response.status_code == 422
    assert response.json()["error"] == {
        "field": "date",
        "message": "Thiếu trường bắt buộc.",
        "detail": "Field required",
    }


def test_retired_service_is_refused_for_new_reports_but_history_stays(client, rosters, leader_key):
    first = post(client, body(rosters.coc_leu), leader_key)
    assert first.status_code == 201
    DigitalService.objects.filter(code="vneid").update(retired_on=timezone.localdate())
    refused = post(client, body(rosters.coc_leu), leader_key)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "outcomes[0].service"
    kept = client.get(f"{URL}/{first.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {leader_key}")
    assert kept.json()["outcomes"][0]["service"] == "vneid"


def test_no_credentials_is_401(client, rosters):
    response = post(client, body(rosters.coc_leu))
    assert response.status_code == 401
    assert response.json()["error"]["field"] == "auth"
    assert client.get(URL).status_code == 401


def test_revoked_key_is_refused(client, rosters, people):
    token, key = issue_token(user=people.team_leader, name="lost phone")
    token.revoked_at = timezone.now()
    token.save()
    assert post(client, body(rosters.coc_leu), key).status_code == 401


def test_a_wrong_key_is_401_with_its_reason_even_where_csrf_is_checked(rosters, people):
    """A client that checks CSRF as a real server does: a revoked or mistyped key is refused as a key
    (401, field "auth"), not by the session's CSRF check (403 "CSRF check Failed")."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    token, key = issue_token(user=people.team_leader, name="lost phone")
    token.revoked_at = timezone.now()
    token.save()
    for wrong in (key, "tocns_not-a-key"):
        refused = post(client, body(rosters.coc_leu), wrong)
        assert refused.status_code == 401
        assert refused.json()["error"]["field"] == "auth"


def test_session_auth_needs_the_csrf_token(rosters, people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people.team_leader)
    assert post(client, body(rosters.coc_leu)).status_code == 403
    client.get("/bao-cao/")  # sets the CSRF cookie, as opening the form does on the phone
    token = client.cookies["csrftoken"].value
    assert post(client, body(rosters.coc_leu), HTTP_X_CSRFTOKEN=token).status_code == 201


def test_list_shows_only_what_the_caller_may_see(client, rosters, people, leader_key):
    from tocns.activities.services import ReportInput, file_report

    mine = post(client, body(rosters.coc_leu), leader_key).json()
    # A report of the Đồng Văn team, filed by the officer there.
    far, _created = file_report(
        actor=people.outsider,
        report_id=uuid.uuid4(),
        data=ReportInput(team=rosters.lung_cu.pk, date=timezone.localdate(), note="Lũng Cú"),
    )

    def ids(user):
        client.force_login(user)
        listed = client.get(URL).json()
        return {item["id"] for item in listed["items"]}

    assert ids(people.team_member) == {mine["id"]}
    assert ids(people.commune_officer) == {mine["id"]}
    assert ids(people.outsider) == {str(far.pk)}
    assert ids(people.admin) == {mine["id"], str(far.pk)}
    client.force_login(people.outsider)
    assert client.get(f"{URL}/{mine['id']}").status_code == 404
    # Filtering by a unit outside the scope is a 404, not an empty list that confirms it exists.
    assert client.get(URL, {"unit": rosters.coc_leu.unit.code}).status_code == 404


def test_repeat_of_someone_elses_id_outside_scope_is_a_conflict(client, rosters, people, leader_key):
    data = body(rosters.coc_leu)
    assert post(client, data, leader_key).status_code == 201
    client.force_login(people.outsider)
    clash = post(client, {**data, "team": rosters.lung_cu.pk})
    assert clash.status_code == 409
    assert clash.json()["error"]["field"] == "id"


def test_list_is_paged_and_filtered_without_a_query_per_report(
    client, rosters, leader_key, django_assert_max_num_queries
):
    for day in range(6):
        date = (timezone.localdate() - datetime.timedelta(days=day)).isoformat()
        assert post(client, body(rosters.coc_leu, date=date), leader_key).status_code == 201
    headers = {"HTTP_AUTHORIZATION": f"Bearer {leader_key}"}
    with django_assert_max_num_queries(10):
        page = client.get(URL, {"limit": 4}, **headers).json()
    assert page["count"] == 6 and len(page["items"]) == 4
    since = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert client.get(URL, {"since": since}, **headers).json()["count"] == 2


def test_author_edits_within_seven_days_and_the_edit_is_audited(client, rosters, people, leader_key):
    from tocns.audit.models import AuditEntry

    data = body(rosters.coc_leu)
    created = post(client, data, leader_key).json()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {leader_key}"}
    change = {k: v for k, v in data.items() if k != "id"}
    change["outcomes"] = [{"service": "vneid", "guided": 12, "completed": 11}]
    edited = client.put(
        f"{URL}/{created['id']}", json.dumps(change), content_type="application/json", **headers
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["outcomes"][0]["completed"] == 11
    entry = AuditEntry.objects.get(object_type="activity", action="update")
    assert entry.before["outcomes"] == {"vneid": [12, 9]}
    assert entry.after["outcomes"] == {"vneid": [12, 11]}
    assert entry.actor == people.team_leader

    # Someone else in scope may read but not edit.
    client.force_login(people.commune_officer)
    other = client.put(f"{URL}/{created['id']}", json.dumps(change), content_type="application/json")
    assert other.status_code == 403

    # After seven days the author cannot either.
    Activity.objects.filter(pk=created["id"]).update(created_at=timezone.now() - datetime.timedelta(days=8))
    late = client.put(
        f"{URL}/{created['id']}", json.dumps(change), content_type="application/json", **headers
    )
    assert late.status_code == 403


def test_services_catalogue_lists_codes_in_order(client, people):
    client.force_login(people.team_member)
    codes = [s["code"] for s in client.get("/api/v1/services").json()]
    assert codes[:3] == ["vneid", "public_services", "vssid"]
    assert "other" in codes and len(codes) == 10


def test_openapi_schema_is_valid_and_documents_every_endpoint(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    paths = schema["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/activities"])
    assert "put" in paths["/api/v1/activities/{activity_id}"]
    assert "post" in paths["/api/v1/activities/{activity_id}/photos"]
    assert "/api/v1/services" in paths
    assert set(schema["components"]["securitySchemes"]) >= {"ApiKeyAuth", "SessionAuth"}
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
