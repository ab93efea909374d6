import datetime
import uuid
from html.parser import HTMLParser

from django.utils import timezone

from tocns.activities.services import OutcomeInput, ReportInput, file_report
from tocns.reports import selectors
from tocns.teams.services import create_team


def report(actor, team, **outcomes):
    file_report(
        actor=actor,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=team.pk,
            date=timezone.localdate(),
            outcomes=[OutcomeInput(code, g, c) for code, (g, c) in outcomes.items()],
        ),
    )


def figures(board):
    return {s.service.code: (s.guided, s.completed) for s in board.services if s.guided or s.completed}


def test_a_report_made_now_counts_now_on_every_level(client_for, tree, people, rosters):
    client = client_for("province_officer")
    before = client.get(f"/don-vi/{tree.lao_cai.code}/so-lieu/").context["board"]
    report(people.team_leader, rosters.coc_leu, vneid=(5, 4))
    for code in (tree.lao_cai.code, tree.phuong_lao_cai.code, tree.coc_leu.code):
        board = client.get(f"/don-vi/{code}/so-lieu/").context["board"]
        assert figures(board) == {"vneid": (5, 4)}, code
        assert board.reports == before.reports + 1
    assert figures(client_for("admin").get("/so-lieu/").context["board"]) == {"vneid": (5, 4)}


