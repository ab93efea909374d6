"""A score per team for a period, from parts a province can weigh, each with the reason behind it.

* regularity - weeks with at least one report / weeks of the period so far;
* reach      - people helped per 100 households of the team's village, against REACH_PER_MONTH a month;
* targets    - share of the team's plan targets met (left out until plans give the team a target);
* capacity   - half members trained (attended a class), half members with a smartphone;
* citizen    - citizens' confirmations (weight 0 until citizen ratings exist; always left out now).

A team's state, one vocabulary for every page, export and the API: "đang hoạt động" when it reported
within the province's grace period (GRACE_DAYS, 60 by default), then classed by its score: Hiệu quả from
70, Đạt from 50, Chưa hiệu quả below; otherwise "Mới thành lập" while the team itself is younger than the
grace period (it has had no time to report), and "Chỉ trên giấy" after that. The classes add up to the
teams counted. Everything is read from the running totals
(activities.models), the roster and training records: a report made a second ago counts."""

import calendar
import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import BigIntegerField, Max, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tocns.activities.models import Activity, TeamLastReport, TeamMonth, TeamWeek, TeamYear
from tocns.activities.totals import area_of
from tocns.core.queries import plain_rows
from tocns.teams.models import TeamStatus
from tocns.teams.selectors import NO_CREW, Crew, crew_counts
from tocns.units.paths import ancestors

REACH_PER_MONTH = 5  # people helped per 100 households in a month counts as full reach
GRACE_DAYS = 60  # the default; a province sets its own (ScoreWeights.grace_days)
DEFAULT_WEIGHTS = {"regularity": 40, "reach": 30, "targets": 20, "capacity": 10, "citizen": 0}
PART_NAMES = tuple(DEFAULT_WEIGHTS)  # the parts, in the order they are shown

EFFECTIVE, PASSING, WEAK, NEW, PAPER = "effective", "passing", "weak", "new", "paper"
CLASS_LABELS = {
    EFFECTIVE: gettext_lazy("Hiệu quả"),
    PASSING: gettext_lazy("Đạt"),
    WEAK: gettext_lazy("Chưa hiệu quả"),
    NEW: gettext_lazy("Mới thành lập"),
    PAPER: gettext_lazy("Chỉ trên giấy"),
}
CLASS_ORDER = [EFFECTIVE, PASSING, WEAK, NEW, PAPER]
WORKING = (EFFECTIVE, PASSING, WEAK)  # the classes of the teams "đang hoạt động"
FOLLOW_UP = (
    PAPER,
    NEW,
    WEAK,
)  # the teams to call: to wake up, to help with a first report, to help do better


