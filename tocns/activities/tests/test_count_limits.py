"""Counts a report may carry: at most 10,000 of each, refused with a 4xx naming the field through the API and
the report form alike. A report of 2,147,483,600 people was accepted and filled its commune's month: every
later report of that commune for the month answered 500 (and phones retry a 500 forever)."""

import datetime
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tocns.accounts.api_tokens import issue_token
from tocns.activities import models as totals_models
from tocns.activities import totals
from tocns.activities.models import Activity, Outcome
from tocns.activities.services import MAX_COUNT, OutcomeInput, ReportError, ReportInput, file_report
from tocns.audit.models import AuditEntry
from tocns.catalogue.models import DigitalService

URL = "/api/v1/activities"


@pytest.fixture
def key(people):
    return issue_token(user=people.team_leader, name="test")[1]


def post(client, key, **changes):
    data = {
        "id": str(uuid.uuid4()),
        "team": changes.pop("team"),
        "date": timezone.localdate().isoformat(),
        "outcomes": [{"service": "vneid", "guided": 12, "completed": 9}],
        **changes,
    }
    return client.post(
        URL, json.dumps(data), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"people_reached": 2_147_483_600}, "people_reached"),
        ({"people_reached": 10_001}, "people_reached"),
        ({"households_reached": 2**31}, "households_reached"),
        ({"households_reached": 10**30}, "households_reached"),
        ({"outcomes": [{"service": "vneid", "guided": 2**31, "completed": 9}]}, "outcomes[0].guided"),
        ({"outcomes": [{"service": "vneid", "guided": 10**30, "completed": 10**30}]}, "outcomes[0].guided"),
        ({"participants": [2**63]}, "participants[0]"),
        ({"team": 2**63}, "team"),
    ],
)
def test_api_refuses_a_count_over_the_limit_naming_the_field(client, rosters, key, changes, field):
    changes.setdefault("team", rosters.coc_leu.pk)
    response = post(client, key, **changes)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]
    assert not Activity.objects.exists()


def test_api_message_says_the_limit_in_vietnamese(client, rosters, key):
    response = post(client, key, team=rosters.coc_leu.pk, people_reached=10_001)
    assert response.json()["error"]["message"] == "Giá trị quá lớn: tối đa 10.000."


def test_api_accepts_exactly_the_limit_and_not_one_more(client, rosters, key):
    outcomes = [{"service": "vneid", "guided": 10_000, "completed": 10_000}]
    assert post(client, key, team=rosters.coc_leu.pk, households_reached=10_001).status_code == 422
    response = post(client, key, team=rosters.coc_leu.pk, people_reached=10_000, outcomes=outcomes)
    assert response.status_code == 201, response.content
    assert totals_models.AreaMonth.objects.get().people == 10_000


@pytest.mark.parametrize(
    "data,field,message",
    [
        (
            {"people_reached": 2_147_483_600},
            "people_reached",
            "Số người được hỗ trợ không được quá 10.000 trong một báo cáo.",
        ),
        (
            {"households_reached": 10_001},
            "households_reached",
            "Số hộ không được quá 10.000 trong một báo cáo.",
        ),
        (
            {"outcomes": [OutcomeInput("vneid", 10_001, 10)]},
            "outcomes[0].guided",
            "VNeID: số người được hướng dẫn không được quá 10.000 trong một báo cáo.",
        ),
    ],
)
def test_service_refuses_counts_over_the_limit(rosters, people, data, field, message):
    """The one write path: whatever calls it (API, form, demo) gets the same rule."""
    report = ReportInput(team=rosters.coc_leu.pk, date=timezone.localdate(), **data)
    with pytest.raises(ReportError) as refused:
        file_report(actor=people.team_member, report_id=uuid.uuid4(), data=report)
    assert (refused.value.field, refused.value.message) == (field, message)


def test_report_form_refuses_a_count_over_the_limit_with_a_4xx(client_for, rosters):
    client = client_for("team_member")
    data = {"id": str(uuid.uuid4()), "date": timezone.localdate().isoformat(), "kind": "home_visit"}
    page = client.post("/bao-cao/", {**data, "o-vneid-c": "2147483600"})
    assert page.status_code == 422
    html = page.content.decode()
    assert "VNeID: số người được hướng dẫn không được quá 10.000 trong một báo cáo." in html
    assert 'data-field="outcomes[0].guided"' in html
    page = client.post("/bao-cao/", {**data, "o-vneid-c": "5", "people_reached": "10001"})
    assert page.status_code == 422
    assert "Số người được hỗ trợ không được quá 10.000" in page.content.decode()
    assert not Activity.objects.exists()


def test_report_form_caps_inputs_at_the_same_limit(client_for, rosters):
    html = client_for("team_member").get("/bao-cao/").content.decode()
    assert 'max="9999"' not in html
    assert html.count(f'max="{MAX_COUNT}"') == 2 * DigitalService.objects.in_use().count() + 2


