"""The .docx report a steering body can sign and send, read back: each kind of unit's letterhead, place,
signer and recipients (defaults of the 2025 structure, or what its officers set), the sections, the
officer's text per period, and the appendices after the signature."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from tocns.activities.services import OutcomeInput, ReportInput, file_report
from tocns.audit.models import AuditEntry
from tocns.conftest import make_unit
from tocns.reports.models import Letterhead, ReportText
from tocns.teams.services import create_team
from tocns.units.models import UnitKind

SECTIONS = [
    "I. TÌNH HÌNH CHUNG",
    "II. KẾT QUẢ THỰC HIỆN",
    "1. Kết quả hướng dẫn người dân theo năm nội dung",
    "2. Độ phủ, hộ gia đình và kỹ năng số cơ bản",
    "3. Tập huấn, bồi dưỡng thành viên tổ",
    "4. Đánh giá hiệu quả hoạt động của các tổ",
    "III. KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN",
    "IV. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
    "V. ĐỀ XUẤT, KIẾN NGHỊ",
]


def report(actor, team, **outcomes):
    file_report(
        actor=actor,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=team.pk,
            date=timezone.localdate(),
            people_reached=8,
            outcomes=[OutcomeInput(code, g, c) for code, (g, c) in outcomes.items()],
        ),
    )


class Report:
    """What a reader sees in the file: the header's two columns, the signature, the recipients, the body's
    paragraphs in order, and the appendices."""

    def __init__(self, data: bytes):
        self.doc = doc = Document(io.BytesIO(data))
        header = doc.tables[0]
        self.body_lines = [p.text for p in header.cell(0, 0).paragraphs if p.text]
        self.body_runs = [r for p in header.cell(0, 0).paragraphs for r in p.runs]
        self.number = header.cell(1, 0).text
        self.date_line = header.cell(1, 1).text
        signature = next(t for t in doc.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")
        self.recipients = [p.text for p in signature.cell(0, 0).paragraphs[1:]]
        self.signer = [p.text for p in signature.cell(0, 1).paragraphs if p.text]
        self.paragraphs = [p.text for p in doc.paragraphs]
        self.text = "\n".join(self.paragraphs)
        # The signature table comes before every appendix: its position among the body's elements.
        body = list(doc.element.body.iterchildren())
        self.signature_at = body.index(signature._tbl)
        self.appendices = [
            (body.index(p._p), p.text, doc.paragraphs[i + 1].text, p.paragraph_format.page_break_before)
            for i, p in enumerate(doc.paragraphs)
            if p.text.startswith("Phụ lục ")
        ]

    def section(self, title: str) -> list[str]:
        """The paragraphs under a heading, up to the next heading."""
        start = self.paragraphs.index(title) + 1
        following = [i for i, t in enumerate(self.paragraphs[start:], start) if t in SECTIONS or not t]
        return self.paragraphs[start : following[0] if following else None]


def export(code: str, tmp_path, period: str | None = None) -> Report:
    path = tmp_path / f"{code}.docx"
    options = {"unit": code, "format": "docx", "output": str(path), "stdout": io.StringIO()}
    if period:
        options["period"] = period
    call_command("export_report", **options)
    return Report(path.read_bytes())


@pytest.fixture
def places(tree, people, rosters):
    """A province, a xã, a phường (the tree's) and a đặc khu of another province, each with a reporting
    team and a silent one."""
    hai_phong = make_unit(
        "31", "Thành phố Hải Phòng", UnitKind.PROVINCE, division_type="thành phố trung ương"
    )
    cat_hai = make_unit("11959", "Đặc khu Cát Hải", UnitKind.COMMUNE, hai_phong, division_type="đặc khu")
    village = make_unit("11959-001", "Tổ dân phố 1", UnitKind.VILLAGE, cat_hai, households=210)
    report(people.admin, rosters.coc_leu, vneid=(4, 2), ecommerce=(3, 1))
    report(people.admin, create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang"), cashless=(2, 2))
    report(
        people.admin, create_team(actor=None, unit=village, name="Tổ CNS Tổ dân phố 1"), online_safety=(6, 6)
    )
    create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    return cat_hai


def test_each_kind_of_unit_has_the_letterhead_place_and_signer_of_the_2025_structure(tree, places, tmp_path):
    today = timezone.localdate()
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    when = f"ngày {today.day:02d} tháng {month} năm {today.year}"
    expected = {
        # code: (header lines, number, place, signer lines, first recipient, council line)
        "15": (
            ["UBND TỈNH LÀO CAI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"],
            "/BC-SKHCN",
            "Lào Cai",
            ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
            "- Bộ Khoa học và Công nghệ (để báo cáo);",
            "- UBND tỉnh (để báo cáo);",
        ),
        tree.muong_khuong.code: (
            ["ỦY BAN NHÂN DÂN", "XÃ MƯỜNG KHƯƠNG"],
            "/BC-UBND",
            "Mường Khương",
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
            "- Sở Khoa học và Công nghệ tỉnh Lào Cai (để báo cáo);",
            "- Thường trực Đảng ủy, HĐND xã (để báo cáo);",
        ),
        tree.phuong_lao_cai.code: (
            ["ỦY BAN NHÂN DÂN", "PHƯỜNG LÀO CAI"],
            "/BC-UBND",
            "Lào Cai",
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
            "- Sở Khoa học và Công nghệ tỉnh Lào Cai (để báo cáo);",
            "- Thường trực Đảng ủy, HĐND phường (để báo cáo);",
        ),
        places.code: (
            ["ỦY BAN NHÂN DÂN", "ĐẶC KHU CÁT HẢI"],
            "/BC-UBND",
            "Cát Hải",
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
            "- Sở Khoa học và Công nghệ thành phố Hải Phòng (để báo cáo);",
            "- Thường trực Đảng ủy, HĐND đặc khu (để báo cáo);",
        ),
    }
    for code, (lines, number, place, signer, first, council) in expected.items():
        got = export(code, tmp_path)
        assert got.body_lines == lines, code
        # The body above in regular type, the issuing body in bold, 12 pt.
        assert [bool(r.bold) for r in got.body_runs] == [line != "UBND TỈNH LÀO CAI" for line in lines]
        assert all(r.font.size == Pt(12) for r in got.body_runs)
        assert got.number.startswith("Số:") and got.number.endswith(number), code
        assert got.date_line == f"{place}, {when}", code
        assert got.signer == signer, code
        assert got.recipients[0] == first and council in got.recipients and got.recipients[-1] == "- Lưu: VT."
        # The sections in order, each present once.
        positions = [got.paragraphs.index(title) for title in SECTIONS]
        assert positions == sorted(positions), code
        # The appendices come after the signature, each on a new page, numbered I, II.
        assert got.appendices and all(at > got.signature_at for at, *_rest in got.appendices), code
        assert [(label, broken) for _at, label, _title, broken in got.appendices] == [
            ("Phụ lục I", True),
            ("Phụ lục II", True),
        ][: len(got.appendices)]
        assert "Kèm theo Báo cáo số" in got.text


def test_officers_set_their_letterhead_on_a_page_and_the_report_follows_it(
    client_for, tree, places, people, tmp_path
):
    url = f"/don-vi/{tree.phuong_lao_cai.code}/mau-van-ban/"
    client = client_for("commune_officer")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chưa lưu: đang hiện mẫu gợi ý" in html and "PHƯỜNG LÀO CAI" in html and "Lưu: VT" in html
    assert client_for("team_leader").get(url).status_code in (403, 404)
    assert (
        client.get(f"/don-vi/{tree.coc_leu.code}/mau-van-ban/").status_code == 404
    )  # a village issues nothing
    refused = client.post(url, {"body": "", "number_suffix": "BC-UBND", "place": "", "authority": "KT."})
    assert refused.status_code == 200 and not Letterhead.objects.exists()
    assert "Ghi ký thay mặt hoặc ký thay cho ai" in refused.content.decode()
    saved = client.post(
        url,
        {
            "body_above": "",
            "body": "ỦY BAN NHÂN DÂN\nPHƯỜNG LÀO CAI",
            "number_suffix": "BC-UBND",
            "place": "Lào Cai",
            "authority": "KT.",
            "authority_of": "Chủ tịch",
            "signer_title": "Phó Chủ tịch",
            "signer_name": "Nguyễn Thị Hoa",
            "recipients": "- Sở Khoa học và Công nghệ tỉnh Lào Cai;\nThường trực Đảng ủy phường.\n",
        },
    )
    assert saved.status_code == 302
    head = Letterhead.objects.get(unit=tree.phuong_lao_cai)
    assert head.recipients.splitlines() == [
        "Sở Khoa học và Công nghệ tỉnh Lào Cai",
        "Thường trực Đảng ủy phường",
        "Lưu: VT",
    ]
    assert AuditEntry.objects.filter(object_type="letterhead", action="create").exists()
    got = export(tree.phuong_lao_cai.code, tmp_path)
    assert got.signer == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Thị Hoa"]
    assert got.recipients == [
        "- Sở Khoa học và Công nghệ tỉnh Lào Cai;",
        "- Thường trực Đảng ủy phường;",
        "- Lưu: VT.",
    ]
    # A village's report is its commune's: the same letterhead.
    assert export(tree.coc_leu.code, tmp_path).signer[-1] == "Nguyễn Thị Hoa"
    # The province's officer sets the province's own; another commune keeps its defaults.
    assert client_for("province_officer").get("/don-vi/15/mau-van-ban/").status_code == 200
    assert export(tree.muong_khuong.code, tmp_path).signer == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_the_officers_text_is_kept_per_period_prefilled_from_the_one_before(
    client_for, tree, places, tmp_path
):
    client = client_for("commune_officer")
    code = tree.phuong_lao_cai.code
    year = timezone.localdate().year
    url = f"/don-vi/{code}/noi-dung-bao-cao/"

    # Nothing written yet: a draft from the figures (this quarter: the silent Kim Tân team is new).
    today = timezone.localdate()
    current = client.get(url, {"ky": f"{today.year}-Q{(today.month - 1) // 3 + 1}"})
    assert (
        "Hướng dẫn 1 tổ mới thành lập gửi báo cáo đầu tiên." in current.context["form"].initial["next_tasks"]
    )
    first = client.get(url, {"ky": f"{year}-Q3"})
    assert first.status_code == 200 and "bản nháp soạn từ số liệu" in first.content.decode()
    assert "Tiếp tục hướng dẫn người dân" in first.context["form"].initial["next_tasks"]
    posted = client.post(
        f"{url}?ky={year}-Q3",
        {
            "difficulties": "- Sóng điện thoại yếu ở Kim Tân.\nNhiều người cao tuổi chưa có điện thoại.",
            "next_tasks": "Mở lớp hướng dẫn VNeID tại nhà văn hóa.",
            "proposals": "",
        },
    )
    assert posted.status_code == 302
    assert ReportText.objects.get(unit=tree.phuong_lao_cai, period=f"{year}-Q3").next_tasks
    assert AuditEntry.objects.filter(object_type="reporttext").count() == 1

    # The next quarter opens with the last one's text, saying where it comes from.
    second = client.get(url, {"ky": f"{year}-Q4"})
    assert f"lấy từ nội dung đã viết cho Quý III/{year}" in second.content.decode()
    assert second.context["form"].initial["difficulties"].startswith("- Sóng điện thoại yếu")
    too_long = client.post(
        f"{url}?ky={year}-Q4", {"difficulties": "x" * 8001, "next_tasks": "", "proposals": ""}
    )
    assert too_long.status_code == 200 and not ReportText.objects.filter(period=f"{year}-Q4").exists()

    # The file of either quarter is complete: the text as written, one paragraph a line, dashes as typed.
    got = export(code, tmp_path, f"{year}-Q3")
    assert got.section("III. KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN") == [
        "- Sóng điện thoại yếu ở Kim Tân.",
        "- Nhiều người cao tuổi chưa có điện thoại.",
    ]
    assert got.section("IV. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI") == ["Mở lớp hướng dẫn VNeID tại nhà văn hóa."]
    assert got.section("V. ĐỀ XUẤT, KIẾN NGHỊ")[0] == "Không có đề xuất, kiến nghị."
    assert export(code, tmp_path, f"{year}-Q4").section("IV. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI") == [
        "Mở lớp hướng dẫn VNeID tại nhà văn hóa."
    ]
    # A period that cannot be read is said so, and nothing is saved under another one.
    odd = client.post(f"{url}?ky=2026-Q9", {"difficulties": "x", "next_tasks": "", "proposals": ""})
    assert odd.status_code == 200 and "Kỳ không hợp lệ" in odd.content.decode()
    assert ReportText.objects.count() == 1
    # A team leader does not write the commune's report.
    assert client_for("team_leader").get(url).status_code in (403, 404)


def test_results_by_the_five_contents_name_each_figure_once(tree, places, tmp_path):
    got = export(tree.lao_cai.code, tmp_path)
    results = next(t for t in got.doc.tables if t.rows[0].cells[1].text == "Nội dung, dịch vụ")
    header = [c.text for c in results.rows[0].cells]
    assert header[2:4] == ["Lượt hướng dẫn", "Lượt hoàn thành"]
    rows = [[c.text for c in r.cells] for r in results.rows[1:]]
    contents = [r for r in rows if r[0]]
    assert [r[0] for r in contents] == ["I", "II", "III", "IV", "V"]
    assert ["", "- VNeID", "4", "2"] in rows and ["", "- Thương mại điện tử", "3", "1"] in rows
    assert rows[-1][1:] == ["Tổng cộng", "9", "5"]  # Lào Cai's: VNeID, e-commerce and payment
    # People helped and guidance are two figures, said so, and the difference explained.
    assert "hỗ trợ 16 lượt người (mỗi lần một người được tổ hỗ trợ tính một lượt)" in got.text
    assert "hướng dẫn 9 lượt sử dụng dịch vụ số" in got.text
    assert "Số lượt người được hỗ trợ (16) lớn hơn số lượt hướng dẫn (9)" in got.text
    assert "bình quân" in got.text and "Bình dân học vụ số" in got.text


def test_what_officers_type_is_kept_as_they_meant_it(client_for, tree, places, tmp_path):
    from tocns.reports.letterhead import recipient_lines

    # A recipient named Lưu is a recipient; only "Lưu: VT…" is the filing line, and it goes last.
    assert recipient_lines(
        "Lưu: VT, VHXH\nÔng Lưu Văn Bình (để biết).\nLưu Quang Minh - Chủ tịch;\nCác đơn vị v.v."
    ) == [
        "- Ông Lưu Văn Bình (để biết);",
        "- Lưu Quang Minh - Chủ tịch;",
        "- Các đơn vị v.v.;",
        "- Lưu: VT, VHXH.",
    ]
    client = client_for("commune_officer")
    url = f"/don-vi/{tree.phuong_lao_cai.code}/mau-van-ban/"
    fields = {
        "body_above": "",
        "body": "ỦY BAN NHÂN DÂN\nPHƯỜNG LÀO CAI",
        "number_suffix": "BC-UBND",
        "place": "Lào Cai",
        "authority": "TM.",
        "authority_of": "ỦY BAN NHÂN DÂN",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Nguyễn\ufffeVăn\uffffA",  # characters a Word file cannot hold
        "recipients": "\n".join(f"Nơi nhận {n}" for n in range(30)),  # 30, and the filing line added
    }
    assert client.post(url, fields).status_code == 302
    assert export(tree.phuong_lao_cai.code, tmp_path).signer[-1] == "NguyễnVănA"
    assert client.post(url, {**fields, "recipients": "x" * 301}).status_code == 200  # one line, too long

    # The box counts a line break once; the browser sends two characters: 2,000 lines of 3 letters fit.
    text_url = f"/don-vi/{tree.phuong_lao_cai.code}/noi-dung-bao-cao/"
    lines = "\r\n".join(["abc"] * 2000)  # 7,999 as seen, 9,998 as sent
    assert (
        client.post(text_url, {"difficulties": lines, "next_tasks": "", "proposals": ""}).status_code == 302
    )

    # A year no date can hold is an invalid period, not an error page; the API keeps the pages' years.
    page = client.get(f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/", {"ky": "9999999999"})
    assert page.status_code == 200 and "Kỳ không hợp lệ" in page.content.decode()
    for period in ("9999999999", "9999", "1999"):
        answer = client.get("/api/v1/team-states", {"unit": tree.phuong_lao_cai.code, "period": period})
        assert answer.status_code == 422 and answer.json()["error"]["field"] == "period", period
