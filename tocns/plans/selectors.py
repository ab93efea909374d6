"""Reads on plans: progress of targets, shares and tasks, from the running monthly totals kept with every
report (activities.models), so a report made a second ago already counts. Callers pass a plan already
scoped by plans.scope.plans_for.

A plan page costs a fixed number of queries whatever the number of shares and tasks: the year's totals
of the plan's area are read once (at most four queries) and summed in Python per unit, team and task."""

import datetime
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.activities.models import AreaMonth, AreaMonthOutcome, TeamMonth, TeamMonthOutcome
from tocns.activities.totals import month_of
from tocns.core.queries import vi_order

from .models import Indicator, Plan, Target, TargetShare, Task
from .split import villages_below

DONE, ON_TRACK, OVERDUE = "done", "on_track", "overdue"
TASK_STATUS_LABELS = {DONE: _("Đã xong"), ON_TRACK: _("Đang thực hiện"), OVERDUE: _("Quá hạn")}


def elapsed_share(year: int, today: datetime.date) -> Fraction:
    """How much of the year has gone by, today included (0 before it starts, 1 after it ends)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if today < start:
        return Fraction(0)
    if today > end:
        return Fraction(1)
    return Fraction((today - start).days + 1, (end - start).days + 1)


def _is_area_path(path: str) -> bool:
    """Province and commune paths are the grain of AreaMonth; anything deeper is read per team."""
    return len(path.strip("/").split("/")) <= 2


class YearTotals:
    """A year's running totals under one unit, loaded once, then summed per unit path, team or task.

    Metrics: "reports" (activity reports), "households" (households reached), and per service
    "completed" (people who completed it)."""

    def __init__(self, year: int, *, area_path: str, team_q: Q | None, service_ids: set[int]):
        self.year = year
        months = (datetime.date(year, 1, 1), datetime.date(year, 12, 1))
        self.area: dict[str, dict] = {}
        if _is_area_path(area_path):
            for row in (
                AreaMonth.objects.filter(area_path__startswith=area_path, month__range=months)
                .values("area_path")
                .annotate(reports=Sum("reports"), households=Sum("households"))
            ):
                self.area.setdefault(row["area_path"], {}).update(
                    reports=row["reports"] or 0, households=row["households"] or 0
                )
            if service_ids:
                for row in (
                    AreaMonthOutcome.objects.filter(
                        area_path__startswith=area_path, month__range=months, service_id__in=service_ids
                    )
                    .values("area_path", "service_id")
                    .annotate(completed=Sum("completed"))
                ):
                    self.area.setdefault(row["area_path"], {})[("completed", row["service_id"])] = (
                        row["completed"] or 0
                    )
        # Per team and month: (team_id, unit_path, month, {metric: n})
        self.team_rows: list[tuple[int, str, datetime.date, dict]] = []
        if team_q is not None:
            by_key: dict[tuple[int, datetime.date], dict] = {}
            paths: dict[int, str] = {}
            for row in TeamMonth.objects.filter(team_q, month__range=months).values(
                "team_id", "unit_path", "month", "reports", "households"
            ):
                key = (row["team_id"], row["month"])
                paths[row["team_id"]] = row["unit_path"]
                by_key.setdefault(key, {}).update(reports=row["reports"], households=row["households"])
            if service_ids:
                for row in TeamMonthOutcome.objects.filter(
                    team_q, month__range=months, service_id__in=service_ids
                ).values("team_id", "unit_path", "month", "service_id", "completed"):
                    key = (row["team_id"], row["month"])
                    paths[row["team_id"]] = row["unit_path"]
                    by_key.setdefault(key, {})[("completed", row["service_id"])] = row["completed"]
            self.team_rows = [(team, paths[team], month, values) for (team, month), values in by_key.items()]

    @staticmethod
    def metric(indicator: str, service_id: int | None):
        if indicator == Indicator.SERVICE_COMPLETED:
            return ("completed", service_id)
        return "reports" if indicator == Indicator.ACTIVITIES else "households"

    def for_path(self, path: str, metric) -> int:
        if _is_area_path(path):
            return sum(v.get(metric, 0) for area, v in self.area.items() if area.startswith(path))
        return sum(v.get(metric, 0) for _t, unit_path, _m, v in self.team_rows if unit_path.startswith(path))

    def for_team(self, team_id: int, metric, *, until: datetime.date | None = None) -> int:
        last = month_of(until) if until else None
        return sum(
            v.get(metric, 0)
            for team, _p, month, v in self.team_rows
            if team == team_id and (last is None or month <= last)
        )


class Households:
    """Households of the current villages under the plan's unit (one query), summed per path.

    Summed once up each village's path ("/38/", "/38/16279/", "/38/16279/16279-001/"): a province's plan
    page asks for ~500 paths, and scanning its 5,000 villages for each took 200 ms."""

    def __init__(self, path: str):
        self.villages = villages_below(path)
        self._sums: dict[str, int] = {}
        for village_path, households in self.villages:
            cut = 0
            while (cut := village_path.find("/", cut + 1)) != -1:
                prefix = village_path[: cut + 1]
                self._sums[prefix] = self._sums.get(prefix, 0) + (households or 0)

    def of(self, path: str) -> int:
        """The households of the villages whose path starts with ``path`` (a unit's path, ending in "/")."""
        if not path.endswith("/"):
            return sum(h or 0 for p, h in self.villages if p.startswith(path))
        return self._sums.get(path, 0)


@dataclass
class Progress:
    """Actual so far against a target value: a count, or a percentage for households_share."""

    actual: float
    target: int
    elapsed: Fraction
    percentage: bool = False

    @property
    def percent(self) -> int | None:
        """Actual as a whole percentage of the target (None for a target of 0)."""
        return round(100 * self.actual / self.target) if self.target else None

    @property
    def bar(self) -> int:
        return 100 if not self.target else max(0, min(100, self.percent))

    @property
    def expected(self) -> float:
        return float(self.target * self.elapsed)

    @property
    def on_pace(self) -> bool:
        """On pace: actual ≥ target × the share of the year gone by."""
        return self.actual >= self.expected


def _actual(
    totals: YearTotals,
    households: Households,
    indicator: str,
    service_id,
    *,
    path=None,
    team=None,
    until=None,
) -> float:
    metric = totals.metric(indicator, service_id)
    if team is not None:
        value = totals.for_team(team.pk, metric, until=until)
        base = households.of(team.unit.path)
    else:
        value = totals.for_path(path, metric)
        base = households.of(path)
    if indicator == Indicator.HOUSEHOLDS_SHARE:
        # Households reached as reported (Activity.households_reached), not people: several people of one
        # household would otherwise count as several households and the share could pass 100%.
        return round(100 * value / base, 1) if base else 0.0
    return value


@dataclass
class ShareRow:
    share: TargetShare
    progress: Progress
    child_plan: Plan | None = None


@dataclass
class TargetRow:
    target: Target
    progress: Progress
    shares: list[ShareRow] = field(default_factory=list)

    @property
    def shares_total(self) -> int:
        return sum(row.share.value for row in self.shares)

    @property
    def shares_behind(self) -> int:
        """Shares not on pace."""
        return sum(not row.progress.on_pace for row in self.shares)


@dataclass
class TaskRow:
    task: Task
    progress: float | None
    status: str

    @property
    def status_label(self):
        return TASK_STATUS_LABELS[self.status]


def task_status(task: Task, progress: float | None, today: datetime.date) -> str:
    """done when the team's outcomes reach the task's value (or, without an indicator, when an officer
    marked it done); overdue when the deadline has passed and it is not done; on track otherwise."""
    if task.indicator:
        done = progress is not None and progress >= (task.target_value or 0)
    else:
        done = task.done_at is not None
    if done:
        return DONE
    return OVERDUE if today > task.deadline else ON_TRACK


@dataclass
class PlanPage:
    targets: list[TargetRow]
    tasks: list[TaskRow]
    elapsed: Fraction

    @property
    def elapsed_percent(self) -> int:
        return round(100 * self.elapsed)

    @property
    def done_count(self) -> int:
        return sum(1 for row in self.tasks if row.status == DONE)

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.tasks if row.status == OVERDUE)


