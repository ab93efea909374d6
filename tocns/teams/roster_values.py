"""Reading a roster: its columns as communes head them, and each cell's value as people type it (phones that
lost their 0, birth dates either way round, roles and affiliations in their usual words). No database, but
for the choices and field sizes of the models."""

import datetime
import re

from django.core.validators import MaxValueValidator, MinValueValidator

from tocns.accounts.phones import normalize_phone
from tocns.core.bulk import without_gc_pauses
from tocns.core.excel import cell_text
from tocns.core.excel_headers import Column, header_key
from tocns.core.excel_table import ParsedFile, parse_file
from tocns.core.text import fold
from tocns.units.models import Unit
from tocns.units.names import place_key
from tocns.units.village_import import COMMUNE_CODE_COLUMN, COMMUNE_NAME_COLUMN, VILLAGE_COLUMN

from .models import Affiliation, Member, MemberRole, Team

# The spellings communes write, closest first (excel_headers ranks them; each file cell serves one column,
# so the order of the columns matters too: the role claims "Chức vụ" before the affiliation may).
COLUMNS = [
    COMMUNE_CODE_COLUMN,
    COMMUNE_NAME_COLUMN,
    VILLAGE_COLUMN,
    Column(
        "team_name",
        "Tên tổ",
        (
            "to",
            "to cns",
            "ten to cns",
            "ten to cong nghe so",
            "ten to cong nghe so cong dong",
            "to cong nghe so",
            "to cong nghe so cong dong",
            "to cnscd",
            "ten to cnscd",
        ),
    ),
    Column(
        "full_name",
        "Họ và tên",
        ("ho ten", "ho va ten thanh vien", "ho ten thanh vien", "ten thanh vien", "ho va ten nguoi tham gia"),
    ),
    Column(
        "role",
        "Vai trò",
        (
            "vai tro trong to",
            "chuc vu trong to",
            "nhiem vu trong to",
            "chuc danh trong to",
            "vi tri trong to",
            "vai tro trong to cns",
            "chuc vu trong to cns",
            "nhiem vu",
            "chuc vu",
        ),
    ),
    Column(
        "phone",
        "Số điện thoại",
        (
            "dien thoai",
            "sdt",
            "so dt",
            "dt",
            "so dien thoai lien he",
            "dien thoai lien he",
            "sdt lien he",
            "so dt lien he",
            "so dien thoai di dong",
            "di dong",
            "so dien thoai (zalo)",
            "sdt (zalo)",
        ),
    ),
    Column(
        "birth_year",
        "Năm sinh",
        (
            "nam sinh",
            "ngay sinh",
            "ngay thang nam sinh",
            "ngay, thang, nam sinh",
            "sinh nam",
            "ngay/thang/nam sinh",
        ),
    ),
    Column(
        "affiliation",
        "Thành phần",
        (
            "don vi cong tac",
            "noi cong tac",
            "co quan, don vi",
            "co quan cong tac",
            "thanh phan tham gia",
            "chuc vu, don vi cong tac",
            "chuc vu tai thon",
            "chuc vu o thon",
            "chuc danh",
            "doan the",
        ),
        fallback=("chuc vu",),
    ),
    Column(
        "has_smartphone",
        "Điện thoại thông minh",
        (
            "co dien thoai thong minh",
            "smartphone",
            "co smartphone",
            "dien thoai thong minh (co/khong)",
            "su dung dien thoai thong minh",
            "dung dien thoai thong minh",
        ),
    ),
]
KEYS = [c.key for c in COLUMNS]
HEADERS = [c.label for c in COLUMNS]
REQUIRED = [("commune_code", "commune_name"), ("village_name",), ("full_name",)]

MAX_NAME = Member._meta.get_field("full_name").max_length
MAX_NOTE = Member._meta.get_field("affiliation_note").max_length
MAX_TEAM_NAME = Team._meta.get_field("name").max_length
MAX_VILLAGE_NAME = Unit._meta.get_field("name").max_length
YES = {"co", "x", "yes", "y", "1", "true", "dung"}
NO = {"khong", "k", "no", "n", "0", "false", "sai"}


