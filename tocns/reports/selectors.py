"""Dashboards: every figure read from the running totals (activities.models) and the roster, so a report
made a second ago counts and a province's numbers are the sum of its communes'."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.activities.models import AreaMonth, AreaMonthOutcome, TeamMonth, TeamMonthOutcome
from tocns.activities.totals import area_filter, totals_models
from tocns.catalogue.models import DigitalService
from tocns.core.queries import vi_order
from tocns.core.text import vi_key
from tocns.evaluation import scoring
from tocns.teams import selectors as team_selectors
from tocns.teams.accounts import Adoption, adoption_rows
from tocns.teams.models import Member, Team, TeamStatus
from tocns.units.models import Unit, UnitKind, valid_on
from tocns.units.paths import child_of


@dataclass
class ServiceFigure:
    service: DigitalService
    guided: int
    completed: int
    target: int | None = None

    @property
    def share_of_target(self) -> float | None:
        return self.completed / self.target if self.target else None


@dataclass
class ChildRow:
    unit: Unit | None
    label: str
    reports: int = 0
    people: int = 0
    completed: int = 0
    teams: int = 0
    effective: int = 0
    paper: int = 0
    villages: int = 0
    villages_with_team: int = 0
    # Current members of its active teams, those with an account that signs in, those who used tocns in the
    # last 30 days (teams.accounts.adoption_rows).
    members: int = 0
    accounts: int = 0
    active: int = 0
    url: str = ""  # the unit's dashboard, set by the view

    @property
    def effective_share(self) -> float:
        return self.effective / self.teams if self.teams else 0.0


@dataclass
class Dashboard:
    unit: Unit | None
    period: scoring.Period
    coverage: object
    months: list[tuple[datetime.date, int]]
    services: list[ServiceFigure]
    reports: int
    people: int
    classes: list[tuple[str, str, int]]
    children: list[ChildRow] = field(default_factory=list)
    follow_up: list = field(default_factory=list)
    # When follow_up holds only the first few (a dashboard made from kept parts): how many there are.
    follow_up_count: int | None = None
    adoption: object = None  # teams.accounts.Adoption: members with an account, and who used it lately
    grace_days: int = scoring.GRACE_DAYS  # the province's: a team without a report that long is on paper

    @property
    def completed(self) -> int:
        return sum(s.completed for s in self.services)

    @property
    def teams(self) -> int:
        """The teams counted: every class, so that the classes add up to it."""
        return sum(n for _k, _l, n in self.classes)

    @property
    def working(self) -> int:
        """The teams "đang hoạt động": those that reported within the grace period."""
        return sum(n for k, _l, n in self.classes if k in scoring.WORKING)

    def count(self, klass: str) -> int:
        return next((n for k, _l, n in self.classes if k == klass), 0)

    @property
    def follow_up_total(self) -> int:
        return len(self.follow_up) if self.follow_up_count is None else self.follow_up_count


@dataclass
class Contact:
    """Whom to call about a team to follow up, and where it is: its commune and village (blank where the
    team serves a whole commune or province), its current leader, and the leader's phone (officers only)."""

    commune: str
    village: str
    leader: str
    phone: str


def follow_up_contacts(scores, *, with_phones: bool) -> dict[int, Contact]:
    """{team id: Contact} for the listed teams' scores: two reads (the villages' communes, the leaders)."""
    teams = [s.team for s in scores]
    village_parents = {t.unit.parent_id for t in teams if t.unit.path.count("/") == 4}
    communes = dict(Unit.objects.filter(pk__in=village_parents).values_list("pk", "name"))
    leaders = team_selectors.current_leaders(t.pk for t in teams)
    contacts = {}
    for team in teams:
        depth = team.unit.path.count("/")
        commune = (
            team.unit.name if depth == 3 else communes.get(team.unit.parent_id, "") if depth == 4 else ""
        )
        name, phone = leaders.get(team.pk, ("", ""))
        contacts[team.pk] = Contact(
            commune, team.unit.name if depth == 4 else "", name, phone if with_phones else ""
        )
    return contacts


# The teams to follow up first, then (in lists of every team) the better ones.
_CALL_ORDER = {
    klass: rank for rank, klass in enumerate((*scoring.FOLLOW_UP, scoring.PASSING, scoring.EFFECTIVE))
}


def follow_up_key(score: scoring.TeamScore) -> tuple:
    """The order of the teams to follow up: only on paper first, the longest silent first; then the new
    ones that have not reported yet; then the lowest score (the team's id last, so the order never depends
    on how rows came from the database)."""
    return (
        _CALL_ORDER[score.klass],
        score.last_report or datetime.date.min,
        score.score,
        score.team.pk,
    )


