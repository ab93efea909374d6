import datetime
import uuid

from django.utils import timezone

from tocns.activities.models import Activity


def form_data(**changes):
    data = {
        "id": str(uuid.uuid4()),
        "date": timezone.localdate().isoformat(),
        "kind": "home_visit",
        "o-vneid-c": "5",
        "o-vneid-g": "0",
    }
    data.update(changes)
    return data


def test_member_gets_own_team_preselected_and_every_service(client_for, rosters):
    client = client_for("team_member")
    page = client.get("/bao-cao/")
    assert page.status_code == 200
    html = page.content.decode()
    assert rosters.coc_leu.name in html
    assert f'data-team="{rosters.coc_leu.pk}"' in html
    for code in ["vneid", "public_services", "vssid", "health_book", "cashless", "other"]:
        assert f'name="o-{code}-c"' in html
    # Today is the default date and the member is ticked as having taken part.
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html
    assert f'value="{rosters.member.pk}" checked' in html


def test_form_post_without_script_stores_the_report_once(client_for, rosters):
    client = client_for("team_member")
    data = form_data()
    first = client.post("/bao-cao/", data)
    assert first.status_code == 302
    again = client.post("/bao-cao/", data)  # the browser re-sends the same form
    assert again.status_code == 302
    activity = Activity.objects.get()
    outcome = activity.outcomes.get()
    # "5 activated" means 5 guided too.
    assert (outcome.service.code, outcome.guided, outcome.completed) == ("vneid", 5, 5)
    assert activity.people_reached == 5
    assert list(activity.participants.all()) == [rosters.member]


def test_form_error_is_shown_in_vietnamese_and_nothing_is_stored(client_for, rosters):
    client = client_for("team_member")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    page = client.post("/bao-cao/", form_data(date=tomorrow))
    assert page.status_code == 422  # refused, as the API refuses it
    assert "Ngày báo cáo không được sau hôm nay." in page.content.decode()
    assert not Activity.objects.exists()


def test_officer_reports_for_a_team_in_scope_only(client_for, rosters):
    client = client_for("commune_officer")
    assert client.get("/bao-cao/").status_code == 200  # no own team: explains how to pick one
    assert client.get(f"/bao-cao/?to={rosters.coc_leu.pk}").status_code == 200
    assert client.get(f"/bao-cao/?to={rosters.lung_cu.pk}").status_code == 404


def test_report_page_text_for_the_phone_script_is_translated(client_for, rosters):
    import json
    import re

    html = client_for("team_member").get("/bao-cao/").content.decode()
    text = json.loads(re.search(r'<script id="report-text" type="application/json">(.*?)</script>', html)[1])
    assert text["waiting"] == "%(n)s báo cáo đang chờ gửi"
    assert "activities/report.js" in html


def test_service_worker_and_manifest_are_served_from_the_root(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    assert '"/bao-cao/"' in body and "tocns/app.css" in body and "activities/report.js" in body
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["start_url"] == "/bao-cao/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_ids_above_999_are_not_written_with_a_thousands_dot(client_for, rosters, people):
    """Numbers on pages read 1.234, but ids in links, form values and script data must stay 1234."""
    from tocns.teams.models import Member, Team

    team = Team.objects.create(unit=rosters.coc_leu.unit, name="Tổ CNS số lớn", id=12345)
    Member.objects.filter(pk=rosters.member.pk).update(team=team)
    Member.objects.create(id=23456, team=team, full_name="Người thứ hai vạn", user=None)
    Member.objects.filter(pk=rosters.member.pk).update(user=None)
    Member.objects.filter(pk=23456).update(user=people.team_member)
    html = client_for("team_member").get("/bao-cao/?to=12345").content.decode()
    assert 'data-team="12345"' in html and 'name="team" value="12345"' in html
    assert 'value="23456" checked' in html
    assert f'data-user="{people.team_member.pk}"' in html
    assert "?to=12345" in html


def test_team_role_not_linked_to_the_roster_still_gets_its_villages_team(client_for, rosters, people):
    from tocns.teams.models import Member

    Member.objects.filter(user=people.team_member).update(user=None)
    page = client_for("team_member").get("/bao-cao/")
    assert f'data-team="{rosters.coc_leu.pk}"' in page.content.decode()
    # An officer with many teams in scope picks one from the team's page instead.
    assert "data-team" not in client_for("province_officer").get("/bao-cao/").content.decode()


def test_report_page_does_not_start_copying_the_handbook(client_for, rosters):
    """The handbook's offline copy is fetched from other pages, so the form's first load stays small."""
    report = client_for("team_member").get("/bao-cao/").content.decode()
    home = client_for("team_member").get("/").content.decode()
    assert "sync-guides" not in report and "serviceWorker.register" in report
    assert "sync-guides" in home
