"""Demo data for a laptop: one real province (Lào Cai, its real communes) with synthetic villages and one
user per role. Every synthetic row is labelled is_synthetic and "(mô phỏng)" is never hidden."""

import datetime
import random
import secrets
import uuid
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tocns.accounts import services as account_services
from tocns.accounts.models import Role, User
from tocns.activities import totals
from tocns.activities.models import Activity, ActivityKind, Outcome
from tocns.catalogue.models import DigitalService
from tocns.core import stamps
from tocns.teams.models import Affiliation, Member, MemberRole, Team
from tocns.training.models import (
    Certificate,
    CertificateCounter,
    Course,
    Enrolment,
    QuizAttempt,
    SelfAssessment,
    Session,
    SkillArea,
)
from tocns.training.services import sync_trained
from tocns.units.models import Unit, UnitKind
from tocns.units.services import load_official_units, new_unit, village_code

DEMO_PROVINCE_CODE = "15"  # Lào Cai
DEMO_PASSWORD = "tocns-demo"
DEMO_COMMUNE_HINT = "muong khuong"

_FIRST = [
    "Na",
    "Nậm",
    "Pả",
    "Lũng",
    "Khe",
    "Sín",
    "Phìn",
    "Cốc",
    "Bản",
    "Làng",
    "Séo",
    "Ta",
    "Tả",
    "Mường",
    "Hồng",
]
_SECOND = [
    "Lang",
    "Chải",
    "Pồ",
    "Hạ",
    "Thượng",
    "Mồ",
    "Xuân",
    "Đồng",
    "Vàng",
    "Sen",
    "Lếch",
    "Cang",
    "Ngài",
    "Tiến",
]
_PREFIX = ["Thôn", "Bản", "Thôn", "Bản", "Tổ dân phố"]


def demo_users() -> list[tuple[str, str, str, str]]:
    """(username, phone, role label, where) for printing the logins."""
    rows = []
    for user in (
        User.objects.filter(username__startswith="demo.")
        .order_by("id")
        .prefetch_related("role_assignments__unit")
    ):
        for ra in user.role_assignments.all():
            rows.append(
                (
                    user.username,
                    user.phone or "",
                    ra.get_role_display(),
                    ra.unit.name if ra.unit else "Toàn quốc",
                )
            )
    return rows


@transaction.atomic
def seed_demo(*, villages_per_commune: tuple[int, int] = (8, 14), seed: int = 2026) -> dict:
    if not Unit.objects.filter(code=DEMO_PROVINCE_CODE).exists():
        load_official_units()
    rng = random.Random(seed)
    province = Unit.objects.get(code=DEMO_PROVINCE_CODE)
    communes = list(province.children.filter(kind=UnitKind.COMMUNE).order_by("code"))
    existing = set(Unit.objects.filter(parent__in=communes).values_list("parent_id", flat=True))
    villages = []
    for commune in communes:
        if commune.pk in existing:
            continue
        names: set[str] = set()
        for number in range(1, rng.randint(*villages_per_commune) + 1):
            name = f"{rng.choice(_PREFIX)} {rng.choice(_FIRST)} {rng.choice(_SECOND)}"
            while name in names:
                name = f"{name} {number}"
            names.add(name)
            villages.append(
                new_unit(
                    code=village_code(commune, number),
                    name=f"{name} (mô phỏng)",
                    kind=UnitKind.VILLAGE,
                    parent=commune,
                    division_type=name.split(" ")[0].lower() if not name.startswith("Tổ") else "tổ dân phố",
                    households=rng.randint(40, 260),
                    is_synthetic=True,
                )
            )
    Unit.objects.bulk_create(villages, batch_size=1000)

    teams_created = _seed_teams(rng, villages)

    commune = next((c for c in communes if DEMO_COMMUNE_HINT in c.search_name), communes[0])
    village = commune.children.filter(kind=UnitKind.VILLAGE).order_by("code").first()
    people = [
        ("demo.admin", "0900000001", "Quản trị hệ thống (mô phỏng)", Role.ADMIN, None),
        ("demo.tinh", "0900000002", "Cán bộ Sở KH&CN (mô phỏng)", Role.PROVINCE_OFFICER, province),
        ("demo.xa", "0900000003", "Cán bộ xã (mô phỏng)", Role.COMMUNE_OFFICER, commune),
        ("demo.totruong", "0900000004", "Tổ trưởng (mô phỏng)", Role.TEAM_LEADER, village),
        ("demo.thanhvien", "0900000005", "Thành viên tổ (mô phỏng)", Role.TEAM_MEMBER, village),
    ]
    # One Argon2 hash for the five: it is the same public password, and each hash costs ~0.17 s of make run.
    password = make_password(DEMO_PASSWORD)
    for username, phone, full_name, role, unit in people:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.create_user(
                actor=None, username=username, password=None, full_name=full_name, phone=phone
            )
            user.password = password
            user.save(update_fields=["password"])
        account_services.grant_role(actor=None, user=user, role=role, unit=unit)
        if role in (Role.TEAM_LEADER, Role.TEAM_MEMBER) and village is not None:
            _link_member(village, user, MemberRole.LEADER if role == Role.TEAM_LEADER else MemberRole.MEMBER)
    stamps.touch_all()  # bulk inserts send no signals: no dashboard figure kept before holds
    return {
        "villages": len(villages),
        "teams": teams_created,
        "commune": commune.name,
        "village": village.name if village else "",
    }