def build(unit: Unit | None, period: scoring.Period, teams, *, targets: dict | None = None) -> Dashboard:
    """The dashboard of a unit (None: the whole country) for a period, everything computed. ``teams``: the
    active teams the viewer may see under the unit (scoped by teams.scope). reports.parts.dashboard sums a
    province's or the country's from the per-commune parts it keeps instead, when the viewer sees all."""
    month_model, outcome_model = totals_models(unit)
    in_period = {"month__gte": period.start, "month__lte": period.end}
    # Grouped by the path as well: for a province or the country the child rows are sums of these same
    # per-commune rows (see _children), so one query each serves both.
    key = "area_path" if month_model is AreaMonth else "unit_path"
    month_rows = list(
        month_model.objects.filter(**area_filter(unit, month_model), **in_period)
        .values_list(key, "month")
        .annotate(n=Sum("reports"), p=Sum("people"))
        .order_by()
    )
    outcome_rows = list(
        outcome_model.objects.filter(**area_filter(unit, outcome_model), **in_period)
        .values_list(key, "service_id")
        .annotate(g=Sum("guided"), c=Sum("completed"))
        .order_by()
    )
    monthly: dict = {}
    people = 0
    for _path, month, reports, helped in month_rows:
        monthly[month] = monthly.get(month, 0) + (reports or 0)
        people += helped or 0
    sums: dict = {}
    for _path, service_id, guided, completed in outcome_rows:
        entry = sums.setdefault(service_id, {"g": 0, "c": 0})
        entry["g"] += guided or 0
        entry["c"] += completed or 0
    targets = targets or {}
    services = [
        ServiceFigure(
            s, sums.get(s.pk, {}).get("g") or 0, sums.get(s.pk, {}).get("c") or 0, targets.get(s.pk)
        )
        for s in DigitalService.objects.all()
        if s.pk in sums or s.pk in targets or s.retired_on is None
    ]
    path = unit.path if unit is not None else "/"
    children = list(
        (Unit.objects.filter(parent=unit) if unit else Unit.objects.filter(parent__isnull=True))
        .current()
        .order_by(*vi_order("name"))
    )
    # The units under the unit, read once: the teams' units for the scores, the villages for the coverage.
    on = timezone.localdate()
    units, villages = _subtree(unit.path, on) if unit is not None else (None, None)
    # The viewer's active teams with their members counted, once, for both the scores and the coverage.
    refs = scoring.team_refs(teams, on, units=units)
    weights = scoring.weights_for(unit) if unit else scoring.default_settings()
    scores = scoring.score_teams(refs, period, weights, today=on, path=path)
    coverage, by_child = (
        team_selectors.coverage_tree(
            unit,
            children,
            on,
            crews={t.pk: t.crew for t in refs},
            team_paths={t.pk: t.unit.path for t in refs},
            villages=villages,
        )
        if unit is not None
        else (None, {})
    )
    dashboard = Dashboard(
        unit=unit,
        period=period,
        coverage=coverage,
        months=[(m, monthly.get(m, 0) or 0) for m in period.months()],
        services=services,
        reports=sum(monthly.values()),
        people=people,
        classes=scoring.class_counts(scores),
        follow_up=sorted((s for s in scores if s.klass in scoring.FOLLOW_UP), key=follow_up_key),
        grace_days=weights["grace_days"],
    )
    shared = (month_rows, outcome_rows) if month_model is AreaMonth and children_by_area(unit) else None
    dashboard.children = _children(unit, period, scores, children, by_child, shared)
    dashboard.adoption = _adoption(path, teams, dashboard.children)
    return dashboard


def _adoption(base: str, teams, children: list[ChildRow]):
    """Who of the teams' current members has an account and used it lately, in all and per child row (the
    teams attached to the unit itself in the row without a unit)."""
    total = Adoption()
    rows = {row.unit.path: row for row in children if row.unit is not None}
    own = next((row for row in children if row.unit is None), None)
    members = Member.objects.current().filter(team__in=teams.filter(status=TeamStatus.ACTIVE).values("pk"))
    for path, n, a, active in adoption_rows(members):
        total.add(n, a, active)
        row = rows.get(child_of(path, base) or "", own)
        if row is not None:
            row.members += n
            row.accounts += a
            row.active += active
    return total


def _subtree(root: str, on: datetime.date) -> tuple[dict[int, scoring.UnitRef], list[str]]:
    """({unit id: UnitRef} of the unit at path ``root`` and every unit below it, valid or not (a team may still
    hang on a merged village), [paths of the villages below it valid on ``on``]) from one read of the path
    index."""
    units, villages = {}, []
    for pk, name, path, households, parent_pk, kind, valid_from, valid_to in (
        Unit.objects.filter(path__startswith=root)
        .order_by()
        .values_list("pk", "name", "path", "households", "parent_id", "kind", "valid_from", "valid_to")
    ):
        units[pk] = scoring.UnitRef(pk, name, path, households, parent_pk)
        if kind == UnitKind.VILLAGE and valid_on(valid_from, valid_to, on):
            villages.append(path)
    return units, villages


def children_by_area(unit: Unit | None) -> bool:
    """A province's children are communes: the per-commune totals. A commune's are villages: its teams'."""
    return unit is None or unit.path.count("/") <= 2


