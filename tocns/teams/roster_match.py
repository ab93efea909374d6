"""Checking a roster's rows against the database: which commune, village and team each row means, which
current member it is about, and what would change. Nothing is written here (roster_write does)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tocns.core.bulk import Memo, without_gc_pauses
from tocns.core.excel import RowError, cell_text, shown
from tocns.core.excel_table import ParsedFile, ReadResult
from tocns.core.import_lock import lock_communes
from tocns.core.text import fold
from tocns.units.communes import Communes, chunks
from tocns.units.models import Unit, UnitKind
from tocns.units.names import Villages, place_key
from tocns.units.services import new_unit

from .models import Affiliation, Member, MemberRole, Team, TeamStatus
from .roster_values import (
    MAX_NAME,
    MAX_NOTE,
    MAX_TEAM_NAME,
    MAX_VILLAGE_NAME,
    MAX_YEAR,
    MIN_YEAR,
    affiliation_names,
    parse_choice,
    parse_phone,
    parse_year,
    parse_yes_no,
    role_names,
    team_key,
)


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
    """ReadResult's rows are MemberRows."""

    teams_to_create: list[Team] = field(default_factory=list)
    # New teams in villages that already have a team: (new team, the village's teams), to look at twice.
    similar_teams: list[tuple[Team, list[Team]]] = field(default_factory=list)
    # Villages the rows name that their commune does not have: (commune, name as written). Created with the
    # rows when the import is asked to (create_villages), errors otherwise.
    villages_to_create: list[tuple[Unit, str]] = field(default_factory=list)
    creates_villages: bool = False
    new_villages: list[Unit] = field(default_factory=list)  # unsaved, when creates_villages


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
                return None, _("%(village)s có %(count)d tổ, hãy ghi tên tổ") % {
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


@without_gc_pauses
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
    roles, affiliations = role_names(), affiliation_names()
    # The same few values fill these columns all the way down: each distinct cell is parsed once.
    role_of = Memo(lambda value: parse_choice(value, roles))
    affiliation_of = Memo(lambda value: parse_choice(value, affiliations))
    year_of, smartphone_of = Memo(parse_year), Memo(parse_yes_no)
    # Names repeat too (Nguyễn Thị Hoa...), and folding one costs more than the rest of its row's checks.
    folded_name = Memo(fold)
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
        phone_value, ok = parse_phone(phone)
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