_FAMILY = ["Nguyễn", "Lò", "Giàng", "Vàng", "Sùng", "Hoàng", "Lý", "Đỗ", "Trần", "Thào", "Lù", "Phạm"]
_GIVEN = [
    "Văn Minh",
    "Thị Mai",
    "A Páo",
    "Thị Dung",
    "Seo Chứ",
    "Văn Tài",
    "Thị Hoa",
    "Mí Lử",
    "Văn Long",
    "Thị Lan",
]


def _seed_teams(rng: random.Random, villages: list[Unit]) -> int:
    """Most synthetic villages get a team of 4-9 synthetic people; some have none, some no leader, as in
    the field. Written in bulk: this is demo seeding by the system, not a change anybody made."""
    teams, members = [], []
    today = timezone.localdate()
    for village in villages:
        if rng.random() < 0.15:
            continue
        team = Team(
            unit_id=village.pk,
            name=f"Tổ CNS {village.name}",
            decision_number=f"{rng.randint(1, 300)}/QĐ-UBND (mô phỏng)",
            decision_date=datetime.date(2023, rng.randint(1, 12), rng.randint(1, 28)),
        )
        teams.append(team)
    Team.objects.bulk_create(teams, batch_size=1000)
    # Entered in tocns on their founding day (bulk_create stamps them now, which would make every team
    # without a report "mới thành lập" instead of "chỉ trên giấy"): one statement per founding day.
    by_day: dict[datetime.date, list[int]] = {}
    for team in teams:
        by_day.setdefault(team.decision_date, []).append(team.pk)
    for day, ids in by_day.items():
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
        Team.objects.filter(pk__in=ids).update(created_at=moment, updated_at=moment)
    affiliations = list(Affiliation.values)
    # Phones, so the demo's officers can make the roster's accounts: from 010 (a prefix no network uses any
    # more, so no real person is reached), one each, every eighth member without one. From a counter, not
    # the random stream: every other demo figure stays what it was.
    numbers = iter(range(1, 10**6))
    for team in teams:
        size = rng.randint(4, 9)
        has_leader = rng.random() > 0.1
        for index in range(size):
            members.append(
                Member(
                    team=team,
                    full_name=f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)} (mô phỏng)",
                    role=MemberRole.LEADER if index == 0 and has_leader else MemberRole.MEMBER,
                    affiliation=Affiliation.VILLAGE_HEAD if index == 0 else rng.choice(affiliations),
                    birth_year=rng.randint(1960, 2004),
                    has_smartphone=rng.random() < 0.75,
                    skill_level=rng.randint(1, 4),
                    joined_on=today - datetime.timedelta(days=rng.randint(30, 900)),
                    phone="" if (n := next(numbers)) % 8 == 0 else f"0100{n:06d}",
                )
            )
    Member.objects.bulk_create(members, batch_size=2000)
    _seed_activities(rng, teams, members, {v.pk: v.path for v in villages})
    _seed_training(rng, teams, members, villages)
    return len(teams)


