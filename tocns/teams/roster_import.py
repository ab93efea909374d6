"""Import team rosters from the Excel sheet communes keep: one row per member (commune, village, team,
name, role, phone, birth year, affiliation, smartphone).

Two steps, like the village import: read_roster() checks every row and says what would happen (the dry
run); apply_roster() writes, all or nothing unless the user chose to import only the good rows.

Files of 100,000 rows are expected (a province's whole roster), so nothing here queries per row:
the communes, villages, teams and current members the file refers to are loaded up front in a few
queries, rows are checked in memory, and writes are bulk, in batches.

Who is who, among the current members of the row's team:
- the member with the row's phone, when the names are the same (folded); a phone held by someone of
  another name is an error, not a rename: families share phones;
- otherwise the member with the same name (folded) and a birth year that does not disagree; a row
  with a phone takes such a member only if they had no phone (the import fills it in), a row without
  one prefers a member without one.
A blank cell means "not given": it never clears what the roster holds, so a file with fewer columns
updates only what it has. Names change only in spelling (case, diacritics, spaces) through an import;
anything bigger is an edit on the team's page."""

import datetime
import functools
import gc
import itertools
import json
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.phones import normalize_phone
from tocns.audit import services as audit
from tocns.audit.models import AuditEntry
from tocns.core.excel import FileInfo, ParsedFile, ReadResult, RowError, cell_text, parse_file, shown
from tocns.core.excel_headers import Column, header_key
from tocns.core.import_lock import lock_communes, locked_import
from tocns.core.text import fold
from tocns.reports import stamps
from tocns.units.communes import Communes, chunks
from tocns.units.models import Unit, UnitKind
from tocns.units.names import Villages, place_key
from tocns.units.services import UNIT_AUDIT_FIELDS, last_village_number, new_unit, village_code
from tocns.units.village_import import COMMUNE_CODE_COLUMN, COMMUNE_NAME_COLUMN, VILLAGE_COLUMN

from .models import Affiliation, Member, MemberRole, Team, TeamStatus
from .services import TEAM_AUDIT_FIELDS

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

# The fields an import sets, in the audit entries it writes. Not `user`: reading it per member would
# cost a query each, and an import never links accounts.
IMPORT_AUDIT_FIELDS = [
    "full_name",
    "birth_year",
    "phone",
    "role",
    "affiliation",
    "affiliation_note",
    "has_smartphone",
    "joined_on",
]
UPDATE_FIELDS = [
    "full_name",
    "birth_year",
    "phone",
    "role",
    "affiliation",
    "affiliation_note",
    "has_smartphone",
]
MAX_NAME = Member._meta.get_field("full_name").max_length
MAX_NOTE = Member._meta.get_field("affiliation_note").max_length
MAX_TEAM_NAME = Team._meta.get_field("name").max_length
MAX_VILLAGE_NAME = Unit._meta.get_field("name").max_length
BATCH = 1000
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


def _role_names() -> dict[str, str]:
    return _names(MemberRole.choices, ROLE_WORDS)


def _affiliation_names() -> dict[str, str]:
    return _names(Affiliation.choices, AFFILIATION_WORDS)


@dataclass(eq=False)
class TeamPlan:
    """One team the file writes to, existing or to be created, with its current members indexed."""

    team: Team  # unsaved (no pk) when the import creates it
    village: Unit
    by_phone: dict[str, Member] = field(default_factory=dict)
    by_name: dict[str, list[Member]] = field(default_factory=dict)
    folded: dict[int, str] = field(default_factory=dict)  # member pk -> folded name
    leaders: list[Member] = field(default_factory=list)
    # What the rows read so far claimed: phone -> row, folded name -> [(row, year, has phone)],
    # member pk -> row.
    phones: dict[str, int] = field(default_factory=dict)
    names: dict[str, list[tuple[int, int | None, bool]]] = field(default_factory=dict)
    claimed: dict[int, int] = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return self.team.pk is None


@dataclass(eq=False, slots=True)
class MemberRow:
    row: int
    plan: TeamPlan
    full_name: str
    phone: str | None
    birth_year: int | None
    role: str | None
    affiliation: str | None
    has_smartphone: bool | None
    affiliation_note: str = ""  # the roster's words when they were none of the choices
    existing: Member | None = None
    changes: dict[str, object] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def team(self) -> Team:
        return self.plan.team


