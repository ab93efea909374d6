"""Reads on training: a member's skill profile and training coverage per unit. Callers pass members
already scoped by teams.scope.members_for."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from tocns.core.queries import vi_order
from tocns.teams.models import Member, TeamStatus
from tocns.units.models import Unit
from tocns.units.paths import child_of

from .models import Certificate, Enrolment, QuizAttempt, SelfAssessment, SkillArea


@dataclass
class AreaSkill:
    area: str
    label: str
    self_level: int | None
    trained: bool
    quiz_passed: bool
    certificates: list


def skill_profile(member) -> list[AreaSkill]:
    """Per area: what the member says (1–4) and what classes, quizzes and certificates confirm."""
    levels = dict(SelfAssessment.objects.filter(member=member).values_list("area", "level"))
    trained = set(
        Enrolment.objects.filter(member=member, attended=True).values_list("session__course__area", flat=True)
    )
    passed = set(
        QuizAttempt.objects.filter(member=member, passed=True).values_list("course__area", flat=True)
    )
    certificates: dict[str, list] = {}
    for certificate in Certificate.objects.filter(member=member, revoked_at__isnull=True).select_related(
        "course"
    ):
        certificates.setdefault(certificate.course.area, []).append(certificate)
    return [
        AreaSkill(
            area=area,
            label=str(label),
            self_level=levels.get(area),
            trained=area in trained,
            quiz_passed=area in passed,
            certificates=certificates.get(area, []),
        )
        for area, label in SkillArea.choices
    ]


def trained_q(area: str | None = None) -> Exists:
    """Members who attended at least one class (of the area, when given)."""
    attended = Enrolment.objects.filter(member=OuterRef("pk"), attended=True)
    if area:
        attended = attended.filter(session__course__area=area)
    return Exists(attended)


@dataclass
class Coverage:
    members: int
    trained: int
    by_area: list[tuple[str, str, int]]

    @property
    def share(self) -> float:
        return self.trained / self.members if self.members else 0.0


def coverage(members) -> Coverage:
    """Share of current members trained (``Member.trained``, kept by mark_attendance), overall and per
    area (members who attended a class of the area, counted once each): two queries. The flag, not a
    lookup of every member's enrolments: a province's page took 170 ms to count that way."""
    current = members.current()
    totals = current.aggregate(total=Count("pk"), trained=Count("pk", filter=Q(trained=True)))
    by_area = dict(
        Enrolment.objects.filter(attended=True, member__in=current.values("pk"))
        .values("session__course__area")
        .annotate(n=Count("member", distinct=True))
        .values_list("session__course__area", "n")
        .order_by()
    )
    return Coverage(
        members=totals["total"],
        trained=totals["trained"],
        by_area=[(area, str(label), by_area.get(area, 0)) for area, label in SkillArea.choices],
    )


def needing_training(members):
    """Current members who have not attended any class yet, team by team."""
    return (
        members.current()
        .filter(trained=False)
        .select_related("team", "team__unit")
        .order_by("team__unit__path", "team__name", "full_name")
    )


@dataclass
class ChildCoverage:
    unit: Unit
    members: int
    trained: int

    @property
    def share(self) -> float:
        return self.trained / self.members if self.members else 0.0


def coverage_by_child(unit: Unit, members) -> list[ChildCoverage]:
    """For a province: per commune, current members and those trained; two grouped queries."""
    from django.db.models import Count

    children = list(Unit.objects.filter(parent=unit).current().order_by(*vi_order("name")))
    rows = (
        members.current()
        .filter(team__unit__path__startswith=unit.path)
        .values("team__unit__path")
        .annotate(total=Count("pk"), trained=Count("pk", filter=Q(trained=True)))
    )
    totals: dict[str, list[int]] = {}
    for row in rows:
        key = child_of(row["team__unit__path"], unit.path)
        if key is None:
            continue  # teams attached to the unit itself
        entry = totals.setdefault(key, [0, 0])
        entry[0] += row["total"]
        entry[1] += row["trained"]
    return [ChildCoverage(child, *totals.get(child.path, [0, 0])) for child in children]


@dataclass
class PeriodTraining:
    """Training of the members of the teams under a unit in a period, for the unit's report."""

    sessions: int  # classes held in the period that members under the unit attended
    attendances: int  # a member at two classes counts twice
    members_trained: int  # members who attended at least one class in the period
    certificates: int  # issued in the period and not revoked
    coverage: Coverage  # current members, and those trained at any time


def period_training(path: str, start, end) -> PeriodTraining:
    """Three grouped queries whatever the number of members."""
    members = Member.objects.filter(team__unit__path__startswith=path, team__status=TeamStatus.ACTIVE)
    attended = Enrolment.objects.filter(
        attended=True,
        session__date__gte=start,
        session__date__lte=end,
        member__team__unit__path__startswith=path,
    )
    counts = attended.aggregate(
        sessions=Count("session", distinct=True),
        attendances=Count("pk"),
        members=Count("member", distinct=True),
    )
    certificates = Certificate.objects.filter(
        member__team__unit__path__startswith=path,
        issued_at__date__gte=start,
        issued_at__date__lte=end,
        revoked_at__isnull=True,
    ).count()
    return PeriodTraining(
        sessions=counts["sessions"],
        attendances=counts["attendances"],
        members_trained=counts["members"],
        certificates=certificates,
        coverage=coverage(members),
    )
