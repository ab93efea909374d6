"""A unit's dashboard as a .docx report in the form of Nghị định 30/2020/NĐ-CP (see export)."""

import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from tocns.teams import selectors as team_selectors
from tocns.units.models import Unit

from . import selectors
from .wording import (
    date_line,
    issuing_body,
    lower_first,
    place_in_text,
    states_sentence,
    vn_number,
    vn_percent,
)

FOLLOW_UP_IN_DOCX = 10


FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.0  # A4 (21 cm) less 3 cm left and 2 cm right
ALIGN = {
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def build_docx(board: selectors.Dashboard, *, today: datetime.date | None = None) -> bytes:
    today = today or timezone.localdate()
    doc = Document()
    _page_setup(doc)
    _page_numbers(doc)
    _header(doc, board.unit, today)
    _paragraph(doc, _("BÁO CÁO"), bold=True, size=14, before=18)
    subtitle = _("Kết quả hoạt động của Tổ công nghệ số cộng đồng %(period)s") % {
        "period": lower_first(board.period.label)
    }
    _paragraph(doc, subtitle, bold=True, size=14)
    _rule(doc, rule_under(subtitle, 14), TEXT_WIDTH_CM).paragraph_format.space_after = Pt(12)
    _general(doc, board)
    _results(doc, board, today)
    _evaluation(doc, board)
    if board.children:
        _children_section(doc, board)
    closing = _(
        "Trên đây là báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng %(period)s trên địa bàn "
        "%(unit)s; số liệu tổng hợp từ báo cáo của các tổ trên nền tảng đến ngày %(date)s./."
    ) % {
        "period": lower_first(board.period.label),
        "unit": place_in_text(board.unit),
        "date": f"{today:%d/%m/%Y}",
    }
    _body(doc, closing).paragraph_format.keep_with_next = True  # never a signature alone on a page
    _signature(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    # Word picks a font per script; naming it for every script keeps all Vietnamese letters in Times.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _page_numbers(doc) -> None:
    """Page numbers from page 2, centred at the top (Nghị định 30, Phụ lục I): a PAGE field in the header of
    every page but the first, whose own header stays empty."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1.2)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"  # shown until the reader's program updates the field
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def rule_under(text: str, size_pt: float) -> float:
    """The length (cm) of the rule under a centred bold line (the report's title): 2/5 of the line as set,
    within the decree's 1/3 to 1/2, the line measured in Times New Roman's metrics (Liberation Serif, its
    metric twin, where LibreOffice renders it), a line longer than the text width wrapping at it."""
    return round(0.4 * min(text_width_cm(text, size_pt, bold=True), TEXT_WIDTH_CM), 2)


def text_width_cm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """How wide a line of Times New Roman text is, from the metric-compatible Liberation Serif when the
    machine has it, else from Times' average of half an em a letter."""
    from PIL import ImageFont

    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    for folder in ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation"):
        try:
            font = ImageFont.truetype(f"{folder}/{name}", 1000)
        except OSError:
            continue
        return font.getlength(text) / 1000 * size_pt / 72 * 2.54
    return len(text) * 0.5 * size_pt / 72 * 2.54


def _paragraph(container, text="", *, bold=False, italic=False, underline=False, size=None, **layout):
    """A paragraph of one run; layout: align ("center"), before and after (points). A new table cell holds
    one empty paragraph: the first text goes into it rather than below it."""
    first = container.paragraphs[0] if isinstance(container, _Cell) else None
    if first is not None and len(container.paragraphs) == 1 and first._p.pPr is None and not first.runs:
        paragraph = first
    else:
        paragraph = container.add_paragraph()
    paragraph.alignment = ALIGN[layout.get("align", "center")]
    paragraph.paragraph_format.space_before = Pt(layout.get("before", 0))
    paragraph.paragraph_format.space_after = Pt(layout.get("after", 0))
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    return paragraph


def _rule(container, width_cm: float, column_cm: float):
    """A short centred line, as under the issuing body and the title: the top border of an empty
    paragraph narrowed by indents, a little below the line above."""
    paragraph = _paragraph(container, before=6)
    margin = Cm(max(0.0, (column_cm - width_cm) / 2))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = margin
    paragraph.paragraph_format.line_spacing = Pt(3)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        top.set(qn(f"w:{key}"), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
    return paragraph


def _table(doc, rows: int, widths: list[float], *, indent_cm: float = 0):
    """A table of fixed column widths, without borders unless styled; a negative indent reaches into the
    left margin."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    for index, width in enumerate(widths):
        table.columns[index].width = Cm(width)
        for cell in table.columns[index].cells:
            cell.width = Cm(width)
    if indent_cm:
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(round(indent_cm * 567)))  # twentieths of a point per cm
        indent.set(qn("w:type"), "dxa")
        table._tbl.tblPr.append(indent)
    return table


def _header(doc, unit: Unit, today: datetime.date) -> None:
    """Issuing body left, national title right (Nghị định 30), within the 16 cm between the margins. Cells
    keep 1 mm on each side (Word's default is 1.9), so the national title at 12 pt bold (8.8 cm) and the
    steering committee's name (6.4 cm) each stay on one line."""
    left, right = 6.7, TEXT_WIDTH_CM - 6.7
    table = _table(doc, 2, [left, right])
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(0.1 * 567)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    body = table.cell(0, 0)
    _paragraph(body, issuing_body(unit), size=12)
    name = _("BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ")
    _paragraph(body, name, bold=True, size=12)
    _rule(body, rule_under(name, 12), left)
    nation = table.cell(0, 1)
    _paragraph(nation, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=12)
    _paragraph(nation, _("Độc lập - Tự do - Hạnh phúc"), bold=True, underline=True, size=13)
    _paragraph(table.cell(1, 0), _("Số: …/BC-BCĐ"), size=13, before=6)
    _paragraph(table.cell(1, 1), date_line(unit, today), italic=True, size=13, before=6)


def _heading(doc, text: str) -> None:
    paragraph = _paragraph(doc, text, bold=True, align="justify", before=6, after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.keep_with_next = True


def _body(doc, text: str):
    paragraph = _paragraph(doc, text, align="justify", after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.line_spacing = Pt(18)
    return paragraph


def _data_table(doc, intro: str, header: list[str], rows: list[list[str]], widths: list[float], *, size=12):
    """A sentence, then a bordered table under it: the header row repeats on each page, rows stay whole;
    the first column (a number) is centred, the second (a name) left, the others (figures) right-aligned."""
    _body(doc, intro).paragraph_format.keep_with_next = True
    table = _table(doc, 1 + len(rows), widths)
    table.style = doc.styles["Table Grid"]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in table.rows:  # a row split at a page end leaves an empty sliver at the top of the next page
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    # One pass over each row's cells: table.cell(r, c) walks the whole table on every call, which made a
    # province's report take ~19 s.
    table_rows = table.rows
    for cell, text in zip(table_rows[0].cells, header, strict=False):
        _paragraph(cell, text, bold=True, size=size, before=2, after=2)
    for table_row, row in zip(table_rows[1:], rows, strict=False):
        for index, (cell, text) in enumerate(zip(table_row.cells, row, strict=False)):
            align = "center" if index == 0 else "left" if index == 1 else "right"
            _paragraph(cell, text, size=size, align=align, before=2, after=2)
    _paragraph(doc, after=6)
    return table


def _general(doc, board: selectors.Dashboard) -> None:
    _heading(doc, _("I. TÌNH HÌNH CHUNG"))
    coverage = board.coverage
    _body(
        doc,
        _(
            "Đến thời điểm báo cáo, trên địa bàn %(unit)s có %(with_team)s/%(villages)s thôn, tổ dân phố "
            "có Tổ công nghệ số cộng đồng%(share)s; tổng số %(teams)s tổ với %(members)s "
            "thành viên."
        )
        % {
            "unit": place_in_text(board.unit),
            "with_team": vn_number(coverage.villages_with_team),
            "villages": vn_number(coverage.villages),
            "share": f" ({coverage.village_share}%)" if coverage.village_share is not None else "",
            "teams": vn_number(board.teams),
            "members": vn_number(coverage.members),
        },
    )
    details = []
    if coverage.members:
        details.append(
            _("%(n)s thành viên (%(share)s%%) có điện thoại thông minh")
            % {"n": vn_number(coverage.members_with_smartphone), "share": coverage.smartphone_share}
        )
    if coverage.members_with_birth_year:
        details.append(
            _("%(n)s thành viên (%(share)s%%) dưới 35 tuổi")
            % {"n": vn_number(coverage.members_under_35), "share": coverage.under_35_share}
        )
    if coverage.teams_without_leader:
        details.append(_("%(n)s tổ chưa có tổ trưởng") % {"n": vn_number(coverage.teams_without_leader)})
    if details:
        _body(doc, _("Trong đó: %(details)s.") % {"details": "; ".join(details)})


def _results(doc, board: selectors.Dashboard, today: datetime.date) -> None:
    _heading(doc, _("II. KẾT QUẢ HOẠT ĐỘNG"))
    _body(
        doc,
        _(
            "Trong %(period)s, các tổ đã gửi %(reports)s báo cáo hoạt động, hỗ trợ %(people)s lượt người; "
            "%(completed)s lượt người dân hoàn thành dịch vụ số."
        )
        % {
            "period": lower_first(board.period.label),
            "reports": vn_number(board.reports),
            "people": vn_number(board.people),
            "completed": vn_number(board.completed),
        },
    )
    # Months still to come would only add zeros to the sentence.
    months = [(month, n) for month, n in board.months if month <= today or n]
    if len(board.months) > 1 and months:
        listed = "; ".join(f"{month:%m/%Y}: {vn_number(n)}" for month, n in months)
        _body(doc, _("Số báo cáo theo tháng: %(months)s.") % {"months": listed})
    with_targets = any(s.target for s in board.services)
    header = [_("STT"), _("Dịch vụ"), _("Được hướng dẫn"), _("Hoàn thành")]
    widths = [1.2, 8.0, 3.4, 3.4]
    if with_targets:  # no plan sets targets yet: two empty columns would only puzzle the reader
        header += [_("Chỉ tiêu"), _("Đạt")]
        widths = [1.2, 5.6, 2.6, 2.4, 2.2, 2.0]
    rows = []
    for number, s in enumerate(board.services, start=1):
        row = [str(number), s.service.short_name, vn_number(s.guided), vn_number(s.completed)]
        if with_targets:
            row += [vn_number(s.target) if s.target else "", vn_percent(s.share_of_target)]
        rows.append(row)
    total = ["", _("Tổng cộng"), vn_number(sum(s.guided for s in board.services)), vn_number(board.completed)]
    rows.append(total + [""] * (len(header) - len(total)))
    table = _data_table(doc, _("Kết quả theo từng dịch vụ số:"), header, rows, widths)
    for run in (run for cell in table.rows[-1].cells for p in cell.paragraphs for run in p.runs):
        run.bold = True


def _team_place(score, board: selectors.Dashboard, parents: dict) -> str:
    """Where a team is, in words its name does not already say: "Tổ CNS Thôn Na Lang" needs no "Thôn Na
    Lang" after it, but in a province's report it needs its commune."""
    unit = score.team.unit
    places = [] if unit.name in score.team.name or unit.pk == board.unit.pk else [unit.name]
    parent = parents.get(unit.parent_id)
    if parent is not None and parent.pk != board.unit.pk and parent.path.startswith(board.unit.path):
        places.append(parent.name)
    return ", ".join(places)


def _evaluation(doc, board: selectors.Dashboard) -> None:
    _heading(doc, _("III. ĐÁNH GIÁ HIỆU QUẢ"))
    _body(doc, states_sentence(board))
    if not board.follow_up:
        _body(doc, _("Không có tổ chỉ trên giấy hoặc chưa hiệu quả cần theo dõi."))
        return
    shown = board.follow_up[:FOLLOW_UP_IN_DOCX]
    figures = {"n": vn_number(len(board.follow_up)), "shown": len(shown)}
    if len(board.follow_up) > len(shown):
        _body(doc, _("Các tổ cần theo dõi, hỗ trợ (%(n)s tổ, nêu %(shown)s tổ đầu):") % figures)
    else:
        _body(doc, _("Các tổ cần theo dõi, hỗ trợ (%(n)s tổ):") % figures)
    parents = Unit.objects.in_bulk({s.team.unit.parent_id for s in shown} - {None})
    # The leader's name says whom to call; the phone stays out of a document sent up the hierarchy.
    leaders = team_selectors.current_leaders(s.team.pk for s in shown)
    for score in shown:
        place = _team_place(score, board, parents)
        leader = leaders.get(score.team.pk, ("", ""))[0]
        _body(
            doc,
            _("- %(team)s%(place)s: %(klass)s – %(reasons)s; %(leader)s.")
            % {
                "team": score.team.name,
                "place": f" ({place})" if place else "",
                "klass": score.class_label.lower(),
                "reasons": "; ".join(score.reasons) or _("không có lý do cụ thể"),
                "leader": _("tổ trưởng %(name)s") % {"name": leader} if leader else _("chưa có tổ trưởng"),
            },
        )


def _children_section(doc, board: selectors.Dashboard) -> None:
    _heading(doc, _("IV. ĐƠN VỊ TRỰC THUỘC"))
    rows = [
        [
            str(rank),
            row.label,
            vn_number(row.completed),
            vn_number(row.reports),
            vn_number(row.teams),
            vn_number(row.effective),
            vn_number(row.paper),
            f"{vn_number(row.villages_with_team)}/{vn_number(row.villages)}" if row.unit else "",
        ]
        for rank, row in enumerate(board.children, start=1)
    ]
    header = [
        _("STT"),
        _("Đơn vị"),
        _("Hoàn thành"),
        _("Báo cáo"),
        _("Số tổ"),
        _("Hiệu quả"),
        _("Chỉ trên giấy"),
        _("Thôn có tổ"),
    ]
    intro = _("Các đơn vị trực thuộc, xếp theo lượt hoàn thành dịch vụ số:")
    _data_table(doc, intro, header, rows, [1.2, 5.3, 1.9, 1.6, 1.3, 1.5, 1.6, 1.6], size=11)


def _signature(doc) -> None:
    table = _table(doc, 1, [7.0, TEXT_WIDTH_CM - 7.0])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    recipients = table.cell(0, 0)
    _paragraph(recipients, _("Nơi nhận:"), bold=True, italic=True, size=12, align="left", before=6)
    _paragraph(recipients, _("- Như trên;"), size=11, align="left")
    _paragraph(recipients, _("- Lưu: VT."), size=11, align="left")
    signer = table.cell(0, 1)
    _paragraph(signer, _("TM. BAN CHỈ ĐẠO"), bold=True, size=13, before=6)
    _paragraph(signer, _("TRƯỞNG BAN"), bold=True, size=13)
    for _blank in range(4):  # room for the signature and the seal
        _paragraph(signer)