@dataclass
class RosterImportResult(ReadResult):
    rows_read: int = 0
    to_create: list[MemberRow] = field(default_factory=list)
    to_update: list[MemberRow] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Rows that are written, with something the officer should know (an affiliation kept as "Khác").
    warnings: list[RowError] = field(default_factory=list)
    teams_to_create: list[Team] = field(default_factory=list)
    # New teams in villages that already have a team: (new team, the village's teams), to look at twice.
    similar_teams: list[tuple[Team, list[Team]]] = field(default_factory=list)
    # Villages the rows name that their commune does not have: (commune, name as written). Created with the
    # rows when the import is asked to (create_villages), errors otherwise.
    villages_to_create: list[tuple[Unit, str]] = field(default_factory=list)
    creates_villages: bool = False
    new_villages: list[Unit] = field(default_factory=list)  # unsaved, when creates_villages
    file: FileInfo = field(default_factory=FileInfo)
    written: bool = False

    @property
    def good_rows(self) -> int:
        return len(self.to_create) + len(self.to_update) + self.unchanged


def _phone(value) -> tuple[str | None, bool]:
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


def _year(value) -> tuple[int | None, bool]:
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


def _yes_no(value) -> tuple[bool | None, bool]:
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


def _choice(value, names: dict[str, str]) -> tuple[str | None, bool]:
    key = header_key(cell_text(value))
    if not key:
        return None, True
    choice = names.get(key)
    return choice, choice is not None


class _Memo(dict):
    """A parser that remembers its answer per cell value."""

    def __init__(self, parse):
        super().__init__()
        self.parse = parse

    def __missing__(self, value):
        answer = self[value] = self.parse(value)
        return answer

    __call__ = dict.__getitem__  # openpyxl's cell values are all hashable


