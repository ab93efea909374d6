"""A province's and the country's dashboards from per-commune parts kept between requests.

A province dashboard sums, for each of its ~170 communes, what it computes from that commune's teams:
reports and outcomes of the period, coverage, each team's effectiveness class and the teams to follow up.
Most of that (scoring 4,000 teams, counting their members) is the same from one request to the next, so
each commune's result (an ``AreaPart``) is kept in this process and used again while nothing it counts has
changed. Whether it has: every write a dashboard counts gives the stamp of its commune a new token in the
same transaction (``stamps.touch``; a province's own stamp for its weights, its plan and its own teams,
"/" for a bulk load), and a part is kept under the tokens of its commune, its province and the country, and
the day (classes depend on today: 60 days without a report). A page reads the stamps first (one query),
then uses the parts kept under those tokens and computes the others: a report filed a second ago has
changed its commune's token, so that commune is computed again and counts.

Parts are computed for a few communes one by one (a handful of queries each), for more at once for the
whole province (as the dashboard did before it kept parts), and for the country's page, when a third of its
areas or more are to be computed, in one pass over the country. Kept in memory per server process (bounded,
oldest dropped first, and never older than PARTS_MAX_AGE seconds as a last guard against a write made
around tocns's code). Used only when the viewer sees every team under the unit; other viewers, the commune
and village dashboards and the exports compute everything per request (``selectors.build``), and the tests
compare the two."""

import bisect
import dataclasses
import datetime
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from tocns.activities.models import AreaMonth, AreaMonthOutcome
from tocns.catalogue.models import DigitalService
from tocns.core import stamps
from tocns.core.queries import vi_order
from tocns.evaluation import scoring
from tocns.evaluation.models import ScoreWeights
from tocns.teams import selectors as team_selectors
from tocns.teams.accounts import Adoption
from tocns.teams.models import Team
from tocns.units.models import Unit, valid_on
from tocns.units.paths import child_of

from . import selectors

COVERAGE_FIELDS = tuple(f.name for f in dataclass_fields(team_selectors.Coverage))
FOLLOW_UP_SHOWN = 10  # the dashboard page shows the first ten teams to follow up (the exports all)
ONE_BY_ONE = 8  # up to this many communes to compute are computed one by one, else the province at once
COUNTRY_SHARE = 3  # the country's page computes all in one pass when a third of its areas are to be computed


class AreaPart:
    """What one commune (or a province's own teams) adds to a dashboard of the period."""

    __slots__ = (
        "months",
        "people",
        "services",
        "classes",
        "effective",
        "paper",
        "coverage",
        "follow_up",
        "follow_count",
        "adoption",
    )

    def __init__(self):
        self.months: dict[datetime.date, int] = {}
        self.people = 0
        self.services: dict[int, list[int]] = {}  # service id: [guided, completed]
        self.classes = dict.fromkeys(scoring.CLASS_ORDER, 0)
        self.effective = self.paper = 0
        self.coverage = dict.fromkeys(COVERAGE_FIELDS, 0)
        self.follow_up: list[scoring.TeamScore] = []  # in selectors.follow_up_key order
        self.follow_count = 0
        self.adoption = [0, 0, 0]  # current members, with an account that signs in, used tocns in 30 days

    @property
    def teams(self) -> int:
        return sum(self.classes.values())

    @property
    def reports(self) -> int:
        return sum(self.months.values())

    @property
    def completed(self) -> int:
        return sum(c for _g, c in self.services.values())


class Kept:
    """What this process keeps: {slot: (time kept, version, value)}. A slot is what a value is of (an
    area, the period and the day; a unit's sum), its version the stamps' tokens it was made under: a new
    version replaces the old one in its slot, which no page could use again. At most ``size`` slots,
    the oldest dropped first, and those older than ``max_age`` seconds dropped whenever values are added
    (yesterday's, a period nobody looks at any more)."""

    def __init__(self, size: int, max_age: float):
        self.size, self.max_age = size, max_age
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, wanted: dict) -> dict:
        """{slot: value} of the wanted {slot: version} kept at that version and not too old."""
        now = time.monotonic()
        found = {}
        with self._lock:
            for slot, version in wanted.items():
                item = self._items.get(slot)
                if item is not None and item[1] == version and now - item[0] <= self.max_age:
                    found[slot] = item[2]
        return found

    def put_many(self, items: dict) -> None:
        """Keep {slot: (version, value)}."""
        now = time.monotonic()
        with self._lock:
            for slot, (version, value) in items.items():
                self._items[slot] = (now, version, value)
                self._items.move_to_end(slot)  # the order is the order kept: the oldest first
            while self._items and (
                len(self._items) > self.size or now - next(iter(self._items.values()))[0] > self.max_age
            ):
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