def plan_page(plan: Plan, *, today: datetime.date | None = None) -> PlanPage:
    """Targets with their shares and tasks with their status, each with progress so far this year.

    Targets and shares count the whole year so far. A task counts the team's outcomes from 1 January of
    the plan's year to its deadline; the totals are monthly, so a deadline in the middle of a month
    counts the whole month of the deadline (a report dated after the deadline in that month counts)."""
    today = today or timezone.localdate()
    targets = list(plan.targets.select_related("service", "source_share__target__plan"))
    shares = list(
        TargetShare.objects.filter(target__plan=plan)
        .select_related("unit", "team", "team__unit", "inherited_target__plan")
        .order_by(*vi_order("unit__name", "team__unit__name", "team__name"), "pk")
    )
    tasks = list(plan.tasks.select_related("team", "team__unit", "service"))
    service_ids = {t.service_id for t in targets if t.service_id} | {
        t.service_id for t in tasks if t.service_id
    }
    team_ids = {s.team_id for s in shares if s.team_id} | {t.team_id for t in tasks}
    village_paths = {s.unit.path for s in shares if s.unit_id and not _is_area_path(s.unit.path)}
    team_q = None
    if team_ids or village_paths or not _is_area_path(plan.unit_path):
        team_q = Q(team_id__in=sorted(team_ids))
        for path in sorted(
            village_paths | ({plan.unit_path} if not _is_area_path(plan.unit_path) else set())
        ):
            team_q |= Q(unit_path__startswith=path)
    totals = YearTotals(plan.year, area_path=plan.unit_path, team_q=team_q, service_ids=service_ids)
    households = Households(plan.unit_path)
    elapsed = elapsed_share(plan.year, today)

    def progress(indicator, service_id, value, **where):
        actual = _actual(totals, households, indicator, service_id, **where)
        return Progress(actual, value, elapsed, indicator == Indicator.HOUSEHOLDS_SHARE)

    rows = []
    for target in targets:
        row = TargetRow(
            target, progress(target.indicator, target.service_id, target.value, path=plan.unit_path)
        )
        for share in shares:
            if share.target_id != target.pk:
                continue
            where = {"team": share.team} if share.team_id else {"path": share.unit.path}
            inherited = getattr(share, "inherited_target", None)
            row.shares.append(
                ShareRow(
                    share,
                    progress(target.indicator, target.service_id, share.value, **where),
                    inherited.plan if inherited else None,
                )
            )
        rows.append(row)
    task_rows = []
    for task in tasks:
        value = None
        if task.indicator:
            value = _actual(
                totals, households, task.indicator, task.service_id, team=task.team, until=task.deadline
            )
        task_rows.append(TaskRow(task, value, task_status(task, value, today)))
    return PlanPage(rows, task_rows, elapsed)


def plan_list(plans):
    """Plans of a list page with their numbers of targets and tasks, in one query."""
    return plans.select_related("unit", "parent__unit").annotate(
        target_count=Count("targets", distinct=True), task_count=Count("tasks", distinct=True)
    )


def service_targets(unit, period) -> dict:
    """{service id: target} that the unit's active plan for the period's year sets, for the dashboard.
    A year's target is shown whole for a year; for a month or a quarter, its share of the year (by
    months), rounded, so "on target" means the same pace whatever period is shown."""
    from .models import Indicator, Plan, PlanStatus, Target

    plan = Plan.objects.filter(unit=unit, year=period.start.year, status=PlanStatus.ACTIVE).first()
    if plan is None:
        return {}
    months = len(period.months())
    return {
        target.service_id: round(target.value * months / 12)
        for target in Target.objects.filter(
            plan=plan, indicator=Indicator.SERVICE_COMPLETED, service__isnull=False
        )
    }