def _children(
    unit: Unit | None, period: scoring.Period, scores, children, coverage, shared=None
) -> list[ChildRow]:
    """Child units ranked by people who completed a service, with the teams attached to the unit itself
    as a row of their own, so the rows add up to the unit's figures. ``coverage``: {child pk: Coverage};
    ``shared``: the (path, month, reports, people) and (path, service, guided, completed) rows build()
    read already, when they are the per-commune ones."""
    if not children:
        return []
    base = unit.path if unit else "/"
    rows = {c.path: ChildRow(unit=c, label=c.name) for c in children}
    own = ChildRow(unit=None, label="")
    if shared is None:
        by_area = children_by_area(unit)
        month_model, outcome_model = (
            (AreaMonth, AreaMonthOutcome) if by_area else (TeamMonth, TeamMonthOutcome)
        )
        key = "area_path" if by_area else "unit_path"
        in_period = {"month__gte": period.start, "month__lte": period.end}
        month_rows = (
            month_model.objects.filter(**area_filter(unit, month_model), **in_period)
            .values_list(key)
            .annotate(r=Sum("reports"), p=Sum("people"))
            .order_by()
        )
        outcome_rows = (
            outcome_model.objects.filter(**area_filter(unit, outcome_model), **in_period)
            .values_list(key)
            .annotate(c=Sum("completed"))
            .order_by()
        )
    else:
        month_rows = ((path, reports, helped) for path, _month, reports, helped in shared[0])
        outcome_rows = ((path, completed) for path, _service, _guided, completed in shared[1])
    former: dict[str, ChildRow] | None = None

    def elsewhere(path: str) -> ChildRow:
        """The row of a path under no current child: the unit's own teams, or a former child's."""
        nonlocal former
        child = child_of(path, base)
        if child is None:
            return own
        if former is None:  # read once, and only when a path falls under a former child
            former = _former_children(unit)
        return former.get(child, own)

    for path, reports, helped in month_rows:
        target = rows.get(child_of(path, base) or "") or elsewhere(path)
        target.reports += reports or 0
        target.people += helped or 0
    for path, completed in outcome_rows:
        (rows.get(child_of(path, base) or "") or elsewhere(path)).completed += completed or 0
    for score in scores:
        path = score.team.unit.path
        target = rows.get(child_of(path, base) or "") or elsewhere(path)
        target.teams += 1
        target.effective += score.klass == scoring.EFFECTIVE
        target.paper += score.klass == scoring.PAPER
    if unit is not None:
        for child in children:
            figures = coverage.get(child.pk)
            if figures:
                rows[child.path].villages = figures.villages
                rows[child.path].villages_with_team = figures.villages_with_team
    return _ranked(unit, rows, former, own)


def _ranked(unit: Unit | None, rows: dict, former: dict | None, own: ChildRow) -> list[ChildRow]:
    """The current children's rows and the former ones with figures, ranked by completions (then reports,
    then name), with the unit's own teams last when they have any."""
    shown = [*rows.values(), *(r for r in (former or {}).values() if r.reports or r.teams or r.completed)]
    ranked = sorted(shown, key=lambda r: (-r.completed, -r.reports, vi_key(r.label)))
    if own.reports or own.teams or own.completed:
        own.label = _("Tổ trực thuộc %(name)s") % {"name": unit.name} if unit else _("Tổ cấp trung ương")
        ranked.append(own)
    return ranked


def _former_children(unit: Unit | None) -> dict[str, ChildRow]:
    """{path of a child of the unit no longer current: a row of its own, named as the former unit}. A
    dashboard of the year shows reports filed before a merger where they were filed (the per-commune totals
    count each report where it was made, and a team's earlier months keep its path until it reports again):
    under the former commune or village, as its own dashboard shows them, not among the unit's own teams."""
    siblings = (
        Unit.objects.filter(parent=unit) if unit is not None else Unit.objects.filter(parent__isnull=True)
    )
    on = timezone.localdate()
    return {
        path: ChildRow(
            unit=None,
            label=_("%(name)s (đơn vị cũ)") % {"name": name} if valid_to and valid_to < on else name,
        )
        for path, name, valid_from, valid_to in siblings.values_list("path", "name", "valid_from", "valid_to")
        if not valid_on(valid_from, valid_to, on)
    }


def targets_for(unit: Unit | None, period: scoring.Period) -> dict:
    """{service id: target} for the unit and period, from the annual plans (none until a plan sets them)."""
    from tocns.plans.selectors import service_targets  # plans reads the running totals: import late

    return service_targets(unit, period) if unit is not None else {}


@dataclass
class Households:
    villages_counted: int  # villages (current, under the unit) whose households are known
    households: int  # their households
    with_team: int  # households of those villages that have a team


def households_under(unit: Unit) -> Households:
    """The households of the villages under a unit, and of those with a team: one query."""
    villages = Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.VILLAGE).current()
    teams = Team.objects.filter(status=TeamStatus.ACTIVE, unit__path__startswith=unit.path).values("unit_id")
    sums = villages.aggregate(
        known=Count("pk", filter=Q(households__isnull=False)),
        total=Sum("households"),
        covered=Sum("households", filter=Q(pk__in=teams)),
    )
    return Households(sums["known"], sums["total"] or 0, sums["covered"] or 0)