# How often services come up in the field: VNeID and payments most, digital signatures rarely.
_SERVICE_WEIGHTS = {
    "vneid": 10,
    "public_services": 7,
    "cashless": 7,
    "online_safety": 5,
    "vssid": 4,
    "health_book": 4,
    "social_groups": 3,
    "ecommerce": 2,
    "digital_signature": 1,
    "other": 1,
}
_KIND_WEIGHTS = {
    ActivityKind.HOME_VISIT: 6,
    ActivityKind.MEETING: 3,
    ActivityKind.HELP_DESK: 2,
    ActivityKind.TRAINING: 1,
    ActivityKind.ONLINE: 1,
}


def _seed_activities(
    rng: random.Random, teams: list[Team], members: list[Member], paths: dict[int, str], weeks: int = 48
) -> int:
    """Most of a year of reports, shaped like the field: about half the teams report most weeks, a quarter
    now and then (often not in the last month), and the rest only exist on paper."""
    services = {s.code: s for s in DigitalService.objects.filter(code__in=_SERVICE_WEIGHTS)}
    codes, code_weights = list(services), [_SERVICE_WEIGHTS[c] for c in services]
    kinds, kind_weights = list(_KIND_WEIGHTS), list(_KIND_WEIGHTS.values())
    by_team: dict[int, list[Member]] = {}
    for member in members:
        by_team.setdefault(member.team_id, []).append(member)
    today = timezone.localdate()
    activities, outcomes, participants = [], [], []
    Through = Activity.participants.through
    for team in teams:
        profile = rng.random()
        if profile < 0.55:
            dates = [
                today - datetime.timedelta(days=7 * week + rng.randint(0, 6))
                for week in range(weeks)
                if rng.random() < 0.8
            ]
        elif profile < 0.8:
            dates = [
                today - datetime.timedelta(days=rng.randint(20, 7 * weeks)) for _ in range(rng.randint(1, 6))
            ]
        else:
            continue
        path = paths[team.unit_id]
        for date in dates:
            activity = Activity(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                team_id=team.pk,
                unit_path=path,
                village_id=team.unit_id,
                date=date,
                kind=rng.choices(kinds, kind_weights)[0],
                hours=Decimal(rng.choice([1, 1.5, 2, 2.5, 3, 4])),
                note="(mô phỏng)",
            )
            most = 0
            for code in set(rng.choices(codes, code_weights, k=rng.randint(1, 3))):
                guided = rng.randint(1, 15)
                most = max(most, guided)
                outcomes.append(
                    Outcome(
                        activity=activity,
                        service=services[code],
                        guided=guided,
                        completed=rng.randint(0, guided),
                    )
                )
            activity.people_reached = most + rng.randint(0, 5)
            activity.households_reached = max(1, activity.people_reached * 2 // 3)
            activities.append(activity)
            crew = by_team.get(team.pk, [])
            for member in rng.sample(crew, k=min(len(crew), rng.randint(1, 2))):
                participants.append(Through(activity_id=activity.id, member_id=member.pk))
    Activity.objects.bulk_create(activities, batch_size=2000)
    Outcome.objects.bulk_create(outcomes, batch_size=5000)
    Through.objects.bulk_create(participants, batch_size=5000)
    totals.rebuild()  # bulk inserts bypass the running totals the report form keeps
    return len(activities)


def _link_member(village: Unit, user, role: str) -> None:
    if Member.objects.filter(user=user).exists():
        return
    team = Team.objects.filter(unit=village).first() or Team.objects.create(
        unit=village, name=f"Tổ CNS {village.name}"
    )
    member = team.members.filter(role=role, user__isnull=True).first() if role == MemberRole.LEADER else None
    if member is None:
        if role == MemberRole.LEADER:
            team.members.filter(role=MemberRole.LEADER).update(role=MemberRole.MEMBER)
        member = Member.objects.create(team=team, full_name=user.full_name, role=role, has_smartphone=True)
    member.user = user
    member.phone = user.phone or ""
    member.save()


def _seed_training(rng: random.Random, teams: list[Team], members: list[Member], villages: list[Unit]) -> int:
    """Classes run by each commune in the last half year, about a third of members trained, most of them
    passing the quiz; and self-assessments for many. Needs the courses (bootstrap loads them first)."""
    courses = list(Course.objects.prefetch_related("questions"))
    if not courses:
        return 0
    commune_of = {v.pk: v.parent_id for v in villages}
    path_of = {v.parent_id: v.path.rsplit("/", 2)[0] + "/" for v in villages}
    by_commune: dict[int, list[Member]] = {}
    team_commune = {t.pk: commune_of[t.unit_id] for t in teams}
    for member in members:
        by_commune.setdefault(team_commune[member.team_id], []).append(member)
    today = timezone.localdate()
    sessions, enrolments, attempts, certificates = [], [], [], []
    commune_names = dict(Unit.objects.filter(pk__in=set(commune_of.values())).values_list("pk", "name"))
    numbers: dict[int, int] = {}  # the last certificate number of each commune this year
    for commune_id, people in by_commune.items():
        pool = [m for m in people if rng.random() < 0.4]
        for course in rng.sample(courses, k=min(len(courses), rng.randint(1, 2))):
            if not pool:
                break
            session = Session(
                course=course,
                unit_id=commune_id,
                unit_path=path_of[commune_id],
                date=today - datetime.timedelta(days=rng.randint(10, 180)),
                place="Hội trường UBND xã (mô phỏng)",
                trainer="Cán bộ Sở KH&CN (mô phỏng)",
                capacity=max(40, len(pool)),
            )
            sessions.append(session)
            for member in pool:
                came = rng.random() < 0.85
                enrolments.append(Enrolment(session=session, member=member, attended=came))
                if came and rng.random() < 0.6:
                    questions = list(course.questions.all())
                    right = rng.randint(len(questions) // 2, len(questions))
                    score = 100 * right // len(questions) if questions else 0
                    passed = score >= course.pass_mark
                    attempts.append(
                        QuizAttempt(
                            member=member,
                            course=course,
                            answers={},
                            correct_count=right,
                            question_count=len(questions),
                            score=score,
                            passed=passed,
                        )
                    )
                    if passed:
                        # Issued by the commune that ran the class, numbered as training.services would.
                        numbers[commune_id] = numbers.get(commune_id, 0) + 1
                        certificates.append(
                            Certificate(
                                member=member,
                                course=course,
                                token=secrets.token_urlsafe(18),
                                issuer_id=commune_id,
                                issuer_name=commune_names[commune_id],
                                number=f"{numbers[commune_id]}/{today.year}",
                            )
                        )
            pool = [m for m in pool if rng.random() < 0.3]
    Session.objects.bulk_create(sessions, batch_size=1000)
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    sync_trained({e.member_id for e in enrolments if e.attended})
    QuizAttempt.objects.bulk_create(attempts, batch_size=5000)
    Certificate.objects.bulk_create(certificates, batch_size=5000, ignore_conflicts=True)
    CertificateCounter.objects.bulk_create(
        [CertificateCounter(unit_id=unit_id, year=today.year, last=last) for unit_id, last in numbers.items()]
    )
    areas = list(SkillArea.values)
    SelfAssessment.objects.bulk_create(
        [
            SelfAssessment(
                member=m, area=area, level=min(4, max(1, (m.skill_level or 2) + rng.randint(-1, 1)))
            )
            for m in members
            if rng.random() < 0.5
            for area in areas
        ],
        batch_size=5000,
    )
    return len(sessions)
