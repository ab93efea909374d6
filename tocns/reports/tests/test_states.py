"""One vocabulary for a team's state (evaluation.scoring): a team entered today is "mới thành lập" on the
dashboard, the follow-up list, both exports and the API; "chỉ trên giấy" is only for teams past their grace
period without a report; and the states add up to the teams counted, everywhere."""

import datetime
import io
import uuid

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from tocns.activities.services import OutcomeInput, ReportInput, file_report
from tocns.teams.models import Team
from tocns.teams.services import create_team


def entered(team, days_ago: int) -> None:
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    Team.objects.filter(pk=team.pk).update(created_at=moment)


@pytest.fixture
def states(tree, people, rosters):
    """In Phường Lào Cai: Cốc Lếu entered today (no report), Kim Tân entered 100 days ago and silent, a
    commune team entered 100 days ago that reported today."""
    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    own = create_team(actor=None, unit=tree.phuong_lao_cai, name="Tổ CNS phường")
    entered(kim_tan, 100)
    entered(own, 100)
    file_report(
        actor=people.admin,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=own.pk,
            date=timezone.localdate(),
            people_reached=5,
            outcomes=[OutcomeInput("vneid", 5, 3)],
        ),
    )
    return {"new": rosters.coc_leu, "paper": kim_tan, "working": own}