KEPT = Kept(settings.PARTS_KEPT, settings.PARTS_MAX_AGE)


def _province_of(area: str) -> str:
    return "/" + area.strip("/").split("/")[0] + "/"


def _version(area: str, tokens: dict) -> tuple:
    """The tokens an area's part depends on: its own, its province's and the country's."""
    return (tokens.get(area, 0), tokens.get(_province_of(area), 0), tokens.get(stamps.EVERYTHING, 0))


def _areas(unit: Unit | None, children: list[Unit]) -> dict[str, list[str]]:
    """{province path: the areas of it: its own path and each child's, current or not} of the unit (a
    province) or of the country: every path a report, a team or a village under it is counted in.
    ``children``: the unit's children, current or not (the country's are its provinces)."""
    if unit is not None:
        return {unit.path: [unit.path, *(child.path for child in children)]}
    areas = {province.path: [province.path] for province in children}
    communes = Unit.objects.filter(parent__parent__isnull=True, parent__isnull=False)
    for path in communes.values_list("path", flat=True):
        areas.setdefault(_province_of(path), []).append(path)
    return areas


def parts_for(
    unit: Unit | None, period: scoring.Period, on: datetime.date, tokens: dict, children: list[Unit]
) -> dict[str, AreaPart]:
    """{area path: its part} for every area of the unit (a province) or of the country: those kept under
    the stamps' tokens (read first, by the caller: stamps_under), the others computed now and kept.
    ``children``: the unit's, current or not."""
    areas = _areas(unit, children)
    return _parts_of(areas, period, on, tokens, sum(map(len, areas.values())) if unit is None else None)


def _parts_of(
    areas: dict[str, list[str]], period: scoring.Period, on: datetime.date, tokens: dict, country: int | None
) -> dict[str, AreaPart]:
    """{area path: its part} of the areas listed ({province path: [areas]}), kept or computed now.
    ``country``: the number of areas in the country when these are for the country's page (which then
    computes in one pass over the country when a third of them or more are to be computed), else None."""
    slots = {area: (area, period.code, on) for paths in areas.values() for area in paths}
    kept = KEPT.get_many({slot: _version(area, tokens) for area, slot in slots.items()})
    parts = {area: kept[slot] for area, slot in slots.items() if slot in kept}
    missing = {province: [area for area in paths if area not in parts] for province, paths in areas.items()}
    whole = {province for province, listed in missing.items() if len(listed) > ONE_BY_ONE}
    new = {}
    computed = sum(len(areas[p]) if p in whole else len(listed) for p, listed in missing.items())
    if country is not None and computed * COUNTRY_SHARE >= country:
        new.update(compute_country(period, on))
    else:
        for province_path, listed in missing.items():
            if listed:
                new.update(compute(province_path, period, on, None if province_path in whole else listed))
    for area in slots:
        if area not in parts:
            parts[area] = new.get(area) or AreaPart()
            new[area] = parts[area]
    KEPT.put_many(
        {slots[area]: (_version(area, tokens), part) for area, part in new.items() if area in slots}
    )
    return parts


