"""Synthetic national data for load tests and benchmarks (``manage.py generate_national --scale N``).

What scale 1.0 is - every count below scales linearly with N, the official list excepted:

* the 34 provinces and 3,321 communes of the official list (``load_official_units`` when missing);
* 30 villages a commune, 99,630 in all: synthetic (``is_synthetic``, "(mô phỏng)" in the name, 40-300
  households). 30·N a commune, rounded at random to an integer either side, so the total stays linear;
  below N = 1/30 that is one village in a share 30·N of the communes, and a province left without any
  gets one in a commune, so every province has data however small the scale;
* a team in 4 villages out of 5 (~79,700 teams), 3-7 members each, 5 on average (~398,500 members);
* training: 1-2 classes in each commune with teams, about 40 % of members enrolled, 85 % of them present
  (the capacity part of the team score reads it);
* 52 weeks of reports up to today, the mix of demo.py: 55 % of teams report regularly (85 % of weeks,
  1-3 reports in such a week), 25 % now and then (3-20 reports, none in the last 20 days), 20 % exist
  only on paper: ~51.5 reports a team, ~4.1 million activities; each with 2 or 3 distinct services
  (2.5 on average), ~10.3 million outcomes, completed <= guided;
* the running totals (activities.models) built from those rows with INSERT ... SELECT ... GROUP BY, which
  gives what ``activities.totals.rebuild()`` gives (the test compares them). Measured on PostgreSQL at scale
  0.1: 14.5 s here, 57.5 s and 0.95 GB of memory for rebuild(), which grows with the rows (its Python
  loop holds every team-month-service row: 4.6 million at 1.0); ``totals="rebuild"`` calls it instead.

Scale 1.0 on PostgreSQL (2 CPUs): 23.2 million rows in about 6 minutes, 220 MB of memory.

Not generated: activity participants, photos, users, quizzes and certificates (no dashboard reads them).

Rows are written in bulk, one transaction per table: generated into a temporary spool file in
PostgreSQL's COPY text format, then ``COPY ... FROM STDIN`` (psycopg 3) on PostgreSQL, ``executemany``
on SQLite. Columns not generated get the model field's default, so a field added later with a default
needs no change here. New rows are found again by id above the largest id before the insert."""

import dataclasses
import datetime
import decimal
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from tocns.activities import totals
from tocns.activities.models import (
    Activity,
    AreaMonth,
    AreaMonthOutcome,
    Outcome,
    TeamLastReport,
    TeamMonth,
    TeamMonthOutcome,
    TeamWeek,
    TeamYear,
    TeamYearOutcome,
)
from tocns.catalogue.models import DigitalService
from tocns.core import stamps
from tocns.core.text import fold
from tocns.startup import national_totals
from tocns.startup.demo import _FAMILY, _FIRST, _GIVEN, _KIND_WEIGHTS, _PREFIX, _SECOND, _SERVICE_WEIGHTS
from tocns.teams.models import Affiliation, Member, MemberRole, Team
from tocns.training.models import Course, Enrolment, Session
from tocns.units.models import Unit, UnitKind
from tocns.units.services import load_official_units, village_code

# Scale 1.0. The expected figures per scale are in expected().
VILLAGES_PER_COMMUNE = 30
TEAM_SHARE = 0.8
TEAM_SIZE = (3, 7)
REGULAR, OCCASIONAL = 0.55, 0.25  # the rest: teams only on paper
WEEKS = 52
REGULAR_WEEK_SHARE = 0.85
REGULAR_PER_WEEK = (1, 3)
OCCASIONAL_REPORTS = (3, 20)
OCCASIONAL_QUIET_DAYS = 20
SERVICES_PER_REPORT = (2, 3)
ENROLLED_SHARE, PRESENT_SHARE = 0.4, 0.85

NULL = "\\N"  # COPY's text format for NULL; the SQLite loader turns it into None


def activity_ids():
    """Version-4 UUIDs in increasing order: 32 bits random for the run, a 28-bit counter around the version
    nibble, 62 random bits. Phones make random uuid4s one report at a time; loading millions in random
    order would scatter every insert over the id indexes (2x slower at scale 0.1, worse above), while in
    order they append. A second run starts from another random prefix, so ids never repeat (up to 2**28
    reports a run: scale 65)."""
    bits = random.Random(os.urandom(16)).getrandbits
    prefix = bits(32) << 96
    counter = 0
    while True:
        yield (
            f"{prefix | (counter >> 12) << 80 | 0x4 << 76 | (counter & 0xFFF) << 64 | 0x2 << 62 | bits(62):032x}"
        )
        counter += 1