def test_a_team_entered_today_is_new_everywhere_and_the_states_add_up(client_for, tree, states):
    client = client_for("commune_officer")
    code = tree.phuong_lao_cai.code
    year = str(timezone.localdate().year)

    # The dashboard: its headline and its legend.
    page = client.get(f"/don-vi/{code}/so-lieu/", {"ky": year})
    board = page.context["board"]
    assert (board.count("new"), board.count("paper"), board.working, board.teams) == (1, 1, 1, 3)
    assert (
        board.teams
        == sum(n for _k, _l, n in board.classes)
        == Team.objects.filter(unit__path__startswith=tree.phuong_lao_cai.path).count()
    )
    html = page.content.decode()
    assert "Mới thành lập: <b>1</b>" in html and "Chỉ trên giấy: <b>1</b>" in html
    assert "<b>3</b>tổ</li>" in html and "<b>1</b>tổ đang hoạt động</li>" in html

    # The follow-up list: the new team with its own words, never "chỉ trên giấy".
    follow = client.get(f"/don-vi/{code}/can-theo-doi/", {"ky": year})
    labels = {s.team.name: s.class_label for s in follow.context["rows"]}
    assert labels == {
        "Tổ CNS Kim Tân": "Chỉ trên giấy",
        "Tổ CNS Cốc Lếu": "Mới thành lập",
        "Tổ CNS phường": "Chưa hiệu quả",
    }
    assert [s.team.name for s in follow.context["rows"]][:2] == ["Tổ CNS Kim Tân", "Tổ CNS Cốc Lếu"]
    assert "chưa có báo cáo đầu tiên" in follow.content.decode()

    # The .xlsx: the summary's states add up to the teams, the follow-up sheet says "Mới thành lập".
    xlsx = load_workbook(io.BytesIO(client.get(f"/don-vi/{code}/bao-cao.xlsx", {"ky": year}).content))
    summary = {row[0]: row[1] for row in xlsx["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Tổ mới thành lập"] == 1 and summary["Tổ chỉ trên giấy"] == 1
    states_sum = sum(
        summary[f"Tổ {label}"]
        for label in ("hiệu quả", "đạt", "chưa hiệu quả", "mới thành lập", "chỉ trên giấy")
    )
    assert states_sum == summary["Số tổ"] == 3
    assert summary["Tổ đang hoạt động (Hiệu quả, Đạt, Chưa hiệu quả)"] == 1
    sheet = xlsx["Tổ cần theo dõi"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Tổ CNS Cốc Lếu"][header.index("Mức")] == "Mới thành lập"
    classes = list(xlsx["Hiệu quả"].iter_rows(min_row=2, values_only=True))
    assert classes[-1] == ("Cộng", 3) and sum(n for _l, n in classes[:-1]) == 3

    # The .docx: one sentence whose parts add up, and the new team named as such.
    docx = Document(io.BytesIO(client.get(f"/don-vi/{code}/bao-cao.docx", {"ky": year}).content))
    text = "\n".join(p.text for p in docx.paragraphs)
    text += "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert (
        "Trong 3 tổ: 1 tổ đang hoạt động (1 chưa hiệu quả); 1 tổ mới thành lập, chưa có báo cáo; "
        "1 tổ chỉ trên giấy (không có báo cáo trong 60 ngày)." in text
    )
    assert "Tổ CNS Cốc Lếu\nTổ dân phố Cốc Lếu, Phường Lào Cai\nNguyễn Văn Tổ\nMới thành lập\nchưa có" in text
    assert "tổ đang hoạt động%" not in text

    # The API: the same counts and the same state for the same team.
    body = client.get("/api/v1/team-states", {"unit": code, "period": year}).json()
    counts = {s["state"]: s["count"] for s in body["states"]}
    assert (counts["new"], counts["paper"], body["working"], body["teams"]) == (1, 1, 1, 3)
    assert sum(counts.values()) == body["teams"] and body["grace_days"] == 60
    by_name = {item["name"]: item for item in body["items"]}
    assert (
        by_name["Tổ CNS Cốc Lếu"]["state"] == "new" and by_name["Tổ CNS Cốc Lếu"]["label"] == "Mới thành lập"
    )
    only_new = client.get("/api/v1/team-states", {"unit": code, "state": "new"}).json()
    assert [i["name"] for i in only_new["items"]] == ["Tổ CNS Cốc Lếu"] and only_new["count"] == 1
    bad = client.get("/api/v1/team-states", {"unit": code, "state": "active"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "state"


def test_the_province_page_from_kept_parts_says_the_same(client_for, tree, states):
    """A province's dashboard is summed from kept parts: the same states, adding up, and the new team
    follows the province's own grace period once it is changed."""
    client = client_for("province_officer")
    board = client.get(f"/don-vi/{tree.lao_cai.code}/so-lieu/").context["board"]
    assert board.count("new") == 1 and board.teams == sum(n for _k, _l, n in board.classes)
    from tocns.evaluation.models import ScoreWeights

    entered(states["new"], 40)
    ScoreWeights.objects.create(unit=tree.lao_cai, grace_days=30)
    board = client.get(f"/don-vi/{tree.lao_cai.code}/so-lieu/").context["board"]
    assert board.count("new") == 0 and board.count("paper") == 2 and board.grace_days == 30


def test_a_past_period_judges_each_team_on_its_last_day(client_for, tree, people, rosters):
    """A team that reported in December last year was "đang hoạt động" for last year, and is "chỉ trên
    giấy" now; a team entered today did not exist for last year and is not counted in it."""
    today = timezone.localdate()
    last_year = today.year - 1
    old = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    entered(old, (today - datetime.date(last_year, 11, 1)).days)
    day = max(datetime.date(last_year, 12, 20), today - datetime.timedelta(days=360))
    file_report(
        actor=people.admin,
        report_id=uuid.uuid4(),
        data=ReportInput(team=old.pk, date=day, people_reached=3, outcomes=[OutcomeInput("vneid", 3, 1)]),
    )
    client = client_for("commune_officer")
    url = f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/"
    then = client.get(url, {"ky": str(last_year)}).context["board"]
    assert (
        then.teams == 1 and then.working == 1 and then.count("new") == 0
    )  # Cốc Lếu, entered today: left out
    now = client.get(url, {"ky": str(today.year)}).context["board"]
    assert now.teams == 2 and now.count("paper") == 1 and now.count("new") == 1
    body = client.get(
        "/api/v1/team-states", {"unit": tree.phuong_lao_cai.code, "period": str(last_year)}
    ).json()
    assert (body["teams"], body["working"]) == (1, 1)
