"""The report's tables are written in one pass (a formatted row copied with its texts): they must come out as
python-docx writes them cell by cell, and every row must keep what makes the table read well on paper."""

import io

from django.core.management import call_command
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

from tocns.reports import export_docx
from tocns.reports.tests.test_export import filed  # noqa: F401  (fixture)

HEADER = ["STT", "Tên", "Nơi", "Số"]
WIDTHS = [1.3, 4.6, 3.0, 2.0]
ROWS = [
    ["I", "Nhóm một", "", "1.234"],
    ["", " Tổ có khoảng trắng đầu", "Thôn\tXã", "5"],
    ["2", "Tổ hai\ndòng", "Xã\x01 Bản", ""],  # a control character typed in a name is dropped
    ["", "Tổng cộng", "", "1.239"],
]
BOLD_ROWS = [0, 3]


def cell_by_cell(doc, header, rows, widths, *, size, text_columns, bold_rows):
    """The table as python-docx writes it cell by cell (how the report was written before): the
    reference the one-pass table must match."""
    export_docx._body(doc, "Bảng:").paragraph_format.keep_with_next = True
    table = export_docx._table(doc, 1 + len(rows), widths)
    table.style = doc.styles["Table Grid"]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        export_docx._paragraph(cell, text, bold=True, size=size, before=2, after=2)
    for number, (table_row, row) in enumerate(zip(table.rows[1:], rows, strict=True)):
        for index, (cell, text) in enumerate(zip(table_row.cells, row, strict=True)):
            align = "center" if index == 0 else "left" if index <= text_columns else "right"
            paragraph = export_docx._paragraph(cell, text, size=size, align=align, before=2, after=2)
            for run in paragraph.runs:
                run.bold = number in bold_rows
    export_docx._paragraph(doc, after=6)
    return table


def one_pass(doc, header, rows, widths, *, size, text_columns, bold_rows):
    return export_docx._data_table(
        doc, "Bảng:", header, rows, widths, size=size, text_columns=text_columns, bold_rows=bold_rows
    )


def test_one_pass_table_is_the_same_xml_as_formatting_cell_by_cell():
    for size, text_columns in ((12, 1), (11, 2)):
        options = {"size": size, "text_columns": text_columns, "bold_rows": BOLD_ROWS}
        expected, written = Document(), Document()
        cell_by_cell(expected, HEADER, ROWS, WIDTHS, **options)
        one_pass(written, HEADER, ROWS, WIDTHS, **options)
        assert etree.tostring(written.element.body) == etree.tostring(expected.element.body)


def test_one_pass_table_keeps_texts_bold_totals_repeat_widths_and_borders():
    doc = Document()
    one_pass(doc, HEADER, ROWS, WIDTHS, size=11, text_columns=2, bold_rows=BOLD_ROWS)
    # Saved and opened again, as the reader's program gets it.
    buffer = io.BytesIO()
    doc.save(buffer)
    table = Document(io.BytesIO(buffer.getvalue())).tables[0]
    assert table.style.name == "Table Grid"  # the borders
    rows = table.rows
    assert [[cell.text for cell in row.cells] for row in rows] == [
        HEADER,
        ["I", "Nhóm một", "", "1.234"],
        ["", " Tổ có khoảng trắng đầu", "Thôn\tXã", "5"],
        ["2", "Tổ hai\ndòng", "Xã Bản", ""],
        ["", "Tổng cộng", "", "1.239"],
    ]
    for number, row in enumerate(rows):
        properties = row._tr.trPr
        assert properties.find(qn("w:cantSplit")) is not None, number  # no row split over two pages
        repeat = properties.find(qn("w:tblHeader"))
        assert (repeat is not None) == (number == 0), number  # only the header repeats on each page
        assert [round(cell.width.cm, 2) for cell in row.cells] == WIDTHS, number
        paragraphs = [cell.paragraphs for cell in row.cells]
        assert all(len(p) == 1 for p in paragraphs), number  # one paragraph a cell, none added below
        aligns = [p[0].alignment for p in paragraphs]
        if number == 0:
            assert aligns == [WD_ALIGN_PARAGRAPH.CENTER] * 4
        else:
            assert aligns == [
                WD_ALIGN_PARAGRAPH.CENTER,
                *[WD_ALIGN_PARAGRAPH.LEFT] * 2,
                WD_ALIGN_PARAGRAPH.RIGHT,
            ]
        for cell_paragraphs in paragraphs:
            spacing = cell_paragraphs[0].paragraph_format
            assert (spacing.space_before, spacing.space_after) == (Pt(2), Pt(2))
        runs = [run for p in paragraphs for run in p[0].runs]
        assert runs and all(run.font.size == Pt(11) for run in runs)
        bold = number == 0 or number - 1 in BOLD_ROWS
        assert all(run.bold is bold for run in runs), number
    assert [round(column.width.cm, 2) for column in table.columns] == WIDTHS


def test_report_bolds_the_contents_and_the_total_of_the_results_and_nothing_else(tree, filed, tmp_path):  # noqa: F811
    path = tmp_path / "bao-cao.docx"
    call_command(
        "export_report", unit=tree.lao_cai.code, format="docx", output=str(path), stdout=io.StringIO()
    )
    doc = Document(str(path))
    results = next(t for t in doc.tables if t.rows[0].cells[1].text == "Nội dung, dịch vụ")
    bold = [
        row.cells[1].text
        for row in results.rows[1:]
        if all(r.bold for c in row.cells for r in c.paragraphs[0].runs)
    ]
    assert bold == [
        "Sử dụng dịch vụ công trực tuyến",
        "Mua sắm trực tuyến",
        "Thanh toán trực tuyến",
        "Tự bảo vệ mình trên môi trường mạng",
        "Sử dụng các nền tảng số khác",
        "Tổng cộng",
    ]
    assert any(row.cells[1].text.startswith("- ") for row in results.rows)  # services, not bold
    # Every data table of the report: every row whole on a page, every cell its column's width.
    data_tables = [t for t in doc.tables if t.style.name == "Table Grid"]
    assert len(data_tables) >= 2
    for table in data_tables:
        widths = [column.width for column in table.columns]
        assert abs(sum(widths, Cm(0)) - Cm(export_docx.TEXT_WIDTH_CM)) < Cm(0.1)  # between the margins
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
            assert [cell.width for cell in row.cells] == widths
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
