"""Reads of teams and rosters. Scope comes from teams.scope; these add the numbers."""

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from tocns.core.queries import InSubquery, subquery_count
from tocns.units.models import Unit, UnitKind
from tocns.units.paths import child_of

from .models import Member, MemberRole, Team, TeamStatus

YOUTH_AGE = 35


class Crew(NamedTuple):
    """A team's current members: how many, with a birth year, under 35, with a smartphone, leaders,
    trained. The coverage figures sum these, the effectiveness score's capacity reads them."""

    n: int = 0
    born: int = 0
    young: int = 0
    phones: int = 0
    leaders: int = 0
    trained: int = 0


NO_CREW = Crew()


def under(teams, unit: Unit | str):
    """The given teams attached to the unit (or the unit path) or to a unit below it, written as the units
    under its path (core.queries.InSubquery: on PostgreSQL an index probe per unit of the subtree) rather
    than a filter on the joined unit's path, which reads every team in the country."""
    path = unit if isinstance(unit, str) else unit.path
    return teams.filter(InSubquery("unit_id", Unit.objects.filter(path__startswith=path).values("pk")))


def has_current_leader():
    return Exists(Member.objects.current().filter(team=OuterRef("pk"), role=MemberRole.LEADER))


def with_roster_counts(teams):
    """Teams with their current member count and whether they have a leader, in one query."""
    return teams.annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True)),
        has_leader=has_current_leader(),
    ).select_related("unit", "unit__parent")


def filter_teams(teams, *, status: str = "", leader: str = "", activity: str = ""):
    if status in TeamStatus.values:
        teams = teams.filter(status=status)
    if leader == "co":
        teams = teams.filter(has_current_leader())
    elif leader == "khong":
        teams = teams.exclude(has_current_leader())
    # "Has no activity yet": the teams that exist only on paper so far. Through the reports' relation to
    # the team (activities lie above teams and are not imported here): one indexed probe per team.
    has_reported = Exists(Team.objects.filter(pk=OuterRef("pk"), activities__isnull=False))
    if activity == "co":
        teams = teams.filter(has_reported)
    elif activity == "chua":
        teams = teams.exclude(has_reported)
    return teams


def current_leaders(team_ids) -> dict[int, tuple[str, str]]:
    """{team id: (name, phone)} of each team's current leader (the earliest to join, where a team has two):
    whom an officer calls about a team. One read."""
    leaders: dict[int, tuple[str, str]] = {}
    for team_id, name, phone in (
        Member.objects.current()
        .filter(team_id__in=list(team_ids), role=MemberRole.LEADER)
        .order_by("team_id", "joined_on", "pk")
        .values_list("team_id", "full_name", "phone")
    ):
        leaders.setdefault(team_id, (name, phone))
    return leaders


def roster(team: Team):
    """Current members first (leader, deputies, members), then those who left."""
    return team.members.select_related("user").order_by("left_on", "role", "full_name")


@dataclass
class Coverage:
    villages: int
    villages_with_team: int
    active_teams: int
    teams_without_leader: int
    members: int
    members_with_birth_year: int
    members_under_35: int
    members_with_smartphone: int

    @staticmethod
    def share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def village_share(self):
        return self.share(self.villages_with_team, self.villages)

    @property
    def under_35_share(self):
        return self.share(self.members_under_35, self.members_with_birth_year)

    @property
    def smartphone_share(self):
        return self.share(self.members_with_smartphone, self.members)

    @classmethod
    def of(cls, unit: Unit) -> "Coverage":
        return cls(**{field: getattr(unit, f"cov_{field}") for field in cls.__dataclass_fields__})


def with_coverage(units, on=None):
    """Units annotated with the coverage of everything below them: villages with an active team out of all
    villages, active teams, teams without a leader, current members, under-35s and smartphones.
    Each figure is a correlated count on the path prefix, so a province equals the sum of its communes plus
    the teams attached to the province itself."""
    on = on or timezone.localdate()
    below = {"path__startswith": OuterRef("path")}
    team_below = {"unit__path__startswith": OuterRef("path")}
    villages = Unit.objects.current(on).filter(kind=UnitKind.VILLAGE, **below)
    active_teams = Team.objects.filter(status=TeamStatus.ACTIVE, **team_below)
    members = Member.objects.current().filter(
        team__status=TeamStatus.ACTIVE, team__unit__path__startswith=OuterRef("path")
    )
    youth_from = on.year - YOUTH_AGE + 1
    return units.annotate(
        cov_villages=subquery_count(villages),
        cov_villages_with_team=subquery_count(villages.filter(teams__status=TeamStatus.ACTIVE)),
        cov_active_teams=subquery_count(active_teams),
        cov_teams_without_leader=subquery_count(active_teams.exclude(has_current_leader())),
        cov_members=subquery_count(members),
        cov_members_with_birth_year=subquery_count(members.filter(birth_year__isnull=False)),
        cov_members_under_35=subquery_count(members.filter(birth_year__gte=youth_from)),
        cov_members_with_smartphone=subquery_count(members.filter(has_smartphone=True)),
    )