class _Places:
    """Everything the rows refer to, loaded once; resolves (commune, village, team) cells to a team.

    Villages are matched with or without their kind-of-place word ("Na Lang" is "Thôn Na Lang"), teams
    without the words for a Tổ CNS ("Tổ công nghệ số thôn Na Lang" is "Tổ CNS thôn Na Lang"). A village the
    commune does not have is listed (missing); with create_villages it is planned, with its team."""

    def __init__(
        self, parsed: ParsedFile, allowed_paths: list[str] | None, *, lock=False, create_villages=False
    ):
        raw = parsed.rows
        self.parsed = parsed
        self.allowed_paths = allowed_paths
        self.create_villages = create_villages
        self.communes = Communes(
            (cells[0] for _n, cells in raw), (cells[1] for _n, cells in raw), allowed_paths, parsed.problem
        )
        communes = self.communes.units
        if lock:
            # Before the villages, teams and members are read: what another import is writing into these
            # communes is committed (and seen) by the time the lock is ours.
            lock_communes(communes)
        village_ids = {
            village.pk: village
            for chunk in chunks(communes)
            for village in Unit.objects.current().filter(kind=UnitKind.VILLAGE, parent_id__in=chunk)
        }
        self.villages = Villages(village_ids.values())
        self.teams: dict[int, list[Team]] = defaultdict(list)
        teams = {}
        for chunk in chunks(communes):
            for team in Team.objects.filter(unit__kind=UnitKind.VILLAGE, unit__parent_id__in=chunk):
                if team.unit_id in village_ids:
                    team.unit = village_ids[team.unit_id]
                    self.teams[team.unit_id].append(team)
                    teams[team.pk] = team
        self.members: dict[int, list[Member]] = defaultdict(list)
        for chunk in chunks(communes):
            current = Member.objects.current().filter(
                team__unit__kind=UnitKind.VILLAGE, team__unit__parent_id__in=chunk
            )
            for member in current.order_by("pk"):
                if member.team_id in teams:
                    self.members[member.team_id].append(member)
        self.plans: dict[tuple, TeamPlan] = {}
        self.cache: dict[tuple, tuple[TeamPlan | None, list[str]]] = {}
        # (commune pk, place key) -> (commune, name as first written; the village planned, if any)
        self.missing: dict[tuple[int, str], tuple[Unit, str, Unit | None]] = {}

    def resolve(self, code_cell, name_cell, village_cell, team_cell) -> tuple[TeamPlan | None, list[str]]:
        key = (code_cell, name_cell, village_cell, team_cell)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._resolve(*key)
        return found

    def _in_scope(self, unit: Unit) -> bool:
        return self.communes.in_scope(unit)

    def _village(self, commune: Unit, name: str) -> tuple[list[Unit], str]:
        return self.villages.find(commune.pk, name), place_key(name)

    def _resolve(self, code_cell, name_cell, village_cell, team_cell) -> tuple[TeamPlan | None, list[str]]:
        at = self.parsed.problem
        problems = []
        commune, problem = self.communes.find(code_cell, name_cell)
        if problem:
            problems.append(problem)
        village_name = cell_text(village_cell)
        team_name = cell_text(team_cell)
        if len(team_name) > MAX_TEAM_NAME:
            problems.append(at("team_name", _("tên tổ dài quá %(max)d ký tự") % {"max": MAX_TEAM_NAME}))
        if not village_name:
            problems.append(at("village_name", _("thiếu tên thôn")))
        elif len(village_name) > MAX_VILLAGE_NAME:
            problems.append(
                at("village_name", _("tên thôn dài quá %(max)d ký tự") % {"max": MAX_VILLAGE_NAME})
            )
            village_name = ""
        if commune is None or not village_name:
            return None, problems
        # Which villages a commune has is only told to users who may see some of it.
        if not self.communes.touches_scope(commune):
            problems.append(self.communes.out_of_scope(commune, code_cell))
            return None, problems
        villages, key = self._village(commune, village_name)
        if not villages:
            return self._missing_village(commune, village_name, key, team_name, problems)
        if len(villages) > 1:
            problems.append(at("village_name", Villages.ambiguous(commune, len(villages), village_name)))
            return None, problems
        village = villages[0]
        if not self._in_scope(village):
            problems.append(
                at("village_name", _("“%(name)s” không thuộc phạm vi bạn quản lý") % {"name": village.name})
            )
            return None, problems
        if problems:
            return None, problems
        team, problem = self._team(village, team_name)
        if problem:
            return None, [at("team_name", problem)]
        return team, []

    def _missing_village(self, commune, name, key, team_name, problems):
        """A village its commune does not have: planned when the officer asked for it and may create it."""
        at = self.parsed.problem
        if not self._in_scope(commune):
            problems.append(
                at(
                    "village_name",
                    _("%(commune)s chưa có thôn “%(name)s” và bạn không có quyền tạo thôn của xã")
                    % {"commune": commune.name, "name": shown(name)},
                )
            )
            return None, problems
        _commune, _name, village = self.missing.setdefault((commune.pk, key), (commune, name, None))
        if not self.create_villages:
            problems.append(
                at(
                    "village_name",
                    _("%(commune)s chưa có thôn “%(name)s” (có thể tạo thôn này ngay trong lần nhập)")
                    % {"commune": commune.name, "name": shown(name)},
                )
            )
            return None, problems
        if problems:
            return None, problems
        if village is None:
            village = new_unit(
                code="", name=_name, kind=UnitKind.VILLAGE, parent=commune, division_type=_("thôn")
            )
            self.missing[(commune.pk, key)] = (commune, _name, village)
        plan, problem = self._team(village, team_name)
        return (plan, []) if problem is None else (None, [at("team_name", problem)])

    def _team(self, village: Unit, name: str) -> tuple[TeamPlan | None, str | None]:
        teams = self.teams.get(village.pk, []) if village.pk else []
        if not name:
            # Most villages have one team: a file without team names means that team.
            active = [t for t in teams if t.status == TeamStatus.ACTIVE]
            if len(active) == 1:
                return self._plan(active[0], village), None
            if len(active) > 1:
                return None, _("%(village)s có %(count)d tổ đang hoạt động, hãy ghi tên tổ") % {
                    "village": village.name,
                    "count": len(active),
                }
            name = _("Tổ CNS %(village)s") % {"village": village.name}
        folded, key = fold(name), team_key(name)
        # The same name first, then the same name in other words; an active team before a dissolved one.
        same = [t for t in teams if fold(t.name) == folded] or [t for t in teams if team_key(t.name) == key]
        same.sort(key=lambda t: (t.status != TeamStatus.ACTIVE, t.pk))
        if same:
            return self._plan(same[0], village), None
        plan_key = (id(village), key)
        if plan_key not in self.plans:
            self.plans[plan_key] = TeamPlan(team=Team(unit=village, name=name), village=village)
        return self.plans[plan_key], None

    def _plan(self, team: Team, village: Unit) -> TeamPlan:
        key = ("team", team.pk)
        plan = self.plans.get(key)
        if plan is None:
            plan = self.plans[key] = TeamPlan(team=team, village=village)
            for member in self.members.get(team.pk, []):
                if member.phone:
                    plan.by_phone.setdefault(member.phone, member)
                plan.folded[member.pk] = fold(member.full_name)
                plan.by_name.setdefault(plan.folded[member.pk], []).append(member)
                if member.role == MemberRole.LEADER:
                    plan.leaders.append(member)
        return plan

    def similar(self, team: Team) -> list[Team]:
        """The village's current teams, for a team the import would add beside them."""
        if team.unit.pk is None:
            return []
        return [t for t in self.teams.get(team.unit.pk, []) if t.status == TeamStatus.ACTIVE]