class Refused(Exception):
    """The database holds real teams and the caller did not insist."""


def expected(scale: float, communes: int = 3321) -> dict[str, float]:
    """Expected row counts at a scale (on the full official list), as documented above."""
    villages = VILLAGES_PER_COMMUNE * communes * scale
    teams = villages * TEAM_SHARE
    per_team = (
        REGULAR * WEEKS * REGULAR_WEEK_SHARE * sum(REGULAR_PER_WEEK) / 2
        + OCCASIONAL * sum(OCCASIONAL_REPORTS) / 2
    )
    activities = teams * per_team
    return {
        "villages": villages,
        "teams": teams,
        "members": teams * sum(TEAM_SIZE) / 2,
        "activities": activities,
        "outcomes": activities * sum(SERVICES_PER_REPORT) / 2,
    }


@dataclasses.dataclass
class Step:
    table: str
    rows: int
    seconds: float

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds > 0 else 0
        return f"{self.table:<26} {self.rows:>12,} rows {self.seconds:>8.1f} s {rate:>12,.0f} rows/s"


# --- writing rows in bulk ----------------------------------------------------------------------------------


def _copy_text(value) -> str:
    """A prepared database value in COPY's text format (SQLite's affinities read the same text)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ")
    if isinstance(value, int | float | decimal.Decimal | datetime.date | uuid.UUID):
        return str(value)
    if isinstance(value, str):
        if any(c in value for c in "\t\n\r\\"):
            raise ValueError(f"no escaping here: {value!r}")
        return value
    raise TypeError(f"cannot write {type(value).__name__} in bulk")


class Spool:
    """Rows of one table, written to a temporary file as COPY text: the generated columns, then every other
    column with its field's default (created_at/updated_at: now)."""

    def __init__(self, model, columns: list[str]):
        self.model = model
        self.columns = list(columns)
        now = timezone.now()
        self.rest = []
        suffix = []
        for field in model._meta.concrete_fields:
            if (
                field.column in columns
                or field.primary_key
                and field.get_internal_type().endswith("AutoField")
            ):
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            self.rest.append(field.column)
            suffix.append(_copy_text(field.get_db_prep_save(value, connection)))
        self.suffix = "".join("\t" + text for text in suffix) + "\n"
        # Open past this method: written by add(), read and closed by load().
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115
        self.rows = 0

    def add(self, *values) -> None:
        self.file.write("\t".join(map(str, values)) + self.suffix)
        self.rows += 1

    def load(self) -> int:
        """Insert every row in one transaction; returns the row count."""
        self.file.flush()
        self.file.seek(0)
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns + self.rest)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    while block := self.file.read(1 << 20):
                        copy.write(block)
            else:
                marks = ", ".join(["%s"] * (len(self.columns) + len(self.rest)))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                batch = []
                for line in self.file:
                    batch.append([None if v == NULL else v for v in line[:-1].split("\t")])
                    if len(batch) == 20000:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
        self.file.close()
        return self.rows


def _phone_numbers(start: int):
    """09xxxxxxxx numbers, unique per generated member (from its future id), "" for every tenth."""
    n = start
    while True:
        n += 1
        yield "" if n % 10 == 0 else f"09{n % 100_000_000:08d}"