def test_edit_refuses_a_count_over_the_limit(client_for, rosters, people):
    activity, _created = file_report(
        actor=people.team_member,
        report_id=uuid.uuid4(),
        data=ReportInput(team=rosters.coc_leu.pk, date=timezone.localdate(), people_reached=3),
    )
    page = client_for("team_member").post(
        f"/hoat-dong/{activity.pk}/sua/",
        {"date": activity.date.isoformat(), "kind": "home_visit", "households_reached": "99999"},
    )
    assert page.status_code == 422
    assert "Số hộ không được quá 10.000 trong một báo cáo." in page.content.decode()
    activity.refresh_from_db()
    assert activity.households_reached == 0


COUNT_COLUMNS = {
    totals_models.TeamMonth: ["reports", "people", "households"],
    totals_models.TeamYear: ["reports", "people", "households"],
    totals_models.AreaMonth: ["reports", "people", "households"],
    totals_models.TeamMonthOutcome: ["guided", "completed"],
    totals_models.TeamYearOutcome: ["guided", "completed"],
    totals_models.AreaMonthOutcome: ["guided", "completed"],
    totals_models.TeamWeek: ["reports"],
}


def test_running_totals_are_64_bit_columns(db):
    for model, names in COUNT_COLUMNS.items():
        for name in names:
            assert "bigint" in model._meta.get_field(name).db_type(connection), (model.__name__, name)


def _poisoned_report(rosters, people, *, people_reached=2_147_483_600, guided=2_000_000_000):
    """A report as the API stored it before the limit: it fills its commune's month."""
    activity = Activity.objects.create(
        team=rosters.coc_leu,
        unit_path=rosters.coc_leu.unit.path,
        date=timezone.localdate(),
        kind="home_visit",
        people_reached=people_reached,
        households_reached=500_000,
        created_by=people.team_leader,
    )
    Outcome.objects.create(
        activity=activity, service=DigitalService.objects.get(code="vneid"), guided=guided, completed=guided
    )
    totals.apply(activity, +1)
    return activity


def test_a_poisoned_month_still_takes_later_reports(client, rosters, people, key):
    poisoned = _poisoned_report(rosters, people)
    response = post(client, key, team=rosters.coc_leu.pk, people_reached=48)
    assert response.status_code == 201, response.content
    month = totals_models.AreaMonth.objects.get()
    assert month.people == poisoned.people_reached + 48
    outcome = totals_models.AreaMonthOutcome.objects.get()
    assert outcome.guided == 2_000_000_012


def test_rebuild_totals_lists_reports_over_the_limit_and_changes_nothing(rosters, people):
    poisoned = _poisoned_report(rosters, people)
    out = io.StringIO()
    call_command("rebuild_totals", "--over-limit", stdout=out)
    text = out.getvalue()
    assert "1 báo cáo có số vượt giới hạn 10.000" in text
    assert str(poisoned.pk) in text and "số người được hỗ trợ 2147483600" in text
    assert "VNeID: 2000000000 được hướng dẫn" in text
    poisoned.refresh_from_db()
    assert poisoned.people_reached == 2_147_483_600


def test_rebuild_totals_resets_counts_over_the_limit_and_recomputes(client, rosters, people, key):
    poisoned = _poisoned_report(rosters, people)
    assert post(client, key, team=rosters.coc_leu.pk, people_reached=14).status_code == 201
    out = io.StringIO()
    call_command("rebuild_totals", "--reset-over-limit", stdout=out)
    assert "Đã đưa về 0 các số vượt giới hạn của 1 báo cáo" in out.getvalue()
    poisoned.refresh_from_db()
    assert (poisoned.people_reached, poisoned.households_reached) == (0, 0)
    assert not poisoned.outcomes.exists()
    # The commune's month counts the other report and the poisoned one as a report of nothing.
    month = totals_models.AreaMonth.objects.get()
    assert (month.reports, month.people, month.households) == (2, 14, 0)
    assert totals_models.AreaMonthOutcome.objects.get().guided == 12
    entry = AuditEntry.objects.get(object_id=str(poisoned.pk))
    assert entry.before["people_reached"] == 2_147_483_600
    assert entry.before["outcomes"] == {"vneid": [2_000_000_000, 2_000_000_000]}
    assert entry.after["people_reached"] == 0
    call_command("rebuild_totals", "--over-limit", stdout=(out := io.StringIO()))
    assert "Không có báo cáo nào có số vượt giới hạn." in out.getvalue()


def test_old_report_over_the_limit_past_the_edit_window_is_listed(rosters, people):
    """Reports are at most a year old: one filed last month with a poisoned count is listed too."""
    poisoned = _poisoned_report(rosters, people, people_reached=20_000, guided=20_000)
    Activity.objects.filter(pk=poisoned.pk).update(date=timezone.localdate() - datetime.timedelta(days=40))
    call_command("rebuild_totals", "--over-limit", stdout=(out := io.StringIO()))
    assert str(poisoned.pk) in out.getvalue()
