import datetime
import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from tocns.activities.services import OutcomeInput, ReportInput, file_report
from tocns.conftest import make_unit
from tocns.evaluation.scoring import Period
from tocns.reports import export, selectors, wording
from tocns.reports.tests.test_official_report import SECTIONS
from tocns.teams.models import Team
from tocns.teams.services import create_team
from tocns.units.models import UnitKind


def report(actor, team, people=0, **outcomes):
    file_report(
        actor=actor,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=team.pk,
            date=timezone.localdate(),
            people_reached=people,
            outcomes=[OutcomeInput(code, g, c) for code, (g, c) in outcomes.items()],
        ),
    )


@pytest.fixture
def filed(tree, people, rosters):
    """Reports in both villages of Phường Lào Cai and one in Xã Mường Khương, this year."""
    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    # Attached to the commune itself and silent: a row of its own and a team to follow up.
    create_team(actor=None, unit=tree.phuong_lao_cai, name="Tổ CNS phường")
    report(people.admin, rosters.coc_leu, people=1600, vneid=(1500, 1234), cashless=(2, 2))
    report(people.admin, rosters.coc_leu, people=3, vssid=(3, 3))
    report(people.admin, kim_tan, people=4, vneid=(3, 1))
    report(people.admin, na_lang, people=6, vssid=(6, 6))
    return Period.parse(None)


def board_of(unit, period):
    teams = Team.objects.filter(unit__path__startswith=unit.path)
    return selectors.build(unit, period, teams, targets=selectors.targets_for(unit, period))


def number(text: str) -> int:
    return int(text.replace(".", ""))


# What the files say, read back ------------------------------------------------------------------------


def xlsx_figures(data: bytes) -> dict:
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws["A1"].font.bold, ws.title
        # Shown as Vietnamese write them: dates dd/mm/yyyy, counts with their thousands grouped.
        for cell in (cell for row in ws.iter_rows(min_row=2) for cell in row):
            if isinstance(cell.value, datetime.datetime):
                assert cell.number_format == "DD/MM/YYYY", (ws.title, cell.coordinate)
            elif isinstance(cell.value, int):
                assert cell.number_format == "#,##0", (ws.title, cell.coordinate)
    rows = {ws.title: [list(r) for r in ws.iter_rows(min_row=2, values_only=True)] for ws in wb.worksheets}
    return {
        "summary": {label: value for label, value in rows["Tổng hợp"]},
        "services": {r[0]: tuple(r[1:3]) for r in rows["Theo dịch vụ"]},
        "months": [tuple(r) for r in rows["Theo tháng"]],
        "classes": [tuple(r) for r in rows["Hiệu quả"]],
        "children": [tuple(r) for r in rows["Đơn vị trực thuộc"]],
        "follow_up": [r[0] for r in rows["Tổ cần theo dõi"]],
    }


def expected_xlsx(board) -> dict:
    return {
        "summary": {
            "Đơn vị": board.unit.name,
            "Kỳ báo cáo": board.period.label,
            "Từ ngày": datetime.datetime.combine(board.period.start, datetime.time()),
            "Đến ngày": datetime.datetime.combine(board.period.end, datetime.time()),
            "Báo cáo": board.reports,
            "Lượt người được hỗ trợ": board.people,
            "Lượt hoàn thành dịch vụ": board.completed,
            "Thôn có tổ": board.coverage.villages_with_team,
            "Tổng số thôn": board.coverage.villages,
            "Thành viên": board.coverage.members,
            "Số tổ": board.teams,
            **{f"Tổ {label.lower()}": n for _k, label, n in board.classes},
            "Tổ đang hoạt động (Hiệu quả, Đạt, Chưa hiệu quả)": board.working,
        },
        "services": {s.service.short_name: (s.guided, s.completed) for s in board.services},
        "months": [(f"{m:%m/%Y}", n) for m, n in board.months],
        "classes": [*((label, n) for _k, label, n in board.classes), ("Cộng", board.teams)],
        "children": [
            (
                rank,
                r.label,
                r.completed,
                r.reports,
                r.teams,
                r.effective,
                r.paper,
                r.villages_with_team if r.unit else None,
                r.villages if r.unit else None,
            )
            for rank, r in enumerate(board.children, start=1)
        ],
        "follow_up": [s.team.name for s in board.follow_up],
    }