def compute(
    province_path: str, period: scoring.Period, on: datetime.date, areas: list[str] | None = None
) -> dict[str, AreaPart]:
    """The parts of the given areas of a province, each computed from its own teams and totals; None:
    every area of the province, from one pass over the whole province."""
    province = Unit.objects.get(path=province_path)
    weights = scoring.weights_for(province)
    parts: dict[str, AreaPart] = {}
    if areas is None:
        units, villages = selectors._subtree(province_path, on)
        refs = scoring.team_refs(team_selectors.under(Team.objects.all(), province_path), on, units=units)
        scores = scoring.score_teams(refs, period, weights, today=on, path=province_path)
        _add(parts, refs, scores, villages, _totals(Q(area_path__startswith=province_path), period))
        _add_adoption(parts, Q(team__unit__path__startswith=province_path))
        return parts
    for area in areas:
        if area == province_path:  # the teams attached to the province itself
            units = {
                province.pk: scoring.UnitRef(province.pk, province.name, area, province.households, None)
            }
            teams, villages = Team.objects.filter(unit=province), []
        else:
            units, villages = selectors._subtree(area, on)
            teams = team_selectors.under(Team.objects.all(), area)
        refs = scoring.team_refs(teams, on, units=units)
        # By the teams' ids, not the area's path: a team's year rows keep the path of its latest report, which
        # after a merge may be its former commune's.
        scores = scoring.score_teams(refs, period, weights, today=on) if refs else []
        _add(parts, refs, scores, villages, _totals(Q(area_path=area), period))
        _add_adoption(
            parts, Q(team__unit=province) if area == province_path else Q(team__unit__path__startswith=area)
        )
        parts.setdefault(area, AreaPart())
    return parts


def compute_country(period: scoring.Period, on: datetime.date) -> dict[str, AreaPart]:
    """The parts of every area of the country from one pass over it, each province's teams scored with its
    own weights (the teams of the provinces that weigh alike, in one scoring). After a bulk load, a restart
    or the hourly age-out, the country's page computes everything: one whole-province pass after another
    took 3.7 s at scale 1.0, one pass over the country 2.75 s (bench/dashboard.py measures it)."""
    units, villages = selectors._subtree(stamps.EVERYTHING, on)
    refs = scoring.team_refs(Team.objects.all(), on, units=units)
    own_weights = {
        f"/{code}/": values
        for code, *values in ScoreWeights.objects.values_list("unit__code", *scoring.SETTINGS)
    }
    default = tuple(scoring.default_settings()[name] for name in scoring.SETTINGS)
    groups: dict[tuple, tuple[set, list]] = {}
    for ref in refs:
        province = _province_of(ref.unit.path)
        provinces, listed = groups.setdefault(tuple(own_weights.get(province, default)), (set(), []))
        provinces.add(province)
        listed.append(ref)
    scores = []
    for weights, (provinces, listed) in groups.items():
        # One province's teams are read by its path; several provinces' by the country's (every row).
        path = next(iter(provinces)) if len(provinces) == 1 else stamps.EVERYTHING
        weighed = dict(zip(scoring.SETTINGS, weights, strict=True))
        scores.extend(scoring.score_teams(listed, period, weighed, today=on, path=path))
    parts: dict[str, AreaPart] = {}
    _add(parts, refs, scores, villages, _totals(Q(), period))
    _add_adoption(parts, Q())
    return parts


def _add_adoption(parts: dict, where: Q) -> None:
    """Members with an account and who used tocns lately, per area: one grouped query. Logins do not touch
    the stamps, so "used in the last 30 days" is as old as the part (at most PARTS_MAX_AGE); accounts made
    or lost change their members' rows, which do."""
    from tocns.teams.accounts import adoption_rows
    from tocns.teams.models import Member, TeamStatus

    members = Member.objects.current().filter(where, team__status=TeamStatus.ACTIVE)
    for path, n, accounts, active in adoption_rows(members):
        area = stamps.area_key(path)
        part = parts.get(area)
        if part is None:
            part = parts[area] = AreaPart()
        sums = part.adoption
        sums[0] += n
        sums[1] += accounts
        sums[2] += active


def _totals(where: Q, period: scoring.Period) -> tuple:
    """The per-commune totals of the period: (area, month, reports, people) and (area, service, guided,
    completed) rows."""
    in_period = Q(month__gte=period.start, month__lte=period.end)
    months = (
        AreaMonth.objects.filter(where, in_period)
        .values_list("area_path", "month")
        .annotate(n=Sum("reports"), p=Sum("people"))
        .order_by()
    )
    outcomes = (
        AreaMonthOutcome.objects.filter(where, in_period)
        .values_list("area_path", "service_id")
        .annotate(g=Sum("guided"), c=Sum("completed"))
        .order_by()
    )
    return months, outcomes