def test_province_equals_the_sum_of_its_communes_and_teams_at_province_level(
    client_for, tree, people, rosters
):
    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    province_team = create_team(actor=None, unit=tree.lao_cai, name="Tổ CNS cấp tỉnh")
    report(people.admin, rosters.coc_leu, vneid=(5, 4), cashless=(2, 2))
    report(people.admin, kim_tan, vneid=(3, 1))
    report(people.admin, na_lang, vssid=(6, 6))
    report(people.admin, province_team, vneid=(1, 1))
    client = client_for("province_officer")
    province = client.get(f"/don-vi/{tree.lao_cai.code}/so-lieu/").context["board"]
    assert province.completed == 14 and province.reports == 4
    rows = province.children
    assert sum(r.completed for r in rows) == province.completed
    assert sum(r.reports for r in rows) == province.reports
    assert sum(r.teams for r in rows) == sum(n for _k, _l, n in province.classes)
    by_label = {r.label: r for r in rows}
    assert by_label["Tổ trực thuộc Lào Cai"].completed == 1
    # Ranked by completions: Phường Lào Cai (7) before Xã Mường Khương (6).
    assert [r.label for r in rows[:2]] == [tree.phuong_lao_cai.name, tree.muong_khuong.name]
    commune = client.get(f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/").context["board"]
    assert commune.completed == 7
    assert {r.label: r.completed for r in commune.children} == {tree.coc_leu.name: 6, tree.kim_tan.name: 1}


def test_dashboard_scope_and_period(client_for, tree, rosters):
    assert client_for("outsider").get(f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/").status_code == 404
    assert client_for("team_member").get(f"/don-vi/{tree.lao_cai.code}/so-lieu/").status_code == 404
    page = client_for("commune_officer").get(
        f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/", {"ky": "2026-Q5"}
    )
    assert page.status_code == 200 and "Kỳ không hợp lệ" in page.content.decode()
    # Anyone but the admin starts at their own units.
    home = client_for("commune_officer").get("/so-lieu/")
    assert home.status_code == 302 and home["Location"].endswith(
        f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/"
    )


def test_follow_up_lists_paper_teams_with_reasons(client_for, tree, rosters):
    page = client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/can-theo-doi/")
    rows = page.context["rows"]
    assert [s.team.name for s in rows] == ["Tổ CNS Cốc Lếu"]
    assert "chưa từng báo cáo" in page.content.decode()


def test_follow_up_list_is_paged_in_its_order_keeping_the_period(client_for, tree, rosters, monkeypatch):
    from tocns.reports import views

    for name in ("Tổ CNS Kim Tân 1", "Tổ CNS Kim Tân 2", "Tổ CNS Kim Tân 3", "Tổ CNS Kim Tân 4"):
        create_team(actor=None, unit=tree.kim_tan, name=name)
    client = client_for("commune_officer")
    url = f"/don-vi/{tree.phuong_lao_cai.code}/can-theo-doi/"
    whole = [s.team.name for s in client.get(url, {"ky": "2026"}).context["rows"]]
    assert len(whole) == 5  # every team is new (entered today) and has not reported yet
    monkeypatch.setattr(views, "FOLLOW_UP_PER_PAGE", 2)
    pages = [client.get(url, {"ky": "2026", "trang": n}) for n in (1, 2, 3)]
    assert [s.team.name for p in pages for s in p.context["rows"]] == whole
    first = pages[0].content.decode()
    assert "5 trên 5 tổ." in first and "Trang 1/3" in first
    assert {s.class_label for p in pages for s in p.context["rows"]} == {"Mới thành lập"}
    assert 'href="?ky=2026&amp;trang=2"' in first
    # A page past the end shows the last one, as the other lists do.
    assert [s.team.name for s in client.get(url, {"ky": "2026", "trang": 9}).context["rows"]] == whole[4:]


def test_province_dashboard_needs_no_query_per_commune(
    client_for, tree, people, rosters, django_assert_max_num_queries
):
    from tocns.conftest import make_unit

    for i in range(8):
        commune = make_unit(f"0299{i}", f"Xã Thử {i}", "commune", tree.lao_cai)
        village = make_unit(f"0299{i}-001", f"Thôn {i}", "village", commune)
        report(people.admin, create_team(actor=None, unit=village, name=f"Tổ {i}"), vneid=(1, 1))
    client = client_for("province_officer")
    with django_assert_max_num_queries(40):
        page = client.get(f"/don-vi/{tree.lao_cai.code}/so-lieu/")
    assert len(page.context["board"].children) >= 10


def test_weights_page_for_province_officers_only(client_for, tree):
    assert client_for("province_officer").get(f"/don-vi/{tree.lao_cai.code}/trong-so/").status_code == 200
    assert (
        client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/trong-so/").status_code == 403
    )
    response = client_for("province_officer").post(
        f"/don-vi/{tree.lao_cai.code}/trong-so/",
        {"regularity": 50, "reach": 50, "targets": 0, "capacity": 0, "citizen": 0, "grace_days": 3},
    )
    assert response.status_code == 200  # a grace period under a week is refused, with the reason
    assert "Ít nhất 7 ngày" in response.content.decode()
    response = client_for("province_officer").post(
        f"/don-vi/{tree.lao_cai.code}/trong-so/",
        {"regularity": 50, "reach": 50, "targets": 0, "capacity": 0, "citizen": 0, "grace_days": 90},
    )
    assert response.status_code == 302
    from tocns.evaluation.models import ScoreWeights

    saved = ScoreWeights.objects.get(unit=tree.lao_cai)
    assert (saved.regularity, saved.grace_days) == (50, 90)


class _Table(HTMLParser):
    """The cells of the table with the given id: [[(text, link or None), ...], ...] per body row."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell, self.link = table_id, False, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.inside = attrs.get("id") == self.table_id
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self.cell, self.link = "", None
        elif self.inside and tag == "a" and self.cell is not None:
            self.link = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag == "td":
            self.rows[-1].append((self.cell.strip(), self.link))
            self.cell = None

    def handle_data(self, data):
        if self.inside and self.cell is not None:
            self.cell += data


def test_the_ranked_table_shows_every_row_of_the_board_escaped_and_linked(client_for, tree, people, rosters):
    from django.urls import reverse

    tree.muong_khuong.name = "Xã <Mường> & Khương"
    tree.muong_khuong.save()
    report(people.admin, rosters.coc_leu, vneid=(5, 4))
    report(people.admin, create_team(actor=None, unit=tree.lao_cai, name="Tổ CNS cấp tỉnh"), vneid=(1, 1))
    page = client_for("province_officer").get(f"/don-vi/{tree.lao_cai.code}/so-lieu/")
    html = page.content.decode()
    assert "Xã &lt;Mường&gt; &amp; Khương" in html and "<Mường>" not in html
    table = _Table("children")
    table.feed(html)
    board = page.context["board"]
    expected = [
        [
            (str(rank), None),
            (row.label, reverse("reports:dashboard", args=[row.unit.code]) if row.unit else None),
            *[(str(n), None) for n in (row.completed, row.reports, row.teams, row.effective, row.paper)],
            (f"{row.villages_with_team}/{row.villages}" if row.unit else "", None),
            (f"{_pct(row.accounts, row.members)} · {_pct(row.active, row.members)}", None),
        ]
        for rank, row in enumerate(board.children, start=1)
    ]
    assert table.rows[1:] == expected  # the first row is the header
    assert expected[-1][1] == ("Tổ trực thuộc Lào Cai", None) and expected[-1][-2] == ("", None)
    # Phường Lào Cai's team has two members, both with an account that signs in.
    assert next(cells for cells in expected if cells[1][0] == "Phường Lào Cai")[-1] == ("100% · 0%", None)
    assert any(cells[1][0] == "Xã <Mường> & Khương" for cells in expected)


def test_communes_merged_this_year_keep_their_reports_in_rows_of_their_own(client_for, tree, people, rosters):
    """Reports filed before a merger stay with the commune they were filed in (the per-commune totals count
    each report where it was made), as that commune's own dashboard shows them. On the province's table
    they had fallen into the row of "teams attached to the province" (2 reports, 0 teams)."""
    from tocns.units.services import merge_units

    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    report(people.admin, rosters.coc_leu, vneid=(5, 4))
    report(people.admin, na_lang, vssid=(6, 6))
    merged = merge_units(
        sources=[tree.phuong_lao_cai, tree.muong_khuong],
        new_name="Phường Lào Cai mới",
        new_code="02999",
        effective_date=timezone.localdate(),
    )
    report(people.admin, rosters.coc_leu, vneid=(1, 1))  # after the merger, under the new commune
    client = client_for("province_officer")
    province = client.get(f"/don-vi/{tree.lao_cai.code}/so-lieu/").context["board"]
    assert province.completed == 11 and province.reports == 3
    assert [(r.label, r.reports, r.completed, r.teams) for r in province.children] == [
        ("Xã Mường Khương (đơn vị cũ)", 1, 6, 0),
        ("Phường Lào Cai (đơn vị cũ)", 1, 4, 0),
        ("Phường Lào Cai mới", 1, 1, 2),
    ]
    # Each row is what its own dashboard shows.
    for row, code in zip(province.children, ("02953", "02647", merged.code), strict=True):
        own = client.get(f"/don-vi/{code}/so-lieu/").context["board"]
        assert (own.reports, own.completed) == (row.reports, row.completed), code


def test_villages_merged_keep_their_reports_where_filed_and_their_teams_move(
    client_for, tree, people, rosters
):
    """A commune merges two villages: their teams now serve the merged village (teams follow
    units.signals.unit_merged); the months they reported before stay on rows named as the former villages."""
    from tocns.units.services import merge_units

    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    report(people.admin, rosters.coc_leu, vneid=(5, 4))
    report(people.admin, kim_tan, vneid=(2, 2))
    merged = merge_units(
        sources=[tree.coc_leu, tree.kim_tan],
        new_name="Tổ dân phố Cốc Lếu - Kim Tân",
        effective_date=timezone.localdate(),
    )
    client = client_for("commune_officer")
    commune = client.get(f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/").context["board"]
    assert commune.reports == 2 and commune.completed == 6
    assert [(r.label, r.reports, r.completed, r.teams) for r in commune.children] == [
        ("Tổ dân phố Cốc Lếu (đơn vị cũ)", 1, 4, 0),
        ("Tổ dân phố Kim Tân (đơn vị cũ)", 1, 2, 0),
        (merged.name, 0, 0, 2),
    ]
    assert (
        commune.coverage.villages_with_team == commune.coverage.villages == 1
    )  # the merged village has teams


def test_a_closed_commune_without_a_successor_keeps_a_row_of_its_own(client_for, tree, people, rosters):
    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    report(people.admin, na_lang, vssid=(6, 6))
    tree.muong_khuong.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    tree.muong_khuong.save()
    province = client_for("province_officer").get(f"/don-vi/{tree.lao_cai.code}/so-lieu/").context["board"]
    rows = {r.label: (r.reports, r.completed, r.teams) for r in province.children}
    assert rows == {"Xã Mường Khương (đơn vị cũ)": (1, 6, 1), tree.phuong_lao_cai.name: (0, 0, 1)}


def _pct(part, whole):
    return f"{round(100 * part / whole)}%" if whole else "–"


def test_follow_up_says_where_each_team_is_whom_to_call_and_when_it_last_reported(
    client_for, tree, people, rosters
):
    """An officer can act on the list: commune and village, the leader's name and phone, the last report;
    the phone is for officers only (a team leader reading their village's list sees the name)."""
    commune_team = create_team(actor=None, unit=tree.phuong_lao_cai, name="Tổ CNS phường")
    long_ago = timezone.localdate() - datetime.timedelta(days=70)  # over 60 days: still only on paper
    file_report(
        actor=people.team_leader,
        report_id=uuid.uuid4(),
        data=ReportInput(team=rosters.coc_leu.pk, date=long_ago, outcomes=[OutcomeInput("vneid", 1, 1)]),
    )
    officer = client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/can-theo-doi/")
    lines = {score.team.name: contact for score, contact in officer.context["lines"]}
    assert lines["Tổ CNS Cốc Lếu"] == selectors.Contact(
        "Phường Lào Cai", "Tổ dân phố Cốc Lếu", "Nguyễn Văn Tổ", "0912345678"
    )
    assert lines[commune_team.name] == selectors.Contact("Phường Lào Cai", "", "", "")
    text = officer.content.decode()
    assert "Tổ dân phố Cốc Lếu, Phường Lào Cai" in text
    assert "Tổ trưởng: Nguyễn Văn Tổ · 0912345678" in text and "Chưa có tổ trưởng" in text
    assert f"báo cáo gần nhất {long_ago:%d/%m/%Y}" in text and "chưa từng báo cáo" in text

    leader = client_for("team_leader").get(f"/don-vi/{tree.coc_leu.code}/can-theo-doi/")
    assert leader.status_code == 200
    [(score, contact)] = leader.context["lines"]
    assert contact.leader == "Nguyễn Văn Tổ" and contact.phone == ""
    assert "0912345678" not in leader.content.decode()
