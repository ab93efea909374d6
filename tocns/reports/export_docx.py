"""A unit's dashboard as a .docx report in the form of Nghị định 30/2020/NĐ-CP (see export)."""

import copy
import datetime
import io
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from tocns.catalogue.models import Content
from tocns.core.text import strip_controls
from tocns.training.selectors import period_training

from . import narrative, selectors
from .letterhead import issuer_in_text, letterhead_for, number_line, recipient_lines, signature
from .models import Letterhead
from .wording import date_line, lower_first, place_in_text, states_sentence, vn_number, vn_percent

FOLLOW_UP_IN_DOCX = 200  # rows of the appendix; the .xlsx and the page list them all
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
HEADER_LEFT_CM = (
    6.8  # the agency's name (Sở … 6.5 cm at 12 pt bold) and the national title (8.8 cm) each on one line
)


FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.0  # A4 (21 cm) less 3 cm left and 2 cm right
ALIGN = {
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def build_docx(board: selectors.Dashboard, *, today: datetime.date | None = None) -> bytes:
    """The report as these reports are written: I. the general situation; II. the results (by the
    ministry's five contents, coverage and households, training, effectiveness); III.-V. the officer's text
    for the period (difficulties, next tasks, proposals); the signature; then the long tables as Phụ lục."""
    today = today or timezone.localdate()
    head = letterhead_for(board.unit)
    texts = narrative.texts_for(board.unit, board.period, board)
    doc = Document()
    _page_setup(doc)
    _page_numbers(doc)
    _header(doc, head, today)
    _paragraph(doc, _("BÁO CÁO"), bold=True, size=14, before=18)
    subtitle = _("Kết quả hoạt động của Tổ công nghệ số cộng đồng %(period)s") % {
        "period": lower_first(board.period.label)
    }
    _paragraph(doc, subtitle, bold=True, size=14)
    _rule(doc, rule_under(subtitle, 14), TEXT_WIDTH_CM).paragraph_format.space_after = Pt(12)
    appendices = _appendices(board)
    _general(doc, board)
    _heading(doc, _("II. KẾT QUẢ THỰC HIỆN"))
    _results(doc, board, today)
    _coverage(doc, board)
    _training(doc, board)
    _evaluation(doc, board, appendices)
    _officer_text(doc, _("III. KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN"), texts.difficulties, _("Không có."))
    _officer_text(doc, _("IV. NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI"), texts.next_tasks, _("Không có."))
    _officer_text(doc, _("V. ĐỀ XUẤT, KIẾN NGHỊ"), texts.proposals, _("Không có đề xuất, kiến nghị."))
    closing = _(
        "Trên đây là báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng %(period)s trên địa bàn "
        "%(unit)s; số liệu tổng hợp từ báo cáo của các tổ trên nền tảng đến ngày %(date)s./."
    ) % {
        "period": lower_first(board.period.label),
        "unit": place_in_text(board.unit),
        "date": f"{today:%d/%m/%Y}",
    }
    _body(doc, closing).paragraph_format.keep_with_next = True  # never a signature alone on a page
    _signature(doc, head)
    for number, (title, write) in enumerate(appendices, start=1):
        _appendix_title(doc, number, title, head, board, today)
        write(doc)
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
        run = paragraph.add_run(
            strip_controls(text)
        )  # what a Word file cannot hold, typed before it was refused
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


def _header(doc, head: Letterhead, today: datetime.date) -> None:
    """Issuing body left (the body above it, if any, then its own name in bold over a rule), national title
    right (Nghị định 30), within the 16 cm between the margins. Cells keep 1 mm on each side (Word's default
    is 1.9), so the national title at 12 pt bold (8.8 cm) stays on one line."""
    left = HEADER_LEFT_CM
    table = _table(doc, 2, [left, TEXT_WIDTH_CM - left])
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(0.1 * 567)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    body = table.cell(0, 0)
    for line in head.body_above.upper().splitlines():
        if line.strip():
            _paragraph(body, line.strip(), size=12)
    lines = [line.strip() for line in head.body.upper().splitlines() if line.strip()]
    for line in lines:
        _paragraph(body, line, bold=True, size=12)
    widest = max((min(text_width_cm(line, 12, bold=True), left - 0.2) for line in lines), default=0)
    _rule(body, round(0.4 * widest, 2), left)
    nation = table.cell(0, 1)
    _paragraph(nation, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=12)
    _paragraph(nation, _("Độc lập - Tự do - Hạnh phúc"), bold=True, underline=True, size=13)
    _paragraph(table.cell(1, 0), number_line(head), size=13, before=6)
    _paragraph(table.cell(1, 1), date_line(head.place, today), italic=True, size=13, before=6)


def _heading(doc, text: str) -> None:
    paragraph = _paragraph(doc, text, bold=True, align="justify", before=6, after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.keep_with_next = True


def _body(doc, text: str):
    paragraph = _paragraph(doc, text, align="justify", after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.line_spacing = Pt(18)
    return paragraph


def _data_table(
    doc,
    intro: str,
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    *,
    size=12,
    text_columns=1,
    bold_rows=(),
):
    """A sentence, then a bordered table under it: the header row repeats on each page, rows stay whole;
    the first column (a number) is centred, the next ``text_columns`` (names) left, the others (figures)
    right-aligned; the rows at the indexes ``bold_rows`` (totals) in bold.

    The table is written in one pass: the header and one row of each kind are formatted through python-docx,
    and every data row is a copy of its kind with the texts put in. Formatting each cell through python-docx
    took 2.8 s of the 3.6 s a province's report took."""
    _body(doc, intro).paragraph_format.keep_with_next = True
    table = _table(doc, 1, widths)
    table.style = doc.styles["Table Grid"]
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    # a row split at a page end leaves an empty sliver at the top of the next page
    properties.append(OxmlElement("w:cantSplit"))
    for cell, text in zip(table.rows[0].cells, header, strict=False):
        _paragraph(cell, text, bold=True, size=size, before=2, after=2)
    aligns = ["center" if i == 0 else "left" if i <= text_columns else "right" for i in range(len(widths))]
    bold_rows = set(bold_rows)
    plain = _row_template(table, aligns, size=size, bold=False)
    bold = _row_template(table, aligns, size=size, bold=True) if bold_rows else None
    tbl = table._tbl
    for index, row in enumerate(rows):
        tbl.append(_filled_row(bold if index in bold_rows else plain, row))
    _paragraph(doc, after=6)
    return table


def _row_template(table, aligns: list[str], *, size, bold: bool):
    """A row formatted as a data row of the table, each cell holding one run of placeholder text, taken out
    of the table to be copied (_filled_row)."""
    row = table.add_row()
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, align in zip(row.cells, aligns, strict=True):
        _paragraph(cell, "0", bold=bold, size=size, align=align, before=2, after=2)
    table._tbl.remove(row._tr)
    return row._tr


LINE_CONTROLS = re.compile("[\t\r\n]")


def _filled_row(template, texts: list[str]):
    """A copy of a row template with the cells' texts, as _paragraph writes them: a cell without text keeps
    its formatted paragraph without a run."""
    tr = copy.deepcopy(template)
    runs = [t.getparent() for t in tr.iter(qn("w:t"))]
    texts = [*texts, *[""] * (len(runs) - len(texts))]
    for run, text in zip(runs, texts, strict=False):
        text = strip_controls(text)
        if not text:
            run.getparent().remove(run)
        elif LINE_CONTROLS.search(text):
            run.text = text  # tabs and line breaks become w:tab and w:br, as in python-docx's add_run
        else:
            t = run[-1]
            t.text = text
            if len(text.strip()) < len(text):
                t.set(qn("xml:space"), "preserve")
    return tr


def _general(doc, board: selectors.Dashboard) -> None:
    _heading(doc, _("I. TÌNH HÌNH CHUNG"))
    coverage = board.coverage
    _body(
        doc,
        _(
            "Đến thời điểm báo cáo, trên địa bàn %(unit)s có %(teams)s Tổ công nghệ số cộng đồng với "
            "%(members)s thành viên."
        )
        % {
            "unit": place_in_text(board.unit),
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
    """1. The people guided, by the ministry's five contents with tocns's services below each; every
    figure named so it cannot be read two ways."""
    _heading(doc, _("1. Kết quả hướng dẫn người dân theo năm nội dung"))
    guided = sum(s.guided for s in board.services)
    _body(
        doc,
        _(
            "Trong %(period)s, các tổ đã gửi %(reports)s báo cáo hoạt động; hỗ trợ %(people)s lượt người "
            "(mỗi lần một người được tổ hỗ trợ tính một lượt); hướng dẫn %(guided)s lượt sử dụng dịch vụ số "
            "(một người được hướng dẫn hai dịch vụ tính hai lượt), trong đó %(completed)s lượt người dân "
            "hoàn thành (đã kích hoạt, nộp hồ sơ, mở tài khoản…)."
        )
        % {
            "period": lower_first(board.period.label),
            "reports": vn_number(board.reports),
            "people": vn_number(board.people),
            "guided": vn_number(guided),
            "completed": vn_number(board.completed),
        },
    )
    if guided > board.people:
        _body(
            doc,
            _(
                "Số lượt hướng dẫn (%(guided)s) lớn hơn số lượt người được hỗ trợ (%(people)s) vì trong một "
                "lần hỗ trợ, một người thường được hướng dẫn nhiều dịch vụ."
            )
            % {"guided": vn_number(guided), "people": vn_number(board.people)},
        )
    elif guided < board.people:
        _body(
            doc,
            _(
                "Số lượt người được hỗ trợ (%(people)s) lớn hơn số lượt hướng dẫn (%(guided)s) vì có những "
                "lần tổ tuyên truyền, giải đáp chung, không gắn với một dịch vụ cụ thể."
            )
            % {"guided": vn_number(guided), "people": vn_number(board.people)},
        )
    # Months still to come would only add zeros to the sentence.
    months = [(month, n) for month, n in board.months if month <= today or n]
    if len(board.months) > 1 and months:
        listed = "; ".join(f"{month:%m/%Y}: {vn_number(n)}" for month, n in months)
        _body(doc, _("Số báo cáo theo tháng: %(months)s.") % {"months": listed})
    with_targets = any(s.target for s in board.services)
    header = [_("STT"), _("Nội dung, dịch vụ"), _("Lượt hướng dẫn"), _("Lượt hoàn thành")]
    widths = [1.2, 8.0, 3.4, 3.4]
    if with_targets:  # no plan sets targets yet: two empty columns would only puzzle the reader
        header += [_("Chỉ tiêu hoàn thành"), _("Đạt")]
        widths = [1.2, 5.4, 2.5, 2.5, 2.4, 2.0]
    rows, bold_rows = [], []
    for number, (content, label) in enumerate(Content.choices, start=1):
        listed = [s for s in board.services if s.service.content == content]
        target = sum(s.target or 0 for s in listed)
        row = [
            ROMAN[number - 1],
            str(label),
            vn_number(sum(s.guided for s in listed)),
            vn_number(sum(s.completed for s in listed)),
        ]
        if with_targets:
            row += [vn_number(target) if target else "", vn_percent(_share(listed) if target else None)]
        bold_rows.append(len(rows))
        rows.append(row)
        for s in listed:
            row = ["", f"- {s.service.short_name}", vn_number(s.guided), vn_number(s.completed)]
            if with_targets:
                row += [vn_number(s.target) if s.target else "", vn_percent(s.share_of_target)]
            rows.append(row)
    total = ["", _("Tổng cộng"), vn_number(guided), vn_number(board.completed)]
    bold_rows.append(len(rows))
    rows.append(total + [""] * (len(header) - len(total)))
    intro = _(
        "Kết quả theo năm nội dung hướng dẫn người dân (Công văn số 793/BTTTT-THH), chi tiết theo dịch vụ:"
    )
    _data_table(doc, intro, header, rows, widths, bold_rows=bold_rows)


def _share(services) -> float:
    completed = sum(min(s.completed, s.target) if s.target else 0 for s in services)
    return completed / sum(s.target or 0 for s in services)


def _coverage(doc, board: selectors.Dashboard) -> None:
    """2. Villages with a team, households, and what tocns knows of the people's basic digital skills."""
    _heading(doc, _("2. Độ phủ, hộ gia đình và kỹ năng số cơ bản"))
    coverage = board.coverage
    homes = selectors.households_under(board.unit)
    sentences = [
        _("%(with_team)s/%(villages)s thôn, tổ dân phố có Tổ công nghệ số cộng đồng%(share)s.")
        % {
            "with_team": vn_number(coverage.villages_with_team),
            "villages": vn_number(coverage.villages),
            "share": f" ({coverage.village_share}%)" if coverage.village_share is not None else "",
        }
    ]
    if homes.households:
        sentences.append(
            _(
                "%(n)s thôn, tổ dân phố đã có số hộ, với %(households)s hộ; %(covered)s hộ ở các thôn, tổ dân "
                "phố có tổ; bình quân %(per)s lượt người được hỗ trợ trên 100 hộ trong kỳ."
            )
            % {
                "n": vn_number(homes.villages_counted),
                "households": vn_number(homes.households),
                "covered": vn_number(homes.with_team),
                "per": f"{100 * board.people / homes.households:.1f}".replace(".", ","),
            }
        )
    else:
        sentences.append(_("Các thôn, tổ dân phố chưa có số hộ trên nền tảng."))
    _body(doc, " ".join(sentences))
    safety = sum(s.guided for s in board.services if s.service.content == Content.SAFETY)
    _body(
        doc,
        _(
            "Về kỹ năng số cơ bản của người dân (phong trào “Bình dân học vụ số”): kết quả được xác nhận trên "
            "ứng dụng VNeID, nền tảng chưa nhận số liệu này nên báo cáo không nêu; trong kỳ, các tổ đã hướng "
            "dẫn %(n)s lượt người dân kỹ năng tự bảo vệ mình trên môi trường mạng."
        )
        % {"n": vn_number(safety)},
    )


def _training(doc, board: selectors.Dashboard) -> None:
    """3. The members' own training in the period."""
    _heading(doc, _("3. Tập huấn, bồi dưỡng thành viên tổ"))
    summary = period_training(board.unit.path, board.period.start, board.period.end)
    held = (
        _(
            "Trong kỳ, %(members)s thành viên đã tham gia %(sessions)s lớp tập huấn (%(attendances)s lượt "
            "tham dự); %(certificates)s chứng nhận hoàn thành khóa học được cấp."
        )
        % {
            "members": vn_number(summary.members_trained),
            "sessions": vn_number(summary.sessions),
            "attendances": vn_number(summary.attendances),
            "certificates": vn_number(summary.certificates),
        }
        if summary.attendances
        else _("Trong kỳ chưa có thành viên nào tham gia lớp tập huấn được ghi nhận trên nền tảng.")
    )
    overall = summary.coverage
    _body(
        doc,
        held
        + " "
        + _("Lũy kế, %(trained)s/%(members)s thành viên (%(share)s) đã được tập huấn ít nhất một lần.")
        % {
            "trained": vn_number(overall.trained),
            "members": vn_number(overall.members),
            "share": vn_percent(overall.share) or "0%",
        },
    )


def _evaluation(doc, board: selectors.Dashboard, appendices: list) -> None:
    """4. The teams' states and classes; the teams to follow up are listed in an appendix."""
    _heading(doc, _("4. Đánh giá hiệu quả hoạt động của các tổ"))
    _body(doc, states_sentence(board))
    if not board.follow_up:
        _body(
            doc, _("Không có tổ chỉ trên giấy, mới thành lập chưa báo cáo hoặc chưa hiệu quả cần theo dõi.")
        )
        return
    number = next(i for i, (title, _w) in enumerate(appendices, start=1) if title == FOLLOW_UP_TITLE)
    _body(
        doc,
        _(
            "Danh sách %(n)s tổ cần theo dõi, hỗ trợ (tổ chỉ trên giấy, mới thành lập, chưa hiệu quả) tại Phụ lục %(a)s."
        )
        % {"n": vn_number(len(board.follow_up)), "a": ROMAN[number - 1]},
    )


def _officer_text(doc, title: str, text: str, empty: str) -> None:
    _heading(doc, title)
    lines = narrative.paragraphs(text)
    for line in lines or [empty]:
        _body(doc, f"- {line}" if len(lines) > 1 else line)


FOLLOW_UP_TITLE = _lazy("DANH SÁCH TỔ CẦN THEO DÕI, HỖ TRỢ")
CHILDREN_TITLE = _lazy("KẾT QUẢ THEO ĐƠN VỊ TRỰC THUỘC")


def _appendices(board: selectors.Dashboard) -> list:
    """(title, writer) of each appendix the report has, in order."""
    listed = []
    if board.children:
        listed.append((CHILDREN_TITLE, lambda doc: _children_table(doc, board)))
    if board.follow_up:
        listed.append((FOLLOW_UP_TITLE, lambda doc: _follow_up_table(doc, board)))
    return listed


def _appendix_title(doc, number: int, title, head: Letterhead, board, today: datetime.date) -> None:
    """A new page: "Phụ lục I", its title, and the document it goes with (Nghị định 30, Phụ lục I)."""
    paragraph = _paragraph(doc, _("Phụ lục %(n)s") % {"n": ROMAN[number - 1]}, bold=True, size=14)
    paragraph.paragraph_format.page_break_before = True
    _paragraph(doc, str(title), bold=True, size=14)
    issuer = issuer_in_text(head)
    _paragraph(
        doc,
        _("(Kèm theo Báo cáo số %(gap)s/%(suffix)s ngày %(date)s%(of)s)")
        % {
            "gap": "\u00a0" * 6,
            "suffix": head.number_suffix.strip(),
            "date": f"{today:%d/%m/%Y}",
            "of": _(" của %(issuer)s") % {"issuer": issuer} if issuer else "",
        },
        italic=True,
        size=13,
        after=12,
    )


def _children_table(doc, board: selectors.Dashboard) -> None:
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
        _("Lượt hoàn thành"),
        _("Báo cáo"),
        _("Số tổ"),
        _("Tổ hiệu quả"),
        _("Tổ chỉ trên giấy"),
        _("Thôn có tổ"),
    ]
    intro = _("Các đơn vị trực thuộc, xếp theo lượt hoàn thành dịch vụ số:")
    _data_table(doc, intro, header, rows, [1.3, 4.6, 2.0, 1.7, 1.3, 1.6, 1.8, 1.7], size=11)


def _follow_up_table(doc, board: selectors.Dashboard) -> None:
    """The teams to follow up, where they are and who leads them (no phone: the document goes up the
    hierarchy), the longest silent first; a province's longest lists are cut with a pointer to the rest."""
    shown = board.follow_up[:FOLLOW_UP_IN_DOCX]
    contacts = selectors.follow_up_contacts(shown, with_phones=False)
    rows = []
    for number, score in enumerate(shown, start=1):
        contact = contacts[score.team.pk]
        place = ", ".join(p for p in (contact.village, contact.commune) if p)
        rows.append(
            [
                str(number),
                score.team.name,
                place,
                contact.leader or _("(chưa có)"),
                score.class_label,
                f"{score.last_report:%d/%m/%Y}" if score.last_report else _("chưa có"),
            ]
        )
    header = [_("STT"), _("Tổ"), _("Thôn, xã"), _("Tổ trưởng"), _("Trạng thái"), _("Báo cáo gần nhất")]
    intro = _("Các tổ cần theo dõi, hỗ trợ, tổ lâu không báo cáo nhất trước:")
    _data_table(doc, intro, header, rows, [1.3, 3.8, 3.6, 2.9, 2.2, 2.2], size=11, text_columns=4)
    if len(board.follow_up) > len(shown):
        _body(
            doc,
            _("Nêu %(shown)s trên %(n)s tổ; danh sách đầy đủ trong tệp Excel kèm theo và trên nền tảng.")
            % {"shown": vn_number(len(shown)), "n": vn_number(len(board.follow_up))},
        )


def _signature(doc, head: Letterhead) -> None:
    """Recipients left, the signer right (Nghị định 30): authority, title, room for the signature and the
    seal, the name."""
    table = _table(doc, 1, [7.0, TEXT_WIDTH_CM - 7.0])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    recipients = table.cell(0, 0)
    _paragraph(recipients, _("Nơi nhận:"), bold=True, italic=True, size=12, align="left", before=6)
    for line in recipient_lines(head.recipients):
        _paragraph(recipients, line, size=11, align="left")
    signer = table.cell(0, 1)
    signed = signature(head)
    for index, line in enumerate(signed.lines):
        _paragraph(signer, line, bold=True, size=13, before=6 if index == 0 else 0)
    for _blank in range(4):  # room for the signature and the seal
        _paragraph(signer)
    if signed.name:
        _paragraph(signer, signed.name, bold=True, size=13)