def coverage_of(unit: Unit) -> Coverage:
    return coverage_tree(unit, [])[0]


def coverage_by_child(unit: Unit, children, on=None) -> dict[int, Coverage]:
    return coverage_tree(unit, children, on)[1]


def coverage_tree(
    unit: Unit, children, on=None, crews=None, team_paths=None, villages=None
) -> tuple[Coverage, dict[int, Coverage]]:
    """The coverage of a unit and of each of its children, equal to with_coverage() for each, from three
    grouped queries over the unit's subtree summed in Python by the child a path falls in (teams attached
    to the unit itself count for the unit only): villages, active teams per village, and current members
    per team (``crews``: {team id: Crew} of the active teams under the unit, and
    ``team_paths``: {team id: unit path} of those teams, and ``villages``: the paths of the villages under
    the unit current on the day, when the caller has them already). A province
    costs three scans of its subtree instead of eight correlated counts per unit."""
    on = on or timezone.localdate()
    by_path = {child.path: child.pk for child in children}
    fields = Coverage.__dataclass_fields__
    totals = {pk: dict.fromkeys(fields, 0) for pk in by_path.values()}
    own = dict.fromkeys(fields, 0)

    @cache  # a province has thousands of paths, each met several times
    def bucket(path: str) -> dict:
        pk = by_path.get(child_of(path, unit.path))
        return own if pk is None else totals[pk]

    teams = under(Team.objects.filter(status=TeamStatus.ACTIVE), unit)
    if team_paths is None:
        team_paths = dict(teams.values_list("pk", "unit__path"))
    covered = set(team_paths.values())
    if villages is None:
        villages = Unit.objects.current(on).filter(kind=UnitKind.VILLAGE, path__startswith=unit.path)
        villages = villages.values_list("path", flat=True)
    for path in villages:
        row = bucket(path)
        row["villages"] += 1
        row["villages_with_team"] += path in covered
    if crews is None:
        crews = crews_of(Member.objects.current().filter(team__in=teams), on)
    led = set()
    for team_id, crew in crews.items():
        path = team_paths.get(team_id)
        if path is None:
            continue
        row = bucket(path)
        row["members"] += crew.n
        row["members_with_birth_year"] += crew.born
        row["members_under_35"] += crew.young
        row["members_with_smartphone"] += crew.phones
        if crew.leaders:
            led.add(team_id)
    for team_id, path in team_paths.items():
        row = bucket(path)
        row["active_teams"] += 1
        row["teams_without_leader"] += team_id not in led
    whole = {name: own[name] + sum(t[name] for t in totals.values()) for name in fields}
    return Coverage(**whole), {pk: Coverage(**values) for pk, values in totals.items()}


def crew_counts(on=None, through: str = "") -> dict:
    """The Count expressions of a Crew, in its field order, for a values() query over members
    (``through=""``) or over teams (``through="members__"``). Current members only; each counts team_id,
    not id, so every column read is in the member_counts_covering index."""
    on = on or timezone.localdate()
    current = Q(**{f"{through}left_on__isnull": True})

    def count(**condition):
        return Count(f"{through}team", filter=current & Q(**{through + k: v for k, v in condition.items()}))

    return {
        "n": count(),
        "born": count(birth_year__isnull=False),
        "young": count(birth_year__gte=on.year - YOUTH_AGE + 1),
        "phones": count(has_smartphone=True),
        "leaders": count(role=MemberRole.LEADER),
        "trained": count(trained=True),
    }


def crews_of(members, on=None) -> dict[int, Crew]:
    """{team id: Crew} of the given members (a scoped queryset), one grouped query."""
    rows = members.order_by().values_list("team_id").annotate(**crew_counts(on))
    return {team_id: Crew(*counts) for team_id, *counts in rows}