def _add(parts: dict, refs, scores, villages, totals) -> None:
    """Share out a computation's figures to the parts of the areas they fall in."""

    def part(path: str) -> AreaPart:
        area = stamps.area_key(path)
        found = parts.get(area)
        if found is None:
            found = parts[area] = AreaPart()
        return found

    months, outcomes = totals
    for area, month, reports, people in months:
        entry = part(area)
        entry.months[month] = entry.months.get(month, 0) + (reports or 0)
        entry.people += people or 0
    for area, service_id, guided, completed in outcomes:
        sums = part(area).services.setdefault(service_id, [0, 0])
        sums[0] += guided or 0
        sums[1] += completed or 0
    covered = {ref.unit.path for ref in refs}
    for path in villages:
        coverage = part(path).coverage
        coverage["villages"] += 1
        coverage["villages_with_team"] += path in covered
    for ref in refs:
        coverage, crew = part(ref.unit.path).coverage, ref.crew
        coverage["active_teams"] += 1
        coverage["teams_without_leader"] += not crew.leaders
        coverage["members"] += crew.n
        coverage["members_with_birth_year"] += crew.born
        coverage["members_under_35"] += crew.young
        coverage["members_with_smartphone"] += crew.phones
    follow: dict[str, list] = {}
    for score in scores:
        entry = part(score.team.unit.path)
        entry.classes[score.klass] += 1
        entry.effective += score.klass == scoring.EFFECTIVE
        entry.paper += score.klass == scoring.PAPER
        if score.klass in scoring.FOLLOW_UP:
            follow.setdefault(stamps.area_key(score.team.unit.path), []).append(score)
    for area, listed in follow.items():
        parts[area].follow_count += len(listed)
        parts[area].follow_up = sorted([*parts[area].follow_up, *listed], key=selectors.follow_up_key)


def dashboard(unit: Unit | None, period, teams, *, targets: dict | None = None, kept: bool = False):
    """The dashboard of a unit for a period (see selectors.build). ``kept``: the viewer sees every team
    under the unit, so a province's or the country's dashboard is summed from the per-commune parts kept
    between requests (the same figures)."""
    if kept and selectors.children_by_area(unit):
        return board(unit, period, timezone.localdate(), targets or {})
    return selectors.build(unit, period, teams, targets=targets)


def board(
    unit: Unit | None, period: scoring.Period, on: datetime.date, targets: dict
) -> "selectors.Dashboard":
    """The dashboard of a province (or the country, None) summed from its areas' parts: the same figures as
    selectors.build gives for a viewer who sees every team under the unit.

    The dashboard is kept under every stamp of the unit (a changed area changes one of them; an area never
    touched has none, and a unit added or changed touches its own), the period, the day and the targets:
    while none changes, a page reads the stamps and takes it, with rows of its own (the view writes each
    row's link). When some changed, the sums it was made from (a ``Summed``) are brought up to date by the
    difference of the areas whose stamps changed: a report anywhere in the country costs its commune's part
    and that part's difference, not the re-adding of 3,355 communes."""
    tokens = stamps.stamps_under(unit.path if unit is not None else stamps.EVERYTHING)
    slot = ("board", unit.pk if unit is not None else None, period.code, on)
    version = (frozenset(tokens.items()), frozenset(targets.items()))
    made = KEPT.get_many({slot: version}).get(slot)
    if made is None:
        made = _dashboard(unit, period, on, targets, summed(unit, period, on, tokens))
        KEPT.put_many({slot: (version, made)})
    return dataclasses.replace(made, children=[dataclasses.replace(row) for row in made.children])


ROW_FIELDS = (
    "reports",
    "people",
    "completed",
    "teams",
    "effective",
    "paper",
    "members",
    "accounts",
    "active",
    "villages",
    "villages_with_team",
)


def _row_figures(part: AreaPart) -> tuple:
    """What an area adds to its row, in ROW_FIELDS order."""
    coverage = part.coverage
    return (
        part.reports,
        part.people,
        part.completed,
        part.teams,
        part.effective,
        part.paper,
        *part.adoption,
        coverage["villages"],
        coverage["villages_with_team"],
    )


