import datetime

import pytest
from django.utils import timezone

from tocns.activities.models import Activity
from tocns.audit.models import AuditEntry


@pytest.fixture
def activity(member_report):
    return member_report


def edit_form(**changes):
    data = {
        "date": timezone.localdate().isoformat(),
        "kind": "meeting",
        "o-cashless-g": "6",
        "o-cashless-c": "5",
        "o-vneid-g": "2",
        "o-vneid-c": "0",
        "people_reached": "8",
        "households_reached": "4",
        "hours": "2,5",
        "note": "Họp thôn tối thứ Sáu",
    }
    data.update(changes)
    return data


def test_author_corrects_a_report_and_the_log_keeps_before_and_after(client_for, activity, people):
    client = client_for("team_member")
    assert client.get(f"/hoat-dong/{activity.pk}/sua/").status_code == 200
    response = client.post(f"/hoat-dong/{activity.pk}/sua/", edit_form())
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.kind == "meeting" and activity.people_reached == 8 and str(activity.hours) == "2.5"
    assert {o.service.code: (o.guided, o.completed) for o in activity.outcomes.all()} == {
        "cashless": (6, 5),
        "vneid": (2, 0),
    }
    entry = AuditEntry.objects.get(object_type="activity")
    assert entry.actor == people.team_member
    assert entry.before["kind"] == "Hướng dẫn tại nhà" and entry.after["kind"] == "Tuyên truyền / họp thôn"
    assert entry.before["outcomes"] == {"cashless": [6, 4]}
    assert entry.after["outcomes"] == {"cashless": [6, 5], "vneid": [2, 0]}
    # The officers of the commune read the change in their log.
    log = client_for("commune_officer").get("/nhat-ky/").content.decode()
    assert entry.object_repr in log and "Tuyên truyền / họp thôn" in entry.object_repr
    assert entry.object_repr not in client_for("outsider").get("/nhat-ky/").content.decode()


def test_bad_edit_is_refused_and_changes_nothing(client_for, activity):
    client = client_for("team_member")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    page = client.post(f"/hoat-dong/{activity.pk}/sua/", edit_form(date=tomorrow))
    assert page.status_code == 422  # refused, as the API refuses it
    assert "Ngày báo cáo không được sau hôm nay." in page.content.decode()
    activity.refresh_from_db()
    assert activity.kind == "home_visit"
    assert not AuditEntry.objects.filter(object_type="activity").exists()


def test_nobody_edits_after_seven_days(client_for, activity):
    Activity.objects.filter(pk=activity.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=7, hours=1)
    )
    client = client_for("team_member")
    assert client.get(f"/hoat-dong/{activity.pk}/sua/").status_code == 403
    assert client.post(f"/hoat-dong/{activity.pk}/sua/", edit_form()).status_code == 403
    detail = client.get(f"/hoat-dong/{activity.pk}/").content.decode()
    assert "Sửa báo cáo" not in detail


def test_detail_shows_outcomes_and_who_sent(client_for, activity):
    html = client_for("commune_officer").get(f"/hoat-dong/{activity.pk}/").content.decode()
    assert "Thanh toán trực tuyến (tài khoản, mã QR, Mobile Money)" in html and "đã mở tài khoản" in html
    assert "Sửa báo cáo" not in html  # only the author may


def test_log_labels_the_changed_fields_in_vietnamese(client_for, activity):
    client_for("team_member").post(f"/hoat-dong/{activity.pk}/sua/", edit_form())
    entry = AuditEntry.objects.get(object_type="activity")
    labels = {label for label, _before, _after in entry.changed_fields()}
    assert {"hình thức", "số người được hỗ trợ", "kết quả (được hướng dẫn, hoàn thành)", "ghi chú"} <= labels