def docx_figures(data: bytes) -> dict:
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    sizes = (section.page_width, section.page_height, section.left_margin, section.right_margin)
    assert [round(size.cm, 1) for size in sizes] == [21.0, 29.7, 3.0, 2.0]  # A4; stored in twips
    assert doc.styles["Normal"].font.name == "Times New Roman"
    cells = [p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    results = next(t for t in tables if t[0][1] == "Nội dung, dịch vụ")
    children = next((t for t in tables if t[0][1] == "Đơn vị"), [])
    # The five contents (I-V, bold) each with its services below ("- VNeID"), then the total.
    contents, services, current = {}, {}, None
    for row in results[1:-1]:
        figures = (number(row[2]), number(row[3]))
        if row[1].startswith("- "):
            services[row[1][2:]] = figures
            contents[current][1].append(figures)
        else:
            current = row[1]
            contents[current] = (figures, [])
    for name, (total, parts) in contents.items():  # each content is the sum of its services
        assert total == (sum(g for g, _c in parts), sum(c for _g, c in parts)), name
    return {
        "text": "\n".join([p.text for p in doc.paragraphs] + cells),
        "contents": [row[1] for row in results[1:-1] if not row[1].startswith("- ")],
        "services": services,
        "total": (results[-1][1], number(results[-1][2]), number(results[-1][3])),
        "children": [(number(r[0]), r[1], number(r[2]), number(r[3]), number(r[4])) for r in children[1:]],
    }


def check_docx(data: bytes, board) -> str:
    figures = docx_figures(data)
    assert figures["services"] == {s.service.short_name: (s.guided, s.completed) for s in board.services}
    assert figures["contents"] == [
        "Sử dụng dịch vụ công trực tuyến",
        "Mua sắm trực tuyến",
        "Thanh toán trực tuyến",
        "Tự bảo vệ mình trên môi trường mạng",
        "Sử dụng các nền tảng số khác",
    ]
    assert figures["total"] == ("Tổng cộng", sum(s.guided for s in board.services), board.completed)
    assert figures["children"] == [
        (rank, r.label, r.completed, r.reports, r.teams) for rank, r in enumerate(board.children, start=1)
    ]
    text = figures["text"]
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Nơi nhận:",
        "- Lưu: VT.",
        wording.date_line(wording.place_name(board.unit), timezone.localdate()),
        f"đã gửi {wording.vn_number(board.reports)} báo cáo",
        f"hỗ trợ {wording.vn_number(board.people)} lượt người",
        f"{wording.vn_number(board.completed)} lượt người dân hoàn thành",
        *SECTIONS,
    ):
        assert phrase in text, phrase
    return text


# The command --------------------------------------------------------------------------------------------