@dataclass
class Period:
    start: datetime.date
    end: datetime.date
    label: str
    code: str

    @classmethod
    def parse(cls, text: str | None, today: datetime.date | None = None) -> "Period":
        """ "2026-10" a month, "2026-Q3" a quarter, "2026" a year; empty: the current year."""
        today = today or timezone.localdate()
        text = (text or "").strip() or str(today.year)
        try:
            if "-Q" in text.upper():
                year, quarter = text.upper().split("-Q")
                year, quarter = int(year), int(quarter)
                if not 1 <= quarter <= 4:
                    raise ValueError
                start = datetime.date(year, 3 * quarter - 2, 1)
                end_month = 3 * quarter
                end = datetime.date(year, end_month, calendar.monthrange(year, end_month)[1])
                roman = ("I", "II", "III", "IV")[quarter - 1]  # "Quý I/2026", as documents write quarters
                return cls(start, end, _("Quý %(q)s/%(y)s") % {"q": roman, "y": year}, f"{year}-Q{quarter}")
            if "-" in text:
                year, month = (int(p) for p in text.split("-"))
                start = datetime.date(year, month, 1)
                end = datetime.date(year, month, calendar.monthrange(year, month)[1])
                return cls(
                    start,
                    end,
                    _("Tháng %(m)s/%(y)s") % {"m": f"{month:02d}", "y": year},
                    f"{year}-{month:02d}",
                )
            year = int(text)
            return cls(
                datetime.date(year, 1, 1),
                datetime.date(year, 12, 31),
                _("Năm %(y)s") % {"y": year},
                str(year),
            )
        except (ValueError, TypeError, OverflowError):  # OverflowError: a year past a C int (9999999999)
            raise ValueError(_("Kỳ không hợp lệ: dùng 2026-10, 2026-Q3 hoặc 2026.")) from None

    def months(self) -> list[datetime.date]:
        months, cursor = [], self.start
        while cursor <= self.end:
            months.append(cursor)
            cursor = (cursor.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return months

    def elapsed_end(self, today: datetime.date | None = None) -> datetime.date:
        return min(self.end, today or timezone.localdate())


@dataclass
class Part:
    name: str
    label: str
    value: float | None  # 0..1, None = no data
    weight: int
    reason: str


class UnitRef:
    """What a score shows of a team's unit (read as plain values: a province has thousands of teams)."""

    __slots__ = ("pk", "name", "path", "households", "parent_id")

    def __init__(self, pk: int, name: str, path: str, households: int | None, parent_id: int | None):
        self.pk, self.name, self.path, self.households, self.parent_id = pk, name, path, households, parent_id


class TeamRef:
    """``since``: the day the team was entered in tocns (its grace period runs from then)."""

    __slots__ = ("pk", "name", "unit", "crew", "since")

    def __init__(
        self, pk: int, name: str, unit: UnitRef, crew: Crew = NO_CREW, since: datetime.date | None = None
    ):
        self.pk, self.name, self.unit, self.crew, self.since = pk, name, unit, crew, since


def _day(raw, zone=None) -> datetime.date | None:
    """The date of a timestamp column read raw: PostgreSQL's driver gives a datetime, SQLite's text
    ("2026-12-07 08:30:00.123456", in UTC as Django stores it). ``zone``: the current time zone, read once
    by a caller converting many (reading it costs a thread-local lookup, 0.9 s for the country's teams)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = datetime.datetime.fromisoformat(raw).replace(tzinfo=datetime.UTC)
    if raw.tzinfo is None:
        return raw.date()
    # The local day, converted here rather than by timezone.localdate (which tests pin to a fixed day).
    return raw.astimezone(zone or timezone.get_current_timezone()).date()


class Inputs(NamedTuple):
    """A team's figures for the period, from which its parts and their reasons are made."""

    weeks_done: int
    weeks_total: int
    helped: int
    households: int
    months_elapsed: int
    targets: tuple[int, int] | None  # (on pace, given)
    crew: tuple[int, int, int] | None  # (members, trained, with a smartphone)
    weights: dict


class TeamScore:
    """A team's score and class; its parts and their reasons are made when shown (a dashboard shows ten
    of thousands), from ``inputs``."""

    __slots__ = ("team", "score", "klass", "last_report", "inputs")

    def __init__(self, team, score: int, klass: str, last_report=None, inputs: Inputs | None = None):
        self.team = team
        self.score = score
        self.klass = klass
        self.last_report = last_report
        self.inputs = inputs

    def __repr__(self):
        return f"TeamScore({self.team.name!r}, {self.score}, {self.klass})"

    @property
    def class_label(self) -> str:
        return str(CLASS_LABELS[self.klass])

    @property
    def parts(self) -> list[Part]:
        return _parts(self.inputs)

    @property
    def reasons(self) -> list[str]:
        reasons = [p.reason for p in self.parts if p.reason]
        if self.klass == NEW:
            reasons.insert(
                0,
                _("chưa có báo cáo đầu tiên (có trên hệ thống từ %(d)s)")
                % {"d": f"{self.team.since:%d/%m/%Y}"},
            )
        elif self.klass == PAPER:
            reasons.insert(
                0,
                _("không có báo cáo từ %(d)s") % {"d": f"{self.last_report:%d/%m}"}
                if self.last_report
                else _("chưa từng báo cáo"),
            )
        return reasons


def _sum(column: str):
    """SUM of a 64-bit totals column as an integer: PostgreSQL sums bigint into numeric, which plain_rows
    (no converters) would hand over as a Decimal."""
    return Cast(Sum(column), BigIntegerField())


SETTINGS = (*PART_NAMES, "grace_days")  # what a province sets: the weights and its grace period


def default_settings() -> dict:
    return {**DEFAULT_WEIGHTS, "grace_days": GRACE_DAYS}


def weights_for(unit) -> dict:
    """The province's weights and grace period (or the defaults) for a unit anywhere below it."""
    from .models import ScoreWeights

    province_code = unit.path.strip("/").split("/")[0] if unit is not None else None
    row = ScoreWeights.objects.filter(unit__code=province_code).first() if province_code else None
    if row is None:
        return default_settings()
    return {name: getattr(row, name) for name in SETTINGS}


def _whole_year_by(year: int, end: datetime.date, today: datetime.date) -> bool:
    """Whether the year's totals so far are those from 1 January to ``end``: ``end`` is the year's last
    day, or today or later (no report is dated after today)."""
    return end >= today or end == datetime.date(year, 12, 31)


def _weeks(start: datetime.date, end: datetime.date) -> int:
    first = start - datetime.timedelta(days=start.weekday())
    return max(1, (end - first).days // 7 + 1)


def unit_refs(units) -> dict[int, UnitRef]:
    """{unit id: UnitRef} of the given units (a queryset), read as plain rows."""
    rows = units.order_by().values_list("pk", "name", "path", "households", "parent_id")
    return {row[0]: UnitRef(*row) for row in rows}


def team_refs(
    teams, on: datetime.date | None = None, units: dict[int, UnitRef] | None = None
) -> list[TeamRef]:
    """The active ones of the given teams with their unit and their current members counted, as plain rows
    (no model instances: a province has thousands). The teams and their members are one grouped query,
    not joined to the units: that join made PostgreSQL scan every team in the country. ``units``:
    {unit id: UnitRef} holding at least the teams' units, when the caller has read them already (a
    dashboard reads its subtree's units once); else a second query reads them."""
    active = teams.filter(status=TeamStatus.ACTIVE)
    rows = plain_rows(
        active.order_by()
        .values_list("pk", "name", "unit_id", "created_at")
        .annotate(**crew_counts(on, through="members__"))
    )
    if units is None or any(unit_pk not in units for _pk, _name, unit_pk, _at, *_counts in rows):
        from tocns.units.models import Unit

        units = {
            **(units or {}),
            **unit_refs(Unit.objects.filter(pk__in=active.order_by().values("unit_id"))),
        }
    zone = timezone.get_current_timezone()
    return [
        TeamRef(pk, name, units[unit_pk], Crew(*counts), _day(created, zone))
        for pk, name, unit_pk, created, *counts in rows
    ]


def score_teams(
    teams,
    period: Period,
    weights: dict,
    today: datetime.date | None = None,
    path: str | None = None,
) -> list[TeamScore]:
    """Scores of the given active teams (a queryset, or team_refs() of one); a handful of grouped
    queries whatever their number. With ``path`` (all the teams are under that unit path) the queries
    filter on the path instead of a list of ids."""
    today = today or timezone.localdate()
    end = period.elapsed_end(today)
    if not isinstance(teams, list):
        teams = team_refs(teams)
    ids = [t.pk for t in teams]
    if path in ("", "/"):  # the whole country
        by_week = by_month = by_last = {}
        by_share = Q()
    elif path:
        by_week, by_month = (
            {"area_path__startswith": path[: len(area_of(path))]},
            {"unit_path__startswith": path},
        )
        by_last = {"area_path__startswith": path[: len(area_of(path))]}
        # A plan shares out to teams below its own unit, so the teams under the path get theirs from the
        # plans of units under the path or above it (joining each share to its team's path instead read
        # two rows per share: 18 ms for a province's 8,000).
        by_share = Q(target__plan__unit_path__startswith=path) | Q(
            target__plan__unit_path__in=ancestors(path)
        )
    else:
        by_week = by_month = by_last = {"team_id__in": ids}
        by_share = Q(team_id__in=ids)
    weeks_total = _weeks(period.start, end) if end >= period.start else 1
    # Weeks with a report: those starting in the period's months (TeamMonth.weeks, kept by the month of
    # their Monday), plus the week the period starts in when it starts after a Monday.
    weeks, people, reports = {}, {}, {}
    year = period.start.year
    whole_year = (period.start, period.end) == (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if whole_year and _whole_year_by(year, end, today):  # one row per team instead of its months
        sums = TeamYear.objects.filter(**by_month, year=year).values_list(
            "team_id", "weeks", "people", "reports"
        )
    else:
        sums = (
            TeamMonth.objects.filter(**by_month, month__gte=period.start, month__lte=end)
            .values("team_id")
            .annotate(w=Sum("weeks"), p=_sum("people"), r=_sum("reports"))
            .values_list("team_id", "w", "p", "r")
        )
    for team_id, done, helped, filed in plain_rows(sums):  # integers: no converters needed
        weeks[team_id], people[team_id], reports[team_id] = done or 0, helped or 0, filed or 0
    first_week = period.start - datetime.timedelta(days=period.start.weekday())
    if first_week < period.start:
        for team_id in TeamWeek.objects.filter(**by_week, week=first_week, reports__gt=0).values_list(
            "team_id", flat=True
        ):
            weeks[team_id] = weeks.get(team_id, 0) + 1
    # A team's state is judged on the period's last day (today for a period still running): its last
    # report by then, and teams entered in tocns after it left out (they did not exist for tocns then).
    as_of = min(today, period.end)
    if as_of < today:
        teams = [t for t in teams if t.since is None or t.since <= as_of]
        by_report = {"team_id__in": ids} if by_week.get("team_id__in") else {}
        if path and path != "/" and not by_report:
            by_report = {"unit_path__startswith": path}
        last = dict(
            Activity.objects.filter(**by_report, date__lte=as_of)
            .order_by()
            .values("team_id")
            .annotate(last=Max("date"))
            .values_list("team_id", "last")
        )
    else:
        last = dict(TeamLastReport.objects.filter(**by_last).values_list("team_id", "last_date"))
    months_elapsed = max(1, len([m for m in period.months() if m <= end]))
    # Targets count reports from 1 January: the period's own when it starts then (a year, Q1, January).
    ytd_reports = reports if period.start == datetime.date(period.start.year, 1, 1) else None
    met = _targets_met(
        ids, period, end, today, shares_filter=by_share, totals_filter=by_month, ytd_reports=ytd_reports
    )
    scores = []
    grace_from = as_of - datetime.timedelta(days=weights.get("grace_days", GRACE_DAYS))
    weight_list = tuple(weights[name] for name in PART_NAMES)
    for team in teams:
        pk, households = team.pk, team.unit.households
        members = team.crew
        inputs = Inputs(
            weeks.get(pk, 0),
            weeks_total,
            people.get(pk, 0),
            households or 0,
            months_elapsed,
            met.get(pk),
            (members.n, members.trained, members.phones) if members.n else None,
            weights,
        )
        score = _score(inputs, weight_list)
        last_report = last.get(pk)
        if last_report is None or last_report < grace_from:
            # No report within the grace period: a team younger than it has not had the time to.
            klass = NEW if team.since is not None and team.since > grace_from else PAPER
        elif score >= 70:
            klass = EFFECTIVE
        elif score >= 50:
            klass = PASSING
        else:
            klass = WEAK
        scores.append(TeamScore(team, score, klass, last_report, inputs))
    return scores


def _value_list(inputs: Inputs) -> tuple:
    """Each part's value, 0..1, None without data, in PART_NAMES order (a tuple: scored for thousands of
    teams per page)."""
    regularity = min(1.0, inputs.weeks_done / inputs.weeks_total)
    if inputs.households:
        per_100 = 100 * inputs.helped / inputs.households
        reach = min(1.0, per_100 / (REACH_PER_MONTH * inputs.months_elapsed))
    else:
        reach = None
    targets = inputs.targets[0] / inputs.targets[1] if inputs.targets else None
    if inputs.crew:
        members, trained, phones = inputs.crew
        capacity = (trained + phones) / (2 * members)
    else:
        capacity = None
    return regularity, reach, targets, capacity, None


def _values(inputs: Inputs) -> dict[str, float | None]:
    return dict(zip(PART_NAMES, _value_list(inputs), strict=True))


def _score(inputs: Inputs, weights: tuple | None = None) -> int:
    """The weighted mean of the parts with data and weight, 0..100 (0 when none). ``weights``:
    inputs.weights in PART_NAMES order, when the caller has them so already."""
    if weights is None:
        weights = tuple(inputs.weights[name] for name in PART_NAMES)
    total_weight = weighted = 0
    for weight, value in zip(weights, _value_list(inputs), strict=True):
        if value is not None and weight:
            total_weight += weight
            weighted += value * weight
    return round(100 * weighted / total_weight) if total_weight else 0


def _parts(inputs: Inputs) -> list[Part]:
    values, weights = _values(inputs), inputs.weights
    reasons = {
        "regularity": _("có báo cáo %(n)s/%(t)s tuần") % {"n": inputs.weeks_done, "t": inputs.weeks_total},
        "reach": _("hỗ trợ %(p)s người / %(h)s hộ") % {"p": inputs.helped, "h": inputs.households}
        if inputs.households
        else _("thôn chưa có số hộ"),
        "targets": _("đạt %(m)s/%(n)s chỉ tiêu được giao (theo tiến độ năm)")
        % {"m": inputs.targets[0], "n": inputs.targets[1]}
        if inputs.targets
        else "",
        "capacity": _("%(t)s/%(n)s thành viên đã tập huấn, %(s)s/%(n)s có điện thoại thông minh")
        % {"t": inputs.crew[1], "s": inputs.crew[2], "n": inputs.crew[0]}
        if inputs.crew
        else _("tổ chưa có thành viên"),
        "citizen": "",
    }
    labels = {
        "regularity": _("Đều đặn"),
        "reach": _("Độ phủ"),
        "targets": _("Chỉ tiêu"),
        "capacity": _("Năng lực"),
        "citizen": _("Người dân xác nhận"),
    }
    return [Part(name, labels[name], values[name], weights[name], reasons[name]) for name in values]


def class_counts(scores: list[TeamScore]) -> list[tuple[str, str, int]]:
    counts = {k: 0 for k in CLASS_ORDER}
    for s in scores:
        counts[s.klass] += 1
    return [(k, str(CLASS_LABELS[k]), counts[k]) for k in CLASS_ORDER]


def _targets_met(
    team_ids: list[int],
    period: Period,
    end: datetime.date,
    today: datetime.date,
    *,
    shares_filter: Q,
    totals_filter: dict,
    ytd_reports: dict | None = None,
) -> dict:
    """{team id: (targets on pace, targets given)} from the shares active plans of the period's year hand
    to each team: on pace when the team's year-to-date result reaches its share × the part of the year
    gone by (the same rule as the plan page). Three grouped queries."""
    if not team_ids:
        return {}
    from tocns.activities.models import TeamMonthOutcome, TeamYearOutcome
    from tocns.plans.models import Indicator, PlanStatus, TargetShare
    from tocns.plans.selectors import elapsed_share

    year = period.start.year
    # Plain rows, not model instances: a province's active plans hand out ~12,000 team shares.
    shares = plain_rows(
        # Scoped by the plans' units (see score_teams) or by the teams given.
        TargetShare.objects.filter(
            shares_filter,
            team__isnull=False,
            target__plan__year=year,
            target__plan__status=PlanStatus.ACTIVE,
            target__indicator__in=[Indicator.SERVICE_COMPLETED, Indicator.ACTIVITIES],
        )
        .order_by()
        .values_list("team_id", "value", "target__indicator", "target__service_id")
    )
    if not shares:
        return {}
    months = {"month__gte": datetime.date(year, 1, 1), "month__lte": end}
    services = {service for _t, _v, indicator, service in shares if indicator == Indicator.SERVICE_COMPLETED}
    completed = {}
    if services and _whole_year_by(year, end, today):
        # One row per team and service with a target (a province: 4,000 rows, against 28,000 team-months).
        rows = TeamYearOutcome.objects.filter(**totals_filter, year=year, service_id__in=services)
        completed = {
            (team, service): done
            for team, service, done in plain_rows(rows.values_list("team_id", "service_id", "completed"))
        }
    elif services:
        for team_id, service_id, done in plain_rows(
            TeamMonthOutcome.objects.filter(**totals_filter, **months, service_id__in=services)
            .values("team_id", "service_id")
            .annotate(c=_sum("completed"))
            .values_list("team_id", "service_id", "c")
        ):
            completed[team_id, service_id] = done or 0
    reports = ytd_reports or {}
    if ytd_reports is None and any(indicator == Indicator.ACTIVITIES for _t, _v, indicator, _s in shares):
        reports = dict(
            plain_rows(
                TeamMonth.objects.filter(**totals_filter, **months)
                .values("team_id")
                .annotate(r=_sum("reports"))
                .values_list("team_id", "r")
            )
        )
    pace = float(elapsed_share(year, min(today, end)))
    result: dict[int, list[int]] = {}
    for team_id, value, indicator, service_id in shares:
        if indicator == Indicator.SERVICE_COMPLETED:
            actual = completed.get((team_id, service_id), 0)
        else:  # activities; a households share is a percentage of the village, checked on the plan page
            actual = reports.get(team_id) or 0
        entry = result.setdefault(team_id, [0, 0])
        entry[1] += 1
        entry[0] += actual >= value * pace
    return {team: (reached, given) for team, (reached, given) in result.items()}
