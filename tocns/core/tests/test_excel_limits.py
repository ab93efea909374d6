"""Hostile spreadsheets: small files that asked for huge work (issue 23, item 5). Each is built here by hand
(zipfile + XML) and must be refused with a message naming the limit, before or while reading, with the rows
read counted (never timed: tests do not assert on wall-clock)."""

import datetime
import io
import re
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tocns.core import excel, excel_table
from tocns.core.excel import HEADER_SEARCH_ROWS, ImportFileError
from tocns.core.excel_headers import Column
from tocns.core.excel_table import read_table
from tocns.core.import_flow import UPLOAD_DIR, purge_uploads

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COLUMNS = [Column("name", "Họ và tên"), Column("phone", "Số điện thoại")]
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c></row>'


def xlsx(sheet_parts, shared: str | None = None) -> bytes:
    """A minimal workbook: one sheet whose XML is the concatenation of `sheet_parts` (strings, or an iterable
    of them streamed into the zip so a huge sheet never sits in memory), optional shared strings."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if shared is not None
            else ""
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {MAIN} xmlns:r="{REL}">'
        '<sheets><sheet name="DS" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared is not None
            else ""
        )
        + "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for part in [sheet_parts] if isinstance(sheet_parts, str) else sheet_parts:
                sheet.write(part.encode())
    return buffer.getvalue()


def sheet(rows, dimension: str | None = None):
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}>'
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield from rows
    yield "</sheetData></worksheet>"


@pytest.fixture
def reads(monkeypatch):
    """The SheetReaders made while reading, to count the rows each read."""
    made = []
    real = excel.SheetReader

    class Counting(real):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(excel_table, "SheetReader", Counting)  # where read_table() makes them
    return made


def read_all(data: bytes) -> list:
    with read_table(data, COLUMNS, required=[("name",)]) as table:
        return list(table.rows)


def rows_read(reads) -> int:
    return sum(r.rows_read for r in reads)


def test_an_ordinary_sheet_reads_its_rows(reads):
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Số điện thoại</t></is></c></row>'
    )
    rows = [header] + [
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Người {n}</t></is></c><c r="B{n}"><v>{n}</v></c></row>'
        for n in range(2, 7)
    ]
    assert read_all(xlsx(sheet(rows, "A1:B6"))) == [(n, (f"Người {n}", n)) for n in range(2, 7)]
    assert rows_read(reads) == 6


def test_a_sheet_declaring_every_row_and_column_is_refused_before_reading(reads):
    data = xlsx(sheet([HEADER_ROW], dimension="A1:XFD1048576"))

    with pytest.raises(ImportFileError) as refused:
        read_all(data)

    assert str(refused.value) == (
        "Trang tính khai báo 1.048.576 dòng × 16.384 cột, vượt giới hạn 100.000 dòng và 60 cột. Hãy xóa các "
        "dòng, cột thừa (hoặc chia thành nhiều tệp) rồi lưu lại."
    )
    assert rows_read(reads) == 0


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(reads):
    strings = "".join("<si><t>x</t></si>" for _ in range(1_100_000))  # ~19 MB, zips to ~40 KB
    data = xlsx(sheet([HEADER_ROW]), shared=f'<?xml version="1.0"?><sst {MAIN}>{strings}</sst>')
    assert len(data) < 200_000

    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as refused:
            read_all(data)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (
        str(refused.value) == "Bảng chữ dùng chung của tệp (sharedStrings.xml) có 18 MB, vượt giới hạn 16 MB."
    )
    assert reads == []  # the workbook was never opened
    assert peak < 30 * 1024 * 1024  # the ~19 MB unpacked would be many times that as Python strings


def huge_sheet():
    """~250 MB of one repeated row once unpacked, a few hundred KB zipped."""
    cell = '<c t="inlineStr"><is><t>Nguyễn Văn A</t></is></c>'
    return sheet([HEADER_ROW] + [f"<row>{cell}</row>" * 10_000] * 420)


def test_a_highly_compressible_huge_sheet_is_refused_by_its_unpacked_size(reads):
    data = xlsx(huge_sheet())
    assert len(data) < 1_000_000

    with pytest.raises(ImportFileError) as refused:
        read_all(data)

    assert re.match(r"Tệp giải nén ra \d{3} MB, vượt giới hạn 200 MB cho một lần nhập\.", str(refused.value))
    assert reads == []


def test_a_file_that_unpacks_hundreds_of_times_its_size_is_refused(reads):
    cell = '<c t="inlineStr"><is><t>Nguyễn Văn A</t></is></c>'
    data = xlsx(sheet([HEADER_ROW] + [f"<row>{cell}</row>" * 10_000] * 10))  # ~5 MB in ~20 KB

    with pytest.raises(ImportFileError) as refused:
        read_all(data)

    assert "giải nén ra gấp" in str(refused.value) and "(giới hạn 100 lần)" in str(refused.value)
    assert reads == []


def test_past_the_zip_checks_rows_are_counted_and_reading_stops_at_the_limit(reads, settings):
    settings.IMPORT_MAX_RATIO = 1_000_000
    settings.IMPORT_MAX_ROWS = 5_000
    cell = '<c t="inlineStr"><is><t>Nguyễn Văn A</t></is></c>'
    data = xlsx(sheet([HEADER_ROW] + [f"<row>{cell}</row>" * 10_000] * 10))  # 100,000 rows

    with pytest.raises(ImportFileError) as refused:
        read_all(data)

    assert str(refused.value) == (
        "Tệp có hơn 5.000 dòng, vượt giới hạn cho một lần nhập. Hãy chia thành nhiều tệp nhỏ hơn."
    )
    assert rows_read(reads) == 5_000 + HEADER_SEARCH_ROWS + 1


def test_a_row_numbered_a_million_costs_one_row_not_a_million(reads):
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Lò Văn B</t></is></c></row>'

    assert read_all(xlsx(sheet([HEADER_ROW, far]))) == [(1_048_576, ("Lò Văn B",))]
    assert rows_read(reads) == 2


def test_a_value_far_to_the_right_is_refused_without_padding_rows(reads):
    wide = '<row r="2"><c r="A2" t="inlineStr"><is><t>Lò Văn B</t></is></c><c r="XFD2"><v>1</v></c></row>'

    with pytest.raises(ImportFileError) as refused:
        read_all(xlsx(sheet([HEADER_ROW, wide])))

    assert str(refused.value) == (
        "Tệp có dữ liệu ở cột XFD, vượt giới hạn 60 cột. Hãy xóa các cột thừa rồi lưu lại."
    )
    assert rows_read(reads) == 2


def test_a_row_of_a_million_empty_cells_is_read_in_bounded_memory(reads, settings):
    settings.IMPORT_MAX_RATIO = 1_000_000
    empty = '<row r="2">' + "<c/>" * 1_000_000 + '<c r="A3"/></row>'
    data = xlsx(
        sheet([HEADER_ROW, empty, '<row r="3"><c r="A3" t="inlineStr"><is><t>Lò Văn B</t></is></c></row>'])
    )

    tracemalloc.start()
    try:
        rows = read_all(data)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert rows == [(3, ("Lò Văn B",))]
    assert peak < 20 * 1024 * 1024  # openpyxl's iter_rows held a million elements and a million-wide tuple


def test_reading_stops_at_the_time_budget(reads, settings, monkeypatch):
    """The clock is a counter here: each look at it is one second later."""
    settings.IMPORT_MAX_SECONDS = 60
    ticks = iter(range(10**9))
    monkeypatch.setattr(excel.time, "monotonic", lambda: float(next(ticks)))
    rows = [HEADER_ROW] + [f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 20_000)]

    with pytest.raises(ImportFileError) as refused:
        read_all(xlsx(sheet(rows)))

    assert str(refused.value).startswith("Đọc tệp quá 60 giây, vượt giới hạn thời gian cho một lần nhập.")
    assert rows_read(reads) < 70 * excel.SheetReader.CHECK_TIME_EVERY


def test_two_hundred_thousand_rows_are_refused_at_the_row_limit(reads):
    rows = [HEADER_ROW] + [f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 200_002)]

    with pytest.raises(ImportFileError, match="Tệp có hơn 100.000 dòng"):
        read_all(xlsx(sheet(rows)))

    assert rows_read(reads) == 100_000 + HEADER_SEARCH_ROWS + 1


# The web pages: what a commune officer can upload.

ROSTER_HEADER = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c></row>'
)


def error_rows_file(count: int) -> bytes:
    """`count` rows whose role is one 30,000-character shared string: every row an error quoting it."""
    strings = [
        "Mã xã",
        "Thôn",
        "Họ và tên",
        "Vai trò",
        "02647",
        "Tổ dân phố Kim Tân",
        "Người Lạ",
        "x" * 30_000,
    ]
    shared = (
        f'<?xml version="1.0"?><sst {MAIN}>' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"
    )
    rows = [ROSTER_HEADER] + [
        f'<row r="{n}"><c r="A{n}" t="s"><v>4</v></c><c r="B{n}" t="s"><v>5</v></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>Người {n}</t></is></c><c r="D{n}" t="s"><v>7</v></c></row>'
        for n in range(2, count + 2)
    ]
    return xlsx(sheet(rows), shared=shared)


def test_the_preview_lists_the_first_200_row_errors_and_counts_the_rest(tree, people, client_for):
    data = error_rows_file(5_000)
    assert len(data) < 100_000

    response = client_for("commune_officer").post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", data)})

    assert response.status_code == 200
    assert response.text.count("không phải vai trò trong tổ (ghi Tổ trưởng") == 200
    assert "Chỉ hiện 200 dòng lỗi đầu tiên; còn 4.800 dòng lỗi khác." in response.text
    assert len(response.content) < 200_000  # 500 rows quoting 30,000 characters each: 15 MB before


@pytest.mark.parametrize("url", ["/to/nhap/", "/don-vi/nhap-thon/"])
def test_a_refused_file_is_a_message_on_the_page_not_an_error(url, tree, people, client_for):
    data = xlsx(sheet([HEADER_ROW], dimension="A1:XFD1048576"))

    response = client_for("commune_officer").post(url, {"file": SimpleUploadedFile("ds.xlsx", data)})

    assert response.status_code == 200
    assert "Trang tính khai báo 1.048.576 dòng × 16.384 cột" in response.text


# Uploads kept between preview and confirmation.


def uploads(settings) -> list:
    folder = settings.MEDIA_ROOT / UPLOAD_DIR
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def good_file() -> bytes:
    from tocns.conftest import xlsx_bytes

    return xlsx_bytes([["Mã xã", "Thôn", "Họ và tên"], ["02647", "Tổ dân phố Kim Tân", "Đỗ Thị Hoa"]])


def test_cancel_deletes_the_upload(tree, people, client_for, settings):
    client = client_for("commune_officer")
    client.post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", good_file())})
    assert len(uploads(settings)) == 1

    done = client.post("/to/nhap/xac-nhan/", {"cancel": "1"}, follow=True)

    assert "Đã hủy lần nhập. Tệp đã tải lên đã được xóa." in done.text
    assert uploads(settings) == []


def test_confirm_deletes_the_upload_and_a_second_upload_replaces_the_first(
    tree, people, client_for, settings
):
    client = client_for("commune_officer")
    client.post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", good_file())})
    client.post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", good_file())})
    assert len(uploads(settings)) == 1

    client.post("/to/nhap/xac-nhan/")

    assert uploads(settings) == []


def test_uploads_older_than_a_day_are_purged_by_the_command_and_by_the_next_upload(
    tree, people, client_for, settings
):
    import os
    import time

    client = client_for("commune_officer")
    client.post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", good_file())})
    client_for("province_officer").post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", good_file())})
    old, recent = (settings.MEDIA_ROOT / UPLOAD_DIR / name for name in uploads(settings))
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))

    call_command("purge_uploads")

    assert uploads(settings) == [recent.name]
    os.utime(recent, (day_ago, day_ago))
    client_for("admin").post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", good_file())})
    assert recent.name not in uploads(settings) and len(uploads(settings)) == 1
    assert purge_uploads(max_age=datetime.timedelta(0)) == 1