def test_command_xlsx_has_the_dashboards_figures(tree, filed, tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    out = io.StringIO()
    call_command(
        "export_report",
        unit=tree.phuong_lao_cai.code,
        period=filed.code,
        format="xlsx",
        output=str(path),
        stdout=out,
    )
    board = board_of(tree.phuong_lao_cai, filed)
    assert board.reports == 3 and board.completed == 1240  # the data is what the test thinks it is
    figures = xlsx_figures(path.read_bytes())
    assert figures == expected_xlsx(board)
    assert [r[1] for r in figures["children"]] == [
        "Tổ dân phố Cốc Lếu",
        "Tổ dân phố Kim Tân",
        "Tổ trực thuộc Phường Lào Cai",
    ]
    assert figures["follow_up"][0] == "Tổ CNS phường"
    assert figures["summary"]["Số tổ"] == 3
    assert str(path) in out.getvalue() and "3 báo cáo, 1.240 lượt hoàn thành" in out.getvalue()


def test_command_docx_is_an_administrative_report_with_the_same_figures(tree, filed, tmp_path):
    path = tmp_path / "bao-cao.docx"
    call_command(
        "export_report", unit=tree.lao_cai.code, period=filed.code, output=str(path), stdout=io.StringIO()
    )
    board = board_of(tree.lao_cai, filed)
    text = check_docx(path.read_bytes(), board)
    assert "UBND TỈNH LÀO CAI" in text and "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text and "/BC-SKHCN" in text
    assert board.completed == 1246 and "1.246 lượt người dân hoàn thành" in text  # Vietnamese thousands
    assert [r.label for r in board.children[:2]] == ["Phường Lào Cai", "Xã Mường Khương"]


def test_command_rejects_an_unknown_unit_and_a_bad_period(tree, tmp_path):
    with pytest.raises(CommandError, match="Không có đơn vị mã “99999”"):
        call_command("export_report", unit="99999", output=str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="Kỳ không hợp lệ"):
        call_command(
            "export_report", unit=tree.lao_cai.code, period="2026-Q5", output=str(tmp_path / "x.xlsx")
        )
    with pytest.raises(CommandError, match="xlsx hoặc docx"):
        call_command("export_report", unit=tree.lao_cai.code, format="pdf", output=str(tmp_path / "x.pdf"))
    assert not list(tmp_path.iterdir())


# The view -----------------------------------------------------------------------------------------------


def test_commune_officer_downloads_both_files_with_the_dashboards_figures(client_for, tree, filed):
    client = client_for("commune_officer")
    url = f"/don-vi/{tree.phuong_lao_cai.code}/bao-cao"
    dashboard = client.get(f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/", {"ky": filed.code}).context[
        "board"
    ]
    xlsx = client.get(f"{url}.xlsx", {"ky": filed.code})
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == export.CONTENT_TYPES["xlsx"]
    assert f'filename="bao-cao-02647-{filed.code}.xlsx"' in xlsx["Content-Disposition"]
    assert xlsx_figures(xlsx.content) == expected_xlsx(dashboard)
    docx = client.get(f"{url}.docx", {"ky": filed.code})
    assert docx.status_code == 200 and docx["Content-Type"] == export.CONTENT_TYPES["docx"]
    text = check_docx(docx.content, dashboard)
    assert "PHƯỜNG LÀO CAI" in text and "trên địa bàn phường Lào Cai" in text
    assert "Tổ CNS phường\nPhường Lào Cai\n(chưa có)\nMới thành lập\nchưa có" in text  # Phụ lục II


def test_a_report_made_just_before_the_export_is_in_it(client_for, tree, people, rosters, filed):
    client = client_for("commune_officer")
    url = f"/don-vi/{tree.phuong_lao_cai.code}/bao-cao.xlsx"
    before = xlsx_figures(client.get(url, {"ky": filed.code}).content)
    report(people.team_leader, rosters.coc_leu, vneid=(2, 2))
    after = xlsx_figures(client.get(url, {"ky": filed.code}).content)
    assert after["summary"]["Báo cáo"] == before["summary"]["Báo cáo"] + 1 == 4
    assert after["services"]["VNeID"] == (1505, 1237)


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_outsider_gets_404(client_for, tree, rosters, fmt):
    url = f"/don-vi/{tree.phuong_lao_cai.code}/bao-cao.{fmt}"
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("team_member").get(url).status_code == 404  # a village member, not the commune
    assert client_for("anonymous").get(url).status_code == 302
    assert client_for("commune_officer").get(url).status_code == 200


def test_bad_period_or_format_is_an_error(client_for, tree, rosters):
    client = client_for("commune_officer")
    bad = client.get(f"/don-vi/{tree.phuong_lao_cai.code}/bao-cao.xlsx", {"ky": "2026-13"})
    assert bad.status_code == 400 and "Kỳ không hợp lệ" in bad.content.decode()
    assert client.get(f"/don-vi/{tree.phuong_lao_cai.code}/bao-cao.pdf").status_code == 404


# Helpers ------------------------------------------------------------------------------------------------


def test_vietnamese_numbers():
    assert [wording.vn_number(n) for n in (0, 999, 1234, 1234567)] == ["0", "999", "1.234", "1.234.567"]
    assert [wording.vn_percent(s) for s in (None, 0.5, 0.857, 1.25)] == ["", "50%", "85,7%", "125%"]


def test_issuing_body_place_and_date(tree):
    assert wording.issuing_body(tree.lao_cai) == "UBND TỈNH LÀO CAI"
    assert wording.issuing_body(tree.muong_khuong) == "UBND XÃ MƯỜNG KHƯƠNG"
    assert (
        wording.issuing_body(tree.coc_leu) == "UBND PHƯỜNG LÀO CAI"
    )  # a village reports through its commune
    # The place is the issuing unit's own: a village's commune, the commune's name without "Xã".
    assert wording.place_name(tree.na_lang) == wording.place_name(tree.muong_khuong) == "Mường Khương"
    assert wording.place_name(tree.lao_cai) == "Lào Cai"
    hanoi = make_unit("01", "Thành phố Hà Nội", UnitKind.PROVINCE, division_type="thành phố trung ương")
    hoan_kiem = make_unit("00070", "Phường Hoàn Kiếm", UnitKind.COMMUNE, hanoi)
    assert wording.issuing_body(hanoi) == "UBND THÀNH PHỐ HÀ NỘI"
    assert wording.place_name(hoan_kiem) == "Hoàn Kiếm"
    assert wording.place_name(make_unit("00071", "Phường 7", UnitKind.COMMUNE, hanoi)) == "Phường 7"
    assert wording.place_in_text(hanoi) == "thành phố Hà Nội"
    hcm = make_unit("79", "Thành phố Hồ Chí Minh", UnitKind.PROVINCE)
    assert wording.place_name(hcm) == "Thành phố Hồ Chí Minh"  # named after a person: kept whole
    # Nghị định 30: a zero before days under 10 and months 1 and 2 only.
    assert (
        wording.date_line("Mường Khương", datetime.date(2026, 3, 5))
        == "Mường Khương, ngày 05 tháng 3 năm 2026"
    )
    assert wording.date_line("Lào Cai", datetime.date(2026, 2, 14)) == "Lào Cai, ngày 14 tháng 02 năm 2026"


def test_docx_form_page_numbers_from_page_two_rules_and_margins(tree, filed, tmp_path):
    """Nghị định 30's form details, read back from the file: the page number centred at the top of every
    page but the first, "-" in the tiêu ngữ, the header inside the margins, the title's rule 1/3 to 1/2 of
    the title as set."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    from tocns.reports.export_docx import TEXT_WIDTH_CM, text_width_cm

    path = tmp_path / "bao-cao.docx"
    call_command("export_report", unit="15", period=filed.code, output=str(path), stdout=io.StringIO())
    doc = Document(str(path))
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    fields = section.header._element.findall(".//" + qn("w:fldSimple"))
    assert [f.get(qn("w:instr")).strip() for f in fields] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not section.first_page_header._element.findall(".//" + qn("w:fldSimple"))
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()

    header = doc.tables[0]
    texts = [p.text for p in header.cell(0, 1).paragraphs]
    assert "Độc lập - Tự do - Hạnh phúc" in texts and "–" not in "".join(texts)
    assert header._tbl.tblPr.find(qn("w:tblInd")) is None  # starts at the left margin, not inside it
    widths = [column.width for column in header.columns]
    assert sum(widths) <= Cm(TEXT_WIDTH_CM) + Cm(0.01)
    assert abs(section.left_margin - Cm(3)) < Cm(0.01) and abs(section.right_margin - Cm(2)) < Cm(0.01)

    paragraphs = doc.paragraphs
    title_at = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Kết quả hoạt động"))
    rule = paragraphs[title_at + 1]
    assert rule._p.pPr.find(qn("w:pBdr")) is not None and not rule.text
    rule_cm = (
        TEXT_WIDTH_CM - (rule.paragraph_format.left_indent + rule.paragraph_format.right_indent) / 360000
    )
    title_cm = min(text_width_cm(paragraphs[title_at].text, 14, bold=True), TEXT_WIDTH_CM)
    assert title_cm / 3 <= rule_cm <= title_cm / 2, (rule_cm, title_cm)


def follow_up_sheet(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data))["Tổ cần theo dõi"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_follow_up_sheet_has_commune_village_and_leader_and_phones_only_for_officers(
    client_for, tree, people, rosters, filed, tmp_path
):
    silent = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân lặng lẽ")
    from tocns.teams.models import MemberRole
    from tocns.teams.services import add_member

    add_member(
        actor=None, team=silent, full_name="Hoàng Văn Lặng", role=MemberRole.LEADER, phone="0977000111"
    )
    url = f"/don-vi/{tree.coc_leu.code}/bao-cao.xlsx"
    officer = follow_up_sheet(
        client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/bao-cao.xlsx").content
    )
    assert officer[0][:5] == ["Tổ", "Xã/phường", "Thôn/tổ dân phố", "Tổ trưởng", "Điện thoại"]
    rows = {row[0]: row[1:5] for row in officer[1:]}
    assert rows["Tổ CNS Kim Tân lặng lẽ"] == [
        "Phường Lào Cai",
        "Tổ dân phố Kim Tân",
        "Hoàng Văn Lặng",
        "0977000111",
    ]
    assert rows["Tổ CNS phường"] == ["Phường Lào Cai", None, None, None]
    # A team leader's download of their village has no phone column.
    leader = follow_up_sheet(client_for("team_leader").get(url).content)
    assert "Điện thoại" not in leader[0] and leader[0][:4] == [
        "Tổ",
        "Xã/phường",
        "Thôn/tổ dân phố",
        "Tổ trưởng",
    ]
    # The command, run by the server's administrator, gives the phones.
    path = tmp_path / "xa.xlsx"
    call_command("export_report", unit="2647", output=str(path), stdout=io.StringIO())
    assert "Điện thoại" in follow_up_sheet(path.read_bytes())[0]


def test_docx_follow_up_names_each_leader_without_the_phone(tree, filed, tmp_path):
    from tocns.teams.models import MemberRole
    from tocns.teams.services import add_member

    silent = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân lặng lẽ")
    add_member(
        actor=None, team=silent, full_name="Hoàng Văn Lặng", role=MemberRole.LEADER, phone="0977000111"
    )
    path = tmp_path / "phuong.docx"
    call_command("export_report", unit="2647", format="docx", output=str(path), stdout=io.StringIO())
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    appendix = next(t for t in doc.tables if t.rows[0].cells[1].text == "Tổ" and len(t.rows[0].cells) == 6)
    assert [c.text for c in appendix.rows[0].cells] == [
        "STT",
        "Tổ",
        "Thôn, xã",
        "Tổ trưởng",
        "Trạng thái",
        "Báo cáo gần nhất",
    ]
    rows = {r.cells[1].text: [c.text for c in r.cells[2:]] for r in appendix.rows[1:]}
    assert rows["Tổ CNS Kim Tân lặng lẽ"][:3] == [
        "Tổ dân phố Kim Tân, Phường Lào Cai",
        "Hoàng Văn Lặng",
        "Mới thành lập",
    ]
    assert rows["Tổ CNS phường"][:2] == ["Phường Lào Cai", "(chưa có)"]
    assert "0977000111" not in text + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
