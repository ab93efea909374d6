"""Reads of activity reports for supervision. Callers pass querysets already scoped by
activities.scope and teams.scope (activities_for / teams_for), so nothing here widens what a user sees."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, Sum
from django.utils import timezone

from tocns.accounts.selectors import active_roles
from tocns.catalogue.models import DigitalService
from tocns.core.queries import vi_order
from tocns.teams.models import Member, TeamStatus
from tocns.units.models import Unit
from tocns.units.paths import child_of

from . import totals
from .models import Outcome

SILENT_AFTER_DAYS = 30


def with_details(activities):
    return activities.select_related("team", "village", "created_by").prefetch_related(
        Prefetch("outcomes", queryset=Outcome.objects.select_related("service")),
        Prefetch("participants", queryset=Member.objects.only("id", "full_name", "team_id")),
        "photos",
    )


def silent_since(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) - datetime.timedelta(days=SILENT_AFTER_DAYS)


def teams_with_last_report(teams):
    """Each team with last_report (date or None) and reports_30d; one query."""
    cutoff = silent_since()
    return teams.annotate(
        last_report=Max("activities__date"),
        reports_30d=Count("activities", filter=Q(activities__date__gt=cutoff)),
    )


def monthly_totals(unit: Unit, *, months: int = 6):
    """[(month, {service_code: (guided, completed)}, reports)] for the last `months` months, newest first,
    plus the services that appear, in catalogue order; everything reported under the unit (a page of
    the unit: its viewer's scope covers all of it), read from the running totals (totals.month_totals):
    a province's raw outcomes for six months took 290 ms to sum."""
    today = timezone.localdate()
    first = (today.replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    reports, outcomes = totals.month_totals(unit, first, today)
    used = {service_id for _month, service_id in outcomes}
    services = [s for s in DigitalService.objects.all() if s.pk in used]
    months_list = []
    cursor = today.replace(day=1)
    for _i in range(months):
        cells = [outcomes.get((cursor, s.pk), (0, 0)) for s in services]
        months_list.append((cursor, cells, reports.get(cursor, 0)))
        cursor = (cursor - datetime.timedelta(days=1)).replace(day=1)
    return months_list, services


@dataclass
class ChildActivity:
    unit: Unit
    teams: int
    silent: int
    never: int
    reports_30d: int
    last_report: datetime.date | None


def activity_by_child(unit: Unit, teams, activities) -> list[ChildActivity]:
    """For a province: per commune, active teams, teams silent 30 days, reports in 30 days, last report.
    Three grouped queries, whatever the number of communes."""
    children = list(Unit.objects.filter(parent=unit).current().order_by(*vi_order("name")))
    cutoff = silent_since()

    active = teams.filter(status=TeamStatus.ACTIVE, unit__path__startswith=unit.path)
    per_team = teams_with_last_report(active).values_list("unit__path", "last_report")
    stats: dict[str, list] = {}
    for path, last in per_team:
        key = child_of(path, unit.path)
        if key is None:
            continue  # a team attached to the unit itself
        entry = stats.setdefault(key, [0, 0, None, 0])
        entry[0] += 1
        if last is None or last <= cutoff:
            entry[1] += 1
        if last is None:
            entry[3] += 1
        if last and (entry[2] is None or last > entry[2]):
            entry[2] = last
    recent = (
        activities.filter(unit_path__startswith=unit.path, date__gt=cutoff)
        .values("unit_path")
        .annotate(n=Count("pk"))
        .values_list("unit_path", "n")
    )
    reports: dict[str, int] = {}
    for path, n in recent:
        key = child_of(path, unit.path)
        if key is not None:
            reports[key] = reports.get(key, 0) + n
    empty = [0, 0, None, 0]
    return [
        ChildActivity(
            unit=child,
            teams=stats.get(child.path, empty)[0],
            silent=stats.get(child.path, empty)[1],
            never=stats.get(child.path, empty)[3],
            reports_30d=reports.get(child.path, 0),
            last_report=stats.get(child.path, empty)[2],
        )
        for child in children
    ]


@dataclass
class Summary:
    teams: int
    silent: int
    never: int
    reports_30d: int


def summarise_children(rows: list[ChildActivity]) -> Summary:
    return Summary(
        teams=sum(r.teams for r in rows),
        silent=sum(r.silent for r in rows),
        never=sum(r.never for r in rows),
        reports_30d=sum(r.reports_30d for r in rows),
    )


def summarise_teams(rows) -> Summary:
    cutoff = silent_since()
    return Summary(
        teams=len(rows),
        silent=sum(1 for t in rows if t.last_report is None or t.last_report <= cutoff),
        never=sum(1 for t in rows if t.last_report is None),
        reports_30d=sum(t.reports_30d for t in rows),
    )


WORKED_ON_DAYS = 365  # the reports that tell which services a team works on


def services_worked_on(user, today: datetime.date | None = None) -> list[int]:
    """The ids of the digital services the user's teams work on, the most worked on first (registered in
    catalogue.worked_on: the guides a member's phone keeps offline).

    Those of the reports of the user's teams (current memberships) in the last year, by people guided; for
    someone whose teams made none (a new team) or who has no team (an officer), those of the reports made in
    the communes of their roles in that year; with none there either (a new commune, a province officer, the
    system admin), every service in use, in the catalogue's order."""
    since = (today or timezone.localdate()) - datetime.timedelta(days=WORKED_ON_DAYS)
    recent = Outcome.objects.filter(activity__date__gte=since)
    teams = Member.objects.current().filter(user=user).values("team_id")
    if ranked := _most_guided(recent.filter(activity__team__in=teams)):
        return ranked
    communes = set()
    for role in active_roles(user):
        parts = role.unit.path.strip("/").split("/") if role.unit_id else []
        if len(parts) >= 2:  # a commune or a village: its commune (a province's would be too many reports)
            communes.add(f"/{parts[0]}/{parts[1]}/")
    if communes:
        where = Q()
        for path in sorted(communes):
            where |= Q(activity__unit_path__startswith=path)
        if ranked := _most_guided(recent.filter(where)):
            return ranked
    return list(DigitalService.objects.in_use().values_list("pk", flat=True))


def _most_guided(outcomes) -> list[int]:
    """The services of the outcomes, by people guided, then in the catalogue's order."""
    return list(
        outcomes.order_by()
        .values("service_id")
        .annotate(guided=Sum("guided"))
        .order_by("-guided", "service__sort_order", "service__code")
        .values_list("service_id", flat=True)
    )