def _years_agree(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def _match(item: MemberRow, folded: str) -> None:
    """Find the current member the row is about (none: a new member), after checking that no earlier
    row of the file is about the same person."""
    plan = item.plan
    has_phone = item.phone is not None
    duplicate = None
    if has_phone:
        earlier = plan.phones.setdefault(item.phone, item.row)
        if earlier != item.row:
            duplicate = _("số điện thoại %(phone)s đã có ở dòng %(row)d (cùng tổ)") % {
                "phone": item.phone,
                "row": earlier,
            }
    same_name = plan.names.setdefault(folded, [])
    if duplicate is None:
        for row, year, had_phone in same_name:
            # Without a phone on either row, nothing tells two rows of the same name apart.
            if not has_phone and not had_phone and _years_agree(year, item.birth_year):
                duplicate = _(
                    "trùng người ở dòng %(row)d (cùng họ tên và năm sinh, không có số điện thoại để phân biệt)"
                ) % {"row": row}
                break
    same_name.append((item.row, item.birth_year, has_phone))
    if duplicate is not None:
        item.problems.append(duplicate)
        return

    member = plan.by_phone.get(item.phone) if has_phone else None
    if member is not None and plan.folded[member.pk] != folded:
        # Families share phones: a phone held by someone of another name is not that person renamed.
        item.problems.append(
            _("số điện thoại %(phone)s đã là của thành viên %(name)s trong tổ")
            % {"phone": item.phone, "name": member.full_name}
        )
        return
    if member is None:
        # No phone match: the same name, and birth years that do not disagree.
        same = [m for m in plan.by_name.get(folded, ()) if _years_agree(m.birth_year, item.birth_year)]
        if has_phone:
            # A row with a phone fills in the phone of a member who had none. A member with another
            # phone is either that person with a new number or a namesake: the file cannot tell which.
            without_phone = [m for m in same if not m.phone]
            if not without_phone and same:
                item.problems.append(
                    _(
                        "tổ đã có thành viên %(name)s với số %(phone)s; nếu người này đổi số, hãy sửa trên "
                        "trang tổ, nếu là người khác trùng tên, hãy ghi năm sinh"
                    )
                    % {"name": same[0].full_name, "phone": same[0].phone}
                )
                return
            same = without_phone
        else:
            # A row without a phone is about a member without one rather than a namesake with one:
            # the roster's own export would have shown that phone.
            same = [m for m in same if not m.phone] or same
        if len(same) > 1:
            item.problems.append(
                _(
                    "tổ có %(count)d thành viên tên %(name)s, hãy ghi số điện thoại hoặc năm sinh để biết là ai"
                )
                % {"count": len(same), "name": item.full_name}
            )
            return
        member = same[0] if same else None
    if member is None:
        return
    earlier = plan.claimed.setdefault(member.pk, item.row)
    if earlier != item.row:
        item.problems.append(
            _("dòng %(row)d cũng là thành viên %(name)s%(phone)s đã có trong tổ")
            % {
                "row": earlier,
                "name": member.full_name,
                "phone": f" ({member.phone})" if member.phone else "",
            }
        )
        return
    item.existing = member


def _changes(item: MemberRow) -> dict[str, object]:
    member = item.existing
    changes = {}
    if member.full_name != item.full_name:
        changes["full_name"] = item.full_name
    for name in ("phone", "birth_year", "role", "affiliation", "has_smartphone"):
        value = getattr(item, name)
        if value is not None and getattr(member, name) != value:
            changes[name] = value
    # The words kept with "Khác" go with the affiliation: a known one given clears them.
    if item.affiliation is not None and member.affiliation_note != item.affiliation_note:
        changes["affiliation_note"] = item.affiliation_note
    return changes


def _check_leaders(plan: TeamPlan, rows: list[MemberRow], at) -> None:
    """One current leader per team, counting the leaders already in the database whom the file does
    not move to another role. The rows that would add a second leader get the error."""
    leader_rows = [item for item in rows if item.role == MemberRole.LEADER]
    if not leader_rows:
        return
    moved = {
        id(item.existing)
        for item in rows
        if item.existing is not None and item.role not in (None, MemberRole.LEADER) and not item.problems
    }
    staying = [m for m in plan.leaders if id(m) not in moved]
    leader = str(MemberRole.LEADER.label)
    first = None
    for item in leader_rows:
        if item.existing is not None and item.existing.role == MemberRole.LEADER:
            continue  # already the leader: not a second one
        if staying:
            item.problems.append(
                at(
                    "role",
                    _(
                        "“%(value)s”: tổ đã có tổ trưởng %(name)s; hãy đổi vai trò người đó trước (trong tệp hoặc "
                        "trên trang tổ)"
                    )
                    % {"value": leader, "name": staying[0].full_name},
                )
            )
        elif first is not None:
            item.problems.append(
                at(
                    "role",
                    _("“%(value)s”: tổ đã có tổ trưởng ở dòng %(row)d") % {"value": leader, "row": first.row},
                )
            )
        else:
            first = item


def _without_gc_pauses(function):
    """Run without the cycle collector. An import makes hundreds of thousands of objects that stay alive
    until it ends, so the collector keeps running and each pass walks all of them again: measured at
    about a third of apply_roster's time for 50,000 rows (bench/import_members.py). Nothing the import
    makes is garbage before it ends; collection resumes afterwards. (It is process-wide: other threads
    keep their cyclic garbage a few seconds longer, nothing worse.)"""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper


def _role_column_is_affiliation(parsed: ParsedFile) -> bool:
    """A roster whose only "Chức vụ" column holds the members' positions in the village (Trưởng thôn, Công an
    viên), not their role in the team: more of its distinct values are affiliations than roles."""
    cell = parsed.cells.get("role")
    if cell is None or "affiliation" in parsed.cells or header_key(cell.header) != "chuc vu":
        return False
    index = KEYS.index("role")
    values = {header_key(cell_text(cells[index])) for _n, cells in parsed.rows} - {""}
    roles, affiliations = _role_names(), _affiliation_names()
    return sum(v in affiliations for v in values) > sum(v in roles for v in values)


@_without_gc_pauses
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


def read_roster(
    data: bytes,
    *,
    allowed_paths: list[str] | None = None,
    columns: dict[str, str] | None = None,
    create_villages: bool = False,
    extra=None,
) -> RosterImportResult:
    """Check every row (the dry run). allowed_paths limits which units the user may change (None: all)."""
    return check_roster(
        parse_roster(data, columns=columns, extra=extra),
        allowed_paths=allowed_paths,
        create_villages=create_villages,
    )


def import_roster(
    data: bytes,
    *,
    actor=None,
    allowed_paths: list[str] | None = None,
    skip_bad_rows: bool = False,
    columns: dict[str, str] | None = None,
    create_villages: bool = False,
    extra=None,
) -> RosterImportResult:
    """Read, check and write in one go, one import at a time per commune (core.import_lock): the rows are
    checked against the database only once the communes they name are locked, so a second import of the
    same file waits for the first and then finds everyone already there."""
    return locked_import(
        functools.partial(check_roster, create_villages=create_villages),
        apply_roster,
        parse_roster(data, columns=columns, extra=extra),
        actor=actor,
        allowed_paths=allowed_paths,
        skip_bad_rows=skip_bad_rows,
    )


@_without_gc_pauses
def check_roster(
    parsed: ParsedFile,
    *,
    allowed_paths: list[str] | None = None,
    lock: bool = False,
    create_villages: bool = False,
) -> RosterImportResult:
    """Check parse_roster()'s rows against the database. lock: take the import lock of every commune the
    rows name before reading what they hold (inside the transaction that will write)."""
    raw = parsed.rows
    result = RosterImportResult(rows_read=len(raw), file=parsed.info, creates_villages=create_villages)
    at = parsed.problem
    places = _Places(parsed, allowed_paths, lock=lock, create_villages=create_villages)
    roles, affiliations = _role_names(), _affiliation_names()
    # The same few values fill these columns all the way down: each distinct cell is parsed once.
    role_of = _Memo(lambda value: _choice(value, roles))
    affiliation_of = _Memo(lambda value: _choice(value, affiliations))
    year_of, smartphone_of = _Memo(_year), _Memo(_yes_no)
    # Names repeat too (Nguyễn Thị Hoa...), and folding one costs more than the rest of its row's checks.
    folded_name = _Memo(fold)
    items: list[MemberRow] = []
    failed: list[tuple[int, list[str]]] = []
    warned: list[tuple[int, list[str]]] = []
    other_label = str(Affiliation.OTHER.label)
    for number, cells in raw:
        code, commune_name, village, team, name, role, phone, year, affiliation, smartphone = cells
        plan, place_problems = places.resolve(code, commune_name, village, team)
        problems = list(place_problems)
        full_name = cell_text(name)
        if not full_name:
            problems.append(at("full_name", _("thiếu họ và tên")))
        elif len(full_name) > MAX_NAME:
            problems.append(at("full_name", _("họ và tên dài quá %(max)d ký tự") % {"max": MAX_NAME}))
        role_value, ok = role_of(role)
        if not ok:
            problems.append(
                at(
                    "role",
                    _("“%(value)s” không phải vai trò trong tổ (ghi Tổ trưởng, Tổ phó hoặc Thành viên)")
                    % {"value": shown(role)},
                )
            )
        phone_value, ok = _phone(phone)
        if not ok:
            problems.append(
                at(
                    "phone",
                    _("“%(value)s” không phải số điện thoại hợp lệ (cần 10 chữ số, bắt đầu bằng 0)")
                    % {"value": shown(phone)},
                )
            )
        year_value, ok = year_of(year)
        if not ok:
            problems.append(
                at(
                    "birth_year",
                    _("“%(value)s” không hợp lệ (cần năm sinh từ %(min)d đến %(max)d, hoặc ngày sinh)")
                    % {"value": shown(year), "min": MIN_YEAR, "max": MAX_YEAR},
                )
            )
        affiliation_value, ok = affiliation_of(affiliation)
        note = ""
        if not ok:
            # Never taken for a neighbouring choice: "Khác", with the roster's own words kept.
            affiliation_value, note = Affiliation.OTHER.value, cell_text(affiliation)[:MAX_NOTE]
            warned.append(
                (
                    number,
                    [
                        at(
                            "affiliation",
                            _(
                                "“%(value)s” không có trong danh sách thành phần, được ghi là “%(other)s” kèm "
                                "nguyên văn"
                            )
                            % {"value": shown(affiliation), "other": other_label},
                        )
                    ],
                )
            )
        smartphone_value, ok = smartphone_of(smartphone)
        if not ok:
            problems.append(
                at(
                    "has_smartphone",
                    _("“%(value)s” không rõ có điện thoại thông minh hay không (ghi có hoặc không)")
                    % {"value": shown(smartphone)},
                )
            )
        if plan is None or not full_name:
            failed.append((number, problems))
            continue
        item = MemberRow(
            number,
            plan,
            full_name,
            phone_value,
            year_value,
            role_value,
            affiliation_value,
            smartphone_value,
            affiliation_note=note,
            problems=problems,
        )
        _match(item, folded_name(full_name))
        items.append(item)

    rows_by_plan: dict[int, list[MemberRow]] = defaultdict(list)
    for item in items:
        rows_by_plan[id(item.plan)].append(item)
    for rows in rows_by_plan.values():
        _check_leaders(rows[0].plan, rows, at)

    good: list[MemberRow] = []
    for item in items:
        if item.problems:
            failed.append((item.row, item.problems))
        else:
            good.append(item)
    result.errors = [RowError.of(number, problems) for number, problems in sorted(failed)]
    bad = {number for number, _problems in failed}
    result.warnings = [RowError.of(number, problems) for number, problems in warned if number not in bad]
    new_teams = {}
    for item in good:
        if item.existing is None:
            result.to_create.append(item)
        else:
            item.changes = _changes(item)
            if item.changes:
                result.to_update.append(item)
            else:
                result.unchanged += 1
        if item.plan.is_new:
            new_teams[id(item.plan)] = item.plan.team
    result.teams_to_create = list(new_teams.values())
    result.similar_teams = [
        (team, similar) for team in result.teams_to_create if (similar := places.similar(team))
    ]
    result.villages_to_create = [(commune, name) for commune, name, _village in places.missing.values()]
    # Created only for the rows that are written: a village whose every row failed waits for a fixed file.
    result.new_villages = list(
        {id(i.plan.village): i.plan.village for i in good if i.plan.village.pk is None}.values()
    )
    return result


class _Snapshot:
    """A fast audit.snapshot() for one model: the same values (choice labels, str() of related objects,
    ISO dates), with the labels translated once. audit.snapshot() rebuilds the choice list on every
    call, which is most of the time an import of 100,000 members would spend on its audit.

    Called with an object; of_values() takes the values of `fields`, in order, instead (rows that are
    written without ever being made into model instances)."""

    def __init__(self, model, fields: list[str]):
        self.fields = list(fields)
        self.labels = {}
        for name in self.fields:
            choices = model._meta.get_field(name).choices
            if choices:
                self.labels[name] = {value: str(label) for value, label in choices}

    def __call__(self, obj) -> dict:
        return self.of_values([getattr(obj, name) for name in self.fields])

    def of_values(self, values) -> dict:
        labels = self.labels
        data = {}
        for name, value in zip(self.fields, values, strict=True):
            if value is None:
                pass
            elif name in labels:
                value = labels[name].get(value, value)
            elif isinstance(value, models.Model):
                value = str(value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            data[name] = value
        return data


def snapshotter(model, fields: list[str]) -> _Snapshot:
    return _Snapshot(model, fields)


# Column types whose Python values (str, int, bool, None) every driver takes as they are.
_PLAIN_TYPES = {
    "BooleanField",
    "CharField",
    "TextField",
    "SlugField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _db_adapter(field, connection):
    """How one column's values go to the driver, as field.get_db_prep_save() would send them; None when
    they go as they are. Dates and the like are few distinct values: each is prepared once."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        # What JSONField sends (connection.ops.adapt_json_value): the text json.dumps gives, which
        # SQLite stores and PostgreSQL parses into jsonb.
        return lambda value: None if value is None else json.dumps(value, cls=encoder)
    if field.is_relation or field.get_internal_type() in _PLAIN_TYPES:
        return None
    return _Memo(lambda value: field.get_db_prep_save(value, connection))


def _copy_cursor(cursor):
    """The psycopg 3 cursor under Django's wrapper when it can COPY (PostgreSQL), else None."""
    raw = cursor.cursor
    return raw if cursor.db.vendor == "postgresql" and hasattr(raw, "copy") else None


def bulk_insert(model, fields: list[str], rows: list[tuple], *, return_ids: bool = False) -> list[int]:
    """INSERT `rows` into the model's table, each row the values of `fields` as the model's attributes
    hold them (a foreign key: the related pk). The other columns get their defaults, worked out once for
    all rows (auto_now and callable defaults: the same value on every row). Returns the new primary keys
    in the order of `rows` when return_ids (the pk must be an auto-incremented one), else [].

    Why not bulk_create(): for the 100,000 members and 100,000 audit entries of a province's roster it
    spends about 80% of its time in Python, not the database: a model instance per row, and every value
    of every row through its field's get_db_prep_save() and the SQL compiler (and on PostgreSQL through
    psycopg's array quoting). Here only the columns whose values need it are prepared (JSON text, dates
    once each), and the rows go to the database as they are: COPY on PostgreSQL, multi-row INSERTs of as
    many parameters as the backend takes elsewhere. Like bulk_create(): no save() or signals. Unlike it:
    no model instances come back, and COPY bypasses connection.execute_wrapper() hooks and query
    logging."""
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    given = [opts.get_field(name) for name in fields]
    others = [f for f in opts.concrete_fields if f not in given and not f.primary_key]
    # What bulk_create() would send for the columns not given, computed on one blank instance.
    blank = model()
    extra = tuple(f.get_db_prep_save(f.pre_save(blank, add=True), connection) for f in others)
    adapters = [(i, adapt) for i, f in enumerate(given) if (adapt := _db_adapter(f, connection)) is not None]
    if adapters:
        columns = list(zip(*rows, strict=True))
        for i, adapt in adapters:
            columns[i] = map(adapt, columns[i])
        rows = list(zip(*columns, strict=True))
    if extra:
        rows = [row + extra for row in rows]
    qn = connection.ops.quote_name
    table = qn(opts.db_table)
    names = [f.column for f in given + others]
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        copier = _copy_cursor(cursor)
        if copier is not None:
            ids = []
            if return_ids:
                # Taken from the column's own sequence, as an INSERT would, and written explicitly. (The
                # sequence looked up once: pg_get_serial_sequence() per row costs 5 times the nextval().)
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, opts.pk.column])
                (sequence,) = cursor.fetchone()
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(rows)]
                )
                ids = sorted(pk for (pk,) in cursor.fetchall())
                rows = [(*row, pk) for row, pk in zip(rows, ids, strict=True)]
                names.append(opts.pk.column)
            statement = f"COPY {table} ({', '.join(qn(n) for n in names)}) FROM STDIN"
            with connection.wrap_database_errors, copier.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            return ids
        return _insert_in_batches(cursor, table, [qn(n) for n in names], rows, opts.pk.column, return_ids)