class Summed:
    """A unit's figures summed from its areas' parts, with the parts and the stamps' tokens they were
    summed under. Never changed once kept: ``updated`` makes a new one (pages read it from other threads).
    ``rows``: {the unit's child an area falls under (None: the unit itself): [figures in ROW_FIELDS
    order]}; ``follow``: every kept team to follow up, as (selectors.follow_up_key, area, score), sorted."""

    __slots__ = (
        "made",
        "tokens",
        "parts",
        "months",
        "services",
        "classes",
        "coverage",
        "people",
        "follow_count",
        "adoption",
        "rows",
        "follow",
    )

    def __init__(self, tokens: dict):
        self.made = time.monotonic()  # when summed from scratch: the parts' age, against PARTS_MAX_AGE
        self.tokens = tokens
        self.parts: dict[str, AreaPart] = {}
        self.months: dict[datetime.date, int] = {}
        self.services: dict[int, list[int]] = {}
        self.classes = dict.fromkeys(scoring.CLASS_ORDER, 0)
        self.coverage = dict.fromkeys(COVERAGE_FIELDS, 0)
        self.people = self.follow_count = 0
        self.adoption = [0, 0, 0]
        self.rows: dict[str | None, list[int]] = {}
        self.follow: list[tuple] = []

    def copy(self, tokens: dict) -> "Summed":
        new = Summed(tokens)
        new.made = self.made
        new.parts = dict(self.parts)
        new.months, new.services = dict(self.months), {k: list(v) for k, v in self.services.items()}
        new.classes, new.coverage = dict(self.classes), dict(self.coverage)
        new.people, new.follow_count, new.adoption = self.people, self.follow_count, list(self.adoption)
        new.rows = {k: list(v) for k, v in self.rows.items()}
        new.follow = self.follow
        return new

    def add(self, area: str, part: AreaPart, base: str, sign: int = 1) -> None:
        """Add an area's part to the sums (sign -1: take it out); the teams to follow up apart (follow)."""
        for month, n in part.months.items():
            self.months[month] = self.months.get(month, 0) + sign * n
        for service_id, (guided, completed) in part.services.items():
            sums = self.services.setdefault(service_id, [0, 0])
            sums[0] += sign * guided
            sums[1] += sign * completed
        for klass, n in part.classes.items():
            self.classes[klass] += sign * n
        for name, n in part.coverage.items():
            self.coverage[name] += sign * n
        for i, n in enumerate(part.adoption):
            self.adoption[i] += sign * n
        self.people += sign * part.people
        self.follow_count += sign * part.follow_count
        row = self.rows.setdefault(child_of(area, base), [0] * len(ROW_FIELDS))
        for i, n in enumerate(_row_figures(part)):
            row[i] += sign * n

    def follow_areas(self, old: dict, new: dict) -> None:
        """The teams to follow up with those of the areas in ``old`` (their parts as they were) taken out and
        those of ``new`` (the areas' new parts) put in, each at its place: the list stays sorted, and an
        area's difference costs its own teams, not a sort of the country's."""
        follow = list(self.follow)
        for area, part in old.items():
            for score in part.follow_up:
                at = bisect.bisect_left(follow, (selectors.follow_up_key(score),))
                if at < len(follow) and follow[at][1] == area and follow[at][2] is score:
                    del follow[at]
        for area, part in new.items():
            for score in part.follow_up:
                bisect.insort(follow, (selectors.follow_up_key(score), area, score))
        self.follow = follow


class Following(Sequence):
    """The teams to follow up of a Summed, read-only and in order, without copying its list of them (the
    country's holds tens of thousands; the page shows ten)."""

    __slots__ = ("_entries",)

    def __init__(self, entries: list):
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [entry[2] for entry in self._entries[index]]
        return self._entries[index][2]


def _areas_changed(old: dict, new: dict) -> set[str]:
    """The stamps whose tokens differ (added, changed or gone) between two reads."""
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def summed(unit: Unit | None, period: scoring.Period, on: datetime.date, tokens: dict) -> Summed:
    """The unit's sums under these tokens: the kept ones brought up to date by the areas that changed, or
    summed from scratch (the first time, after the country's stamp changed, or when the parts they hold are
    older than PARTS_MAX_AGE)."""
    base = unit.path if unit is not None else stamps.EVERYTHING
    slot = ("sums", unit.pk if unit is not None else None, period.code, on)
    old = KEPT.get_many({slot: None}).get(slot)
    changed = _areas_changed(old.tokens, tokens) if old is not None else {stamps.EVERYTHING}
    if old is not None and not changed:
        return old
    if (
        old is None
        or stamps.EVERYTHING in changed
        or base in changed
        or time.monotonic() - old.made > KEPT.max_age
    ):
        new = _from_scratch(unit, period, on, tokens)
    else:
        new = _by_difference(old, unit, period, on, tokens, changed)
    KEPT.put_many({slot: (None, new)})
    return new