def _max_id(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- the generator -----------------------------------------------------------------------------------------


class Generator:
    def __init__(self, *, scale: float, seed: int, log: Callable[[str], None], today: datetime.date | None):
        if scale <= 0:
            raise ValueError("scale must be > 0")
        self.scale = scale
        self.rng = random.Random(seed)
        self.log = log
        self.today = today or timezone.localdate()
        self.steps: list[Step] = []

    def timed(self, table: str, work: Callable[[], int]) -> int:
        start = time.perf_counter()
        rows = work()
        step = Step(table, rows, time.perf_counter() - start)
        self.steps.append(step)
        self.log(step.line())
        return rows

    # Units ------------------------------------------------------------------------------------------------

    def villages(self) -> list[tuple[int, int, str, int]]:
        """New synthetic villages; returns (id, commune id, path, households) of each."""
        rng = self.rng
        communes = list(
            Unit.objects.filter(kind=UnitKind.COMMUNE, is_official=True).current().order_by("code")
        )
        share = VILLAGES_PER_COMMUNE * self.scale
        whole, fraction = int(share), share - int(share)
        counts = {c.pk: whole + (rng.random() < fraction) for c in communes}
        by_province: dict[int, list[Unit]] = {}
        for commune in communes:
            by_province.setdefault(commune.parent_id, []).append(commune)
        for members in by_province.values():
            if not any(counts[c.pk] for c in members):
                counts[rng.choice(members).pk] = 1
        prefixes = {f"{c.code}-": c.pk for c in communes}
        last: dict[int, int] = {}
        for code in Unit.objects.filter(kind=UnitKind.VILLAGE).values_list("code", flat=True):
            head, _dash, number = code.rpartition("-")
            pk = prefixes.get(f"{head}-")
            if pk is not None and number.isdigit():
                last[pk] = max(last.get(pk, 0), int(number))
        spool = Spool(
            Unit,
            [
                "code",
                "name",
                "kind",
                "division_type",
                "parent_id",
                "path",
                "depth",
                "households",
                "is_synthetic",
                "search_name",
            ],
        )
        for commune in communes:
            names: set[str] = set()
            for number in range(
                last.get(commune.pk, 0) + 1, last.get(commune.pk, 0) + counts[commune.pk] + 1
            ):
                name = f"{rng.choice(_PREFIX)} {rng.choice(_FIRST)} {rng.choice(_SECOND)}"
                if name in names:
                    name = f"{name} {number}"
                names.add(name)
                code = village_code(commune, number)
                label = f"{name} (mô phỏng)"
                spool.add(
                    code,
                    label,
                    UnitKind.VILLAGE.value,
                    "tổ dân phố" if name.startswith("Tổ") else name.split(" ")[0].lower(),
                    commune.pk,
                    f"{commune.path}{code}/",
                    commune.depth + 1,
                    rng.randint(40, 300),
                    1,
                    fold(label),
                )
        before = _max_id(Unit)
        self.timed("units (villages)", spool.load)
        return list(
            Unit.objects.filter(pk__gt=before, kind=UnitKind.VILLAGE, is_synthetic=True)
            .order_by("pk")
            .values_list("pk", "parent_id", "path", "households")
        )

    # Teams and members ------------------------------------------------------------------------------------

    def teams(self, villages) -> list[tuple[int, int, str]]:
        """A team in most new villages; returns (team id, commune id, unit path) of each."""
        rng = self.rng
        # Entered in tocns on their founding day: generated teams are as old as their decisions (a team
        # entered today would be "mới thành lập" for its first 60 days).
        spool = Spool(Team, ["unit_id", "name", "decision_number", "decision_date", "created_at"])
        entered = Team._meta.get_field("created_at")
        name_of = dict(Unit.objects.filter(pk__in=[v[0] for v in villages]).values_list("pk", "name"))
        chosen = set()
        for village_id, _commune, _path, _households in villages:
            if rng.random() >= TEAM_SHARE:
                continue
            chosen.add(village_id)
            number = f"{rng.randint(1, 300)}/QĐ-UBND (mô phỏng)"  # drawn first, as it always was
            founded = datetime.datetime(2023, rng.randint(1, 12), rng.randint(1, 28), 8, tzinfo=datetime.UTC)
            spool.add(
                village_id,
                f"Tổ CNS {name_of[village_id]}",
                number,
                founded.date().isoformat(),
                _copy_text(entered.get_db_prep_save(founded, connection)),
            )
        before = _max_id(Team)
        self.timed("teams", spool.load)
        where = {v[0]: (v[1], v[2]) for v in villages}
        return [
            (pk, *where[unit_id])
            for pk, unit_id in Team.objects.filter(pk__gt=before).order_by("pk").values_list("pk", "unit_id")
            if unit_id in chosen
        ]

    def members(self, teams) -> list[tuple[int, int]]:
        """3-7 members a team; returns (member id, team id) of each."""
        rng = self.rng
        spool = Spool(
            Member,
            [
                "team_id",
                "full_name",
                "gender",
                "birth_year",
                "role",
                "affiliation",
                "has_smartphone",
                "skill_level",
                "joined_on",
                "phone",
            ],
        )
        # Phones as rosters have them: one each, unique across the country, and every tenth member without
        # one (older members with no phone of their own). From a counter, not the random stream, so every
        # other generated figure stays what it was.
        phones = _phone_numbers(_max_id(Member))
        affiliations = list(Affiliation.values)
        joined = [(self.today - datetime.timedelta(days=d)).isoformat() for d in range(30, 901)]
        for team_id, _commune, _path in teams:
            has_leader = rng.random() > 0.1
            for index in range(rng.randint(*TEAM_SIZE)):
                given = rng.choice(_GIVEN)
                spool.add(
                    team_id,
                    f"{rng.choice(_FAMILY)} {given} (mô phỏng)",
                    "female" if "Thị" in given else "male",
                    rng.randint(1960, 2004),
                    MemberRole.LEADER if index == 0 and has_leader else MemberRole.MEMBER,
                    Affiliation.VILLAGE_HEAD if index == 0 else rng.choice(affiliations),
                    int(rng.random() < 0.75),
                    rng.randint(1, 4),
                    rng.choice(joined),
                    next(phones),
                )
        before = _max_id(Member)
        self.timed("members", spool.load)
        ours = {t[0] for t in teams}
        return [
            row
            for row in Member.objects.filter(pk__gt=before).order_by("pk").values_list("pk", "team_id")
            if row[1] in ours
        ]

    def training(self, teams, members) -> None:
        """Classes per commune and who enrolled (skipped when no course is loaded, as in demo.py)."""
        rng = self.rng
        courses = list(Course.objects.order_by("pk").values_list("pk", flat=True))
        if not courses:
            self.log("training                   skipped: no courses (manage.py load_courses)")
            return
        commune_of = {t[0]: t[1] for t in teams}
        people: dict[int, list[int]] = {}
        for member_id, team_id in members:
            people.setdefault(commune_of[team_id], []).append(member_id)
        paths = dict(Unit.objects.filter(pk__in=list(people)).values_list("pk", "path"))
        sessions = Spool(
            Session, ["course_id", "unit_id", "unit_path", "date", "place", "trainer", "capacity"]
        )
        planned = []  # (commune, members) per session, in spool order
        for commune_id in sorted(people):
            pool = [m for m in people[commune_id] if rng.random() < ENROLLED_SHARE]
            for course in rng.sample(courses, k=min(len(courses), rng.randint(1, 2))):
                if not pool:
                    break
                sessions.add(
                    course,
                    commune_id,
                    paths[commune_id],
                    (self.today - datetime.timedelta(days=rng.randint(10, 180))).isoformat(),
                    "Hội trường UBND xã (mô phỏng)",
                    "Cán bộ Sở KH&CN (mô phỏng)",
                    max(40, len(pool)),
                )
                planned.append(pool)
                pool = [m for m in pool if rng.random() < 0.3]
        before = _max_id(Session)
        self.timed("training sessions", sessions.load)
        ids = list(Session.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
        enrolments = Spool(Enrolment, ["session_id", "member_id", "attended"])
        for session_id, pool in zip(ids, planned, strict=True):
            for member_id in pool:
                enrolments.add(session_id, member_id, int(rng.random() < PRESENT_SHARE))
        self.timed("enrolments", enrolments.load)
        from tocns.training.services import sync_trained

        attended = Enrolment.objects.filter(session_id__in=ids, attended=True).values("member_id")
        self.timed("members trained (flag)", lambda: sync_trained(attended))

    # Activities and outcomes ------------------------------------------------------------------------------

    def activities(self, teams, villages) -> None:
        rng = self.rng
        random_, randint = rng.random, rng.randint
        next_id = activity_ids().__next__
        services = dict(
            DigitalService.objects.in_use().filter(code__in=_SERVICE_WEIGHTS).values_list("code", "pk")
        )
        if len(services) < SERVICES_PER_REPORT[1]:
            raise RuntimeError("the digital service catalogue is missing (migrate fills it)")
        service_pool = [pk for code, pk in services.items() for _ in range(_SERVICE_WEIGHTS[code])]
        kind_pool = [kind.value for kind, weight in _KIND_WEIGHTS.items() for _ in range(weight)]
        hours = ["1", "1.5", "2", "2.5", "3", "4"]
        first = self.today - datetime.timedelta(days=7 * WEEKS - 1)
        days = [(first + datetime.timedelta(days=i)).isoformat() for i in range(7 * WEEKS)]
        last_day = len(days) - 1
        village_of = {}
        team_units = dict(Team.objects.filter(pk__in=[t[0] for t in teams]).values_list("pk", "unit_id"))
        for team_id, _commune, path in teams:
            village_of[team_id] = (team_units[team_id], path)
        activities = Spool(
            Activity,
            [
                "id",
                "team_id",
                "unit_path",
                "village_id",
                "date",
                "kind",
                "people_reached",
                "households_reached",
                "hours",
                "note",
            ],
        )
        outcomes = Spool(Outcome, ["activity_id", "service_id", "guided", "completed"])
        n_services, n_kinds = len(service_pool), len(kind_pool)
        add_activity, add_outcome = activities.add, outcomes.add
        start = time.perf_counter()
        for team_id, _commune, path in teams:
            village_id = village_of[team_id][0]
            profile = random_()
            if profile < REGULAR:
                dates = [
                    7 * week + randint(0, 6)
                    for week in range(WEEKS)
                    if random_() < REGULAR_WEEK_SHARE
                    for _ in range(randint(*REGULAR_PER_WEEK))
                ]
            elif profile < REGULAR + OCCASIONAL:
                dates = [
                    last_day - randint(OCCASIONAL_QUIET_DAYS, last_day)
                    for _ in range(randint(*OCCASIONAL_REPORTS))
                ]
            else:
                continue
            for day in dates:
                activity_id = next_id()
                chosen: list[int] = []
                wanted = SERVICES_PER_REPORT[0] + (random_() < 0.5)
                while len(chosen) < wanted:
                    service = service_pool[int(random_() * n_services)]
                    if service not in chosen:
                        chosen.append(service)
                most = 0
                for service in chosen:
                    guided = randint(1, 15)
                    most = max(most, guided)
                    add_outcome(activity_id, service, guided, randint(0, guided))
                people = most + randint(0, 5)
                add_activity(
                    activity_id,
                    team_id,
                    path,
                    village_id,
                    days[day],
                    kind_pool[int(random_() * n_kinds)],
                    people,
                    max(1, people * 2 // 3),
                    hours[int(random_() * 6)],
                    "(mô phỏng)",
                )
        generated = time.perf_counter() - start
        self.log(
            f"{'(generated in Python)':<26} {activities.rows + outcomes.rows:>12,} rows {generated:>8.1f} s "
            f"{(activities.rows + outcomes.rows) / max(generated, 1e-9):>12,.0f} rows/s"
        )
        self.timed("activities", activities.load)
        self.timed("outcomes", outcomes.load)

    # Running totals ---------------------------------------------------------------------------------------

    def totals(self, how: str) -> None:
        stamps.touch_all()  # everything was bulk-loaded: no dashboard figure kept before holds
        if how == "rebuild":
            self.timed("totals: rebuild()", lambda: sum(totals.rebuild().values()))
            return
        national_totals.build_totals_in_sql(self.timed)

    def analyze(self) -> None:
        """PostgreSQL: fresh statistics (and visibility maps, outside a transaction) for what was loaded, as
        autovacuum would give them a minute later; the dashboards' query plans depend on them."""
        if connection.vendor != "postgresql":
            return
        models = [Unit, Team, Member, Session, Enrolment, Activity, Outcome]
        models += [TeamMonth, TeamYear, TeamMonthOutcome, TeamYearOutcome, AreaMonth, AreaMonthOutcome]
        models += [TeamWeek, TeamLastReport]
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"

        def run() -> int:
            with connection.cursor() as cursor:
                for model in models:
                    cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
            return len(models)

        self.timed(f"{command.lower()} (tables)", run)


def generate(
    *,
    scale: float,
    seed: int = 2026,
    force: bool = False,
    totals_by: str = "sql",
    log: Callable[[str], None] = print,
    today: datetime.date | None = None,
) -> list[Step]:
    """Add synthetic national data (see the module's docstring) and rebuild the running totals."""
    if not force and Team.objects.filter(unit__is_synthetic=False).exists():
        raise Refused(
            "the database has teams outside synthetic villages (real data?); pass --force to add to it anyway"
        )
    generator = Generator(scale=scale, seed=seed, log=log, today=today)
    if not Unit.objects.filter(kind=UnitKind.COMMUNE, is_official=True).exists():
        generator.timed("official units", lambda: load_official_units().created)
    villages = generator.villages()
    teams = generator.teams(villages)
    members = generator.members(teams)
    generator.training(teams, members)
    generator.activities(teams, villages)
    generator.totals(totals_by)
    generator.analyze()
    return generator.steps