def _insert_in_batches(
    cursor, table: str, names: list[str], rows: list[tuple], pk_column: str, return_ids: bool
):
    """bulk_insert() without COPY: INSERTs of as many rows as the backend takes parameters (on SQLite
    faster than executemany(), which binds and steps one row at a time)."""
    connection = cursor.db
    insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
    placeholders = f"({', '.join(['%s'] * len(names))})"
    ids = []
    if return_ids and not connection.features.can_return_rows_from_bulk_insert:
        for row in rows:  # SQLite before 3.35 has no RETURNING: one row at a time
            cursor.execute(insert + placeholders, row)
            ids.append(cursor.lastrowid)
        return ids
    returning = f" RETURNING {connection.ops.quote_name(pk_column)}" if return_ids else ""
    limit = connection.features.max_query_params
    size = max(1, limit // len(names)) if limit else len(rows)
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        values = ", ".join([placeholders] * len(batch))
        cursor.execute(insert + values + returning, list(itertools.chain.from_iterable(batch)))
        if return_ids:
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids


def _audit_row(who: tuple, object_type: str, pk, repr_: str, unit_path: str, before, after) -> tuple:
    """An "import" audit entry as a row of AUDIT_FIELDS: what audit.record() would write."""
    actor_id, actor_name = who
    return (actor_id, actor_name, "import", object_type, str(pk), repr_[:200], unit_path, before, after)


# The columns apply_roster() writes itself; the others get their defaults (bulk_insert()).
AUDIT_FIELDS = [
    "actor",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "unit_path",
    "before",
    "after",
]
TEAM_FIELDS = [f.attname for f in Team._meta.concrete_fields if not f.primary_key]
NEW_MEMBER_FIELDS = [
    "team",
    "full_name",
    "birth_year",
    "phone",
    "role",
    "affiliation",
    "affiliation_note",
    "has_smartphone",
    "joined_on",
]
# A new member's row, as the values of IMPORT_AUDIT_FIELDS (its audit entry's "after").
_audited_values = operator.itemgetter(*(NEW_MEMBER_FIELDS.index(name) for name in IMPORT_AUDIT_FIELDS))


def _create_villages(villages: list[Unit], who: tuple) -> list[tuple]:
    """Save the villages the rows named and their communes lacked, numbered after the commune's last one
    (under the import's lock), and their audit entries."""
    unit_snapshot = snapshotter(Unit, UNIT_AUDIT_FIELDS)
    last: dict[int, int] = {}
    for village in villages:
        commune = village.parent
        if commune.pk not in last:
            last[commune.pk] = last_village_number(commune)
        last[commune.pk] += 1
        village.code = village_code(commune, last[commune.pk])
        village.path = Unit.path_for(commune, village.code)
    Unit.objects.bulk_create(villages, batch_size=BATCH)
    stamps.touch(*(village.path for village in villages))  # bulk inserts send no signals
    return [
        _audit_row(who, Unit._meta.model_name, v.pk, str(v), v.path, None, unit_snapshot(v)) for v in villages
    ]


@_without_gc_pauses
@transaction.atomic
def apply_roster(
    result: RosterImportResult, *, actor=None, skip_bad_rows: bool = False
) -> RosterImportResult:
    """Write what read_roster() found, in one transaction. Any bad row stops everything unless
    skip_bad_rows. Everything created or changed gets an "import" audit entry on the team's unit.
    New teams, new members and the audit entries are written with bulk_insert(): the ORM's bulk_create()
    took most of an import's time."""
    if result.written or (result.errors and not skip_bad_rows):
        return result
    actor_ok = actor is not None and actor.is_authenticated
    who = (actor.pk, actor.get_username()) if actor_ok else (None, audit.SYSTEM_ACTOR)
    team_snapshot = snapshotter(Team, TEAM_AUDIT_FIELDS)
    member_snapshot = snapshotter(Member, IMPORT_AUDIT_FIELDS)
    now = timezone.now()

    entries = _create_villages(result.new_villages, who)
    teams = result.teams_to_create
    for team in teams:
        team.unit = team.unit  # a village created just now has its pk only since
        team.created_at = team.updated_at = now
    ids = bulk_insert(
        Team, TEAM_FIELDS, [tuple(getattr(t, f) for f in TEAM_FIELDS) for t in teams], return_ids=True
    )
    for team, pk in zip(teams, ids, strict=True):
        team.pk = pk
        team._state.adding = False
        team._state.db = router.db_for_write(Team)
        entries.append(
            _audit_row(who, Team._meta.model_name, pk, str(team), team.unit.path, None, team_snapshot(team))
        )

    today = timezone.localdate()
    default_role, default_affiliation = MemberRole.MEMBER.value, Affiliation.OTHER.value
    rows = [
        (
            item.plan.team.pk,
            item.full_name,
            item.birth_year,
            item.phone or "",
            item.role or default_role,
            item.affiliation or default_affiliation,
            item.affiliation_note,
            bool(item.has_smartphone),
            today,
        )
        for item in result.to_create
    ]
    ids = bulk_insert(Member, NEW_MEMBER_FIELDS, rows, return_ids=True)
    entries.extend(
        _audit_row(
            who,
            Member._meta.model_name,
            pk,
            item.full_name,  # str(member)
            item.plan.village.path,
            None,
            member_snapshot.of_values(_audited_values(row)),
        )
        for item, row, pk in zip(result.to_create, rows, ids, strict=True)
    )

    updated = []
    for item in result.to_update:
        member = item.existing
        before = member_snapshot(member)
        for name, value in item.changes.items():
            setattr(member, name, value)
        member.updated_at = now
        updated.append(member)
        entries.append(
            _audit_row(
                who,
                Member._meta.model_name,
                member.pk,
                str(member),
                item.plan.village.path,
                before,
                member_snapshot(member),
            )
        )
    Member.objects.bulk_update(updated, [*UPDATE_FIELDS, "updated_at"], batch_size=BATCH)
    bulk_insert(AuditEntry, AUDIT_FIELDS, entries)
    # Bulk writes send no signals: the villages whose teams and members changed.
    stamps.touch(*{item.plan.village.path for item in (*result.to_create, *result.to_update)})
    stamps.touch(*(team.unit.path for team in teams))
    result.written = True
    return result