def _year_limits() -> tuple[int, int]:
    validators = Member._meta.get_field("birth_year").validators
    low = next(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    high = next(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return low, high


MIN_YEAR, MAX_YEAR = _year_limits()


# What rosters write for each role and affiliation, besides the labels themselves (compared folded).
ROLE_WORDS = {
    MemberRole.LEADER: ("truong to", "to truong to cns", "to truong to cong nghe so", "tt", "to truong (tt)"),
    MemberRole.DEPUTY: ("pho to", "to pho to cns", "pho to truong", "tp"),
    MemberRole.MEMBER: ("tv", "to vien", "thanh vien to", "uy vien", "thanh vien to cns"),
}
AFFILIATION_WORDS = {
    Affiliation.PARTY: (
        "bi thu chi bo",
        "pho bi thu chi bo",
        "bi thu",
        "dang vien",
        "chi bo",
        "bi thu chi bo thon",
        "chi uy vien",
    ),
    Affiliation.VILLAGE_HEAD: (
        "truong thon",
        "pho thon",
        "pho truong thon",
        "truong ban",
        "truong xom",
        "truong ap",
        "truong khu pho",
        "to truong to dan pho",
        "to truong tdp",
        # How "village_head" was labelled until 0004: an old export read back keeps what it held.
        "truong thon / bi thu chi bo",
    ),
    Affiliation.POLICE: ("cong an", "cong an vien", "cong an xa", "cong an thon", "cong an phuong"),
    Affiliation.YOUTH_UNION: (
        "doan thanh nien",
        "doan vien",
        "bi thu doan",
        "bi thu chi doan",
        "chi doan",
        "chi doan thanh nien",
        "doan tncs ho chi minh",
    ),
    Affiliation.WOMEN_UNION: (
        "hoi phu nu",
        "chi hoi phu nu",
        "chi hoi truong phu nu",
        "hoi lien hiep phu nu",
        "hoi lhpn",
        "phu nu",
    ),
    Affiliation.FARMERS_UNION: ("hoi nong dan", "chi hoi nong dan", "chi hoi truong nong dan", "nong dan"),
    Affiliation.VETERANS: (
        "hoi cuu chien binh",
        "cuu chien binh",
        "chi hoi cuu chien binh",
        "chi hoi truong cuu chien binh",
        "ccb",
    ),
    Affiliation.TEACHER: ("giao vien", "giao vien tieu hoc", "giao vien thcs", "giao vien mam non"),
    Affiliation.VILLAGE_HEALTH: (
        "y te thon ban",
        "y te thon",
        "y te ban",
        "nhan vien y te thon ban",
        "cong tac vien y te",
        "y te",
    ),
    Affiliation.POST_TELECOM: (
        "buu dien",
        "vien thong",
        "buu dien van hoa xa",
        "nhan vien buu dien",
        "nhan vien vien thong",
        "viettel",
        "vnpt",
        "mobifone",
    ),
    Affiliation.ELDER: ("nguoi co uy tin", "gia lang", "truong ho", "truong dong ho"),
    Affiliation.BUSINESS: (
        "doanh nghiep",
        "hop tac xa",
        "htx",
        "ho kinh doanh",
        "chu ho kinh doanh",
        "giam doc htx",
    ),
}


def _names(choices, words: dict) -> dict[str, str]:
    """Folded label, stored code and the usual words -> the choice. Nothing else maps: a value no list
    knows is reported as such, never taken for a neighbour."""
    names = {}
    for value, label in choices:
        names.setdefault(header_key(label), value)
        names.setdefault(header_key(value), value)  # the stored code, "village_head", also works
        for word in words.get(value, ()):
            names.setdefault(header_key(word), value)
    return names


def role_names() -> dict[str, str]:
    return _names(MemberRole.choices, ROLE_WORDS)


def affiliation_names() -> dict[str, str]:
    return _names(Affiliation.choices, AFFILIATION_WORDS)


def parse_phone(value) -> tuple[str | None, bool]:
    """(normalised phone or None when blank, ok). Excel drops the leading 0 of a phone typed as a
    number (912345678), so a number cell gets it back."""
    if value is None or isinstance(value, bool):
        return None, value is None
    if isinstance(value, int | float):
        if not float(value).is_integer():
            return None, False
        text = str(int(value))
        if len(text) in (9, 10):  # 0912345678 and 02838123456 typed as numbers; 84... stays as is
            text = "0" + text
    else:
        text = value.strip() if isinstance(value, str) else str(value)
        if not text:
            return None, True
    phone = normalize_phone(text)
    return (phone, True) if phone else (None, False)


# A birth date typed as text, either way round: 12/03/1975, 12-3-1975, 1975-03-12, 03/1975, "năm 1975".
_TEXT_DATE = re.compile(
    r"(?:\d{1,2}[/.\-])?\d{1,2}[/.\-](?P<last>\d{4})|(?P<first>\d{4})[/.\-]\d{1,2}[/.\-]\d{1,2}|(?:nam )?(?P<year>\d{4})"
)
# Excel's day numbers of 1 January 1920 and 31 December 2015: a birth date whose cell lost its date format.
_SERIAL_DAYS = (7306, 42369)


def parse_year(value) -> tuple[int | None, bool]:
    """A birth year from a year (1975, "1975") or a birth date (an Excel date, its day number, or text)."""
    if value is None or isinstance(value, bool):
        return None, value is None
    if isinstance(value, datetime.date):  # a birth date typed in the year column
        year = value.year
    elif isinstance(value, int | float):
        if not float(value).is_integer():
            return None, False
        year = int(value)
        if _SERIAL_DAYS[0] <= year <= _SERIAL_DAYS[1]:
            year = (datetime.date(1899, 12, 30) + datetime.timedelta(days=year)).year
    else:
        text = fold(cell_text(value))
        if not text:
            return None, True
        found = _TEXT_DATE.fullmatch(text)
        if found is None:
            return None, False
        year = int(found["last"] or found["first"] or found["year"])
    return (year, True) if MIN_YEAR <= year <= MAX_YEAR else (None, False)


# "Tổ CNS", "Tổ CNSCĐ", "Tổ công nghệ số", "Tổ công nghệ số cộng đồng" are one name: compared without them.
_TEAM_WORDS = (
    "to cong nghe so cong dong",
    "to cong nghe so",
    "to cns cong dong",
    "to cnscd",
    "to cns cd",
    "to cns",
    "to cn so",
)


def team_key(name: str) -> str:
    """A team's name as people compare it: "Tổ công nghệ số cộng đồng thôn Na Lang" and "Tổ CNS Na Lang" are
    the same team of the same village; "Tổ CNS số 2 thôn Na Lang" is another."""
    key = header_key(name)
    for words in _TEAM_WORDS:
        if key.startswith(words + " "):
            return place_key(key[len(words) + 1 :])
    return key


def parse_yes_no(value) -> tuple[bool | None, bool]:
    if value is None:
        return None, True
    if isinstance(value, bool):
        return value, True
    key = header_key(cell_text(value))
    if not key:
        return None, True
    if key in YES:
        return True, True
    if key in NO:
        return False, True
    return None, False


def parse_choice(value, names: dict[str, str]) -> tuple[str | None, bool]:
    key = header_key(cell_text(value))
    if not key:
        return None, True
    choice = names.get(key)
    return choice, choice is not None


def _role_column_is_affiliation(parsed: ParsedFile) -> bool:
    """A roster whose only "Chức vụ" column holds the members' positions in the village (Trưởng thôn, Công an
    viên), not their role in the team: more of its distinct values are affiliations than roles."""
    cell = parsed.cells.get("role")
    if cell is None or "affiliation" in parsed.cells or header_key(cell.header) != "chuc vu":
        return False
    index = KEYS.index("role")
    values = {header_key(cell_text(cells[index])) for _n, cells in parsed.rows} - {""}
    roles, affiliations = role_names(), affiliation_names()
    return sum(v in affiliations for v in values) > sum(v in roles for v in values)


@without_gc_pauses
def parse_roster(data: bytes, *, columns: dict[str, str] | None = None, extra=None) -> ParsedFile:
    """The file's data rows, each (row number, cells in the order of KEYS); no database. `columns`: the
    officer's choice of column letter per key, `extra`: header spellings they taught before."""
    parsed = parse_file(
        data, COLUMNS, KEYS, required=REQUIRED, extra=extra, chosen=columns, heading_key="village_name"
    )
    if _role_column_is_affiliation(parsed):
        role, affiliation = KEYS.index("role"), KEYS.index("affiliation")
        for position, (number, cells) in enumerate(parsed.rows):
            cells = list(cells)
            cells[affiliation], cells[role] = cells[role], None
            parsed.rows[position] = (number, tuple(cells))
        parsed.cells["affiliation"] = parsed.cells.pop("role")
    return parsed