def _from_scratch(unit: Unit | None, period, on, tokens: dict) -> Summed:
    everyone = list(Unit.objects.filter(parent=unit) if unit else Unit.objects.filter(parent__isnull=True))
    parts = parts_for(unit, period, on, tokens, everyone)
    base = unit.path if unit is not None else stamps.EVERYTHING
    new = Summed(tokens)
    for area, part in parts.items():
        new.add(area, part, base)
    new.parts = parts
    new.follow = sorted(
        ((selectors.follow_up_key(s), area, s) for area, part in parts.items() for s in part.follow_up),
        key=lambda entry: entry[0],
    )
    return new


def _by_difference(old: Summed, unit: Unit | None, period, on, tokens: dict, changed: set[str]) -> Summed:
    """``old`` with the parts of the areas whose stamps changed (a province's stamp: every area of it)
    taken out and their new parts added."""
    base = unit.path if unit is not None else stamps.EVERYTHING
    provinces = {key for key in changed if key.count("/") == 2}
    listed = {key for key in changed if key.count("/") == 3 and key.startswith(base)}
    if provinces:  # a province's stamp: every area of it (only then are all the areas looked through)
        listed.update(area for area in old.parts if _province_of(area) in provinces)
    areas: dict[str, list[str]] = {}
    for area in sorted(listed):
        areas.setdefault(_province_of(area), []).append(area)
    for province in provinces:  # a province's own teams are an area of it
        if province.startswith(base):
            areas.setdefault(province, [])
            if province not in areas[province]:
                areas[province].append(province)
    fresh = _parts_of(areas, period, on, tokens, None)
    new = old.copy(tokens)
    gone = {area: old.parts[area] for area in fresh if area in old.parts}
    for area, part in gone.items():
        new.add(area, part, base, -1)
    for area, part in fresh.items():
        new.add(area, part, base)
        new.parts[area] = part
    new.follow_areas(gone, fresh)
    return new


def _dashboard(
    unit: Unit | None, period: scoring.Period, on: datetime.date, targets: dict, sums: Summed
) -> "selectors.Dashboard":
    """The dashboard of the unit from its sums, its children's rows named and ranked."""
    everyone = list(
        (Unit.objects.filter(parent=unit) if unit else Unit.objects.filter(parent__isnull=True)).order_by(
            *vi_order("name")
        )
    )
    children = [child for child in everyone if valid_on(child.valid_from, child.valid_to, on)]
    rows = {c.path: selectors.ChildRow(unit=c, label=c.name) for c in children}
    own = selectors.ChildRow(unit=None, label="")
    former: dict | None = None
    for child, figures in sums.rows.items():
        row = rows.get(child or "")
        if row is None:
            if child is None:
                row = own
            else:
                if former is None:  # read once, and only when an area falls under a former child
                    former = selectors._former_children(unit)
                row = former.get(child, own)
        values = dict(zip(ROW_FIELDS, figures, strict=True))
        if row.unit is None:  # villages are counted for current children only
            values.pop("villages"), values.pop("villages_with_team")
        for name, n in values.items():
            setattr(row, name, getattr(row, name) + n)
    services = sums.services
    dashboard = selectors.Dashboard(
        unit=unit,
        period=period,
        coverage=team_selectors.Coverage(**sums.coverage),
        months=[(m, sums.months.get(m, 0)) for m in period.months()],
        services=[
            selectors.ServiceFigure(s, *services.get(s.pk, (0, 0)), targets.get(s.pk))
            for s in DigitalService.objects.all()
            if s.pk in services or s.pk in targets or s.retired_on is None
        ],
        reports=sum(sums.months.values()),
        people=sums.people,
        classes=[(k, str(scoring.CLASS_LABELS[k]), sums.classes[k]) for k in scoring.CLASS_ORDER],
        follow_up=Following(sums.follow),
        follow_up_count=sums.follow_count,
        adoption=Adoption(*sums.adoption),
        # The country's page mixes provinces' grace periods: it names the default.
        grace_days=scoring.weights_for(unit)["grace_days"] if unit is not None else scoring.GRACE_DAYS,
    )
    dashboard.children = selectors._ranked(unit, rows, former, own)
    return dashboard
