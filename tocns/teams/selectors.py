"""Reads of teams and rosters. Scope comes from accounts.selectors; these add the numbers."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from tocns.activities.models import Activity
from tocns.core.queries import subquery_count
from tocns.units.models import Unit, UnitKind

from .models import Member, MemberRole, Team, TeamStatus

YOUTH_AGE = 35


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
    # "Has no activity yet": the teams that exist only on paper so far.
    has_reported = Exists(Activity.objects.filter(team=OuterRef("pk")))
    if activity == "co":
        teams = teams.filter(has_reported)
    elif activity == "chua":
        teams = teams.exclude(has_reported)
    return teams


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
    return Coverage.of(with_coverage(Unit.objects.filter(pk=unit.pk)).get())


def coverage_by_child(unit: Unit, children, on=None) -> dict[int, Coverage]:
    """The coverage of each child of a unit, from three flat queries summed in Python by the child's path
    segment. Equal to with_coverage() per child, but a province with a hundred communes costs three
    scans of its subtree instead of eight correlated subqueries per commune."""
    on = on or timezone.localdate()
    by_code = {child.code: child.pk for child in children}
    depth = unit.path.count("/")  # "/15/" -> the child's code is segment 2 of "/15/02761/..."
    totals = {pk: dict.fromkeys(Coverage.__dataclass_fields__, 0) for pk in by_code.values()}

    def child_of(path: str):
        parts = path.split("/")
        return by_code.get(parts[depth]) if len(parts) > depth else None

    active_team_here = Exists(Team.objects.filter(unit=OuterRef("pk"), status=TeamStatus.ACTIVE))
    villages = Unit.objects.current(on).filter(kind=UnitKind.VILLAGE, path__startswith=unit.path)
    for path, covered in villages.annotate(covered=active_team_here).values_list("path", "covered"):
        if (pk := child_of(path)) is not None:
            totals[pk]["villages"] += 1
            totals[pk]["villages_with_team"] += bool(covered)
    teams = Team.objects.filter(status=TeamStatus.ACTIVE, unit__path__startswith=unit.path)
    for path, led in teams.annotate(led=has_current_leader()).values_list("unit__path", "led"):
        if (pk := child_of(path)) is not None:
            totals[pk]["active_teams"] += 1
            totals[pk]["teams_without_leader"] += not led
    youth_from = on.year - YOUTH_AGE + 1
    members = Member.objects.current().filter(
        team__status=TeamStatus.ACTIVE, team__unit__path__startswith=unit.path
    )
    for path, year, smartphone in members.values_list("team__unit__path", "birth_year", "has_smartphone"):
        if (pk := child_of(path)) is not None:
            row = totals[pk]
            row["members"] += 1
            row["members_with_birth_year"] += year is not None
            row["members_under_35"] += year is not None and year >= youth_from
            row["members_with_smartphone"] += smartphone
    return {pk: Coverage(**values) for pk, values in totals.items()}
