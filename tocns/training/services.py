"""Writes on training: classes, enrolment, attendance, quizzes, certificates, self-assessment."""

import json
import secrets
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit import services as audit
from tocns.core import stamps
from tocns.teams.models import Member

from .models import Certificate, Course, Enrolment, Question, QuizAttempt, SelfAssessment, Session, SkillArea

CONTENT = Path(__file__).resolve().parent / "content" / "courses.json"


@transaction.atomic
def load_courses(*, path: Path = CONTENT, update: bool = False) -> dict:
    """Courses a fresh install starts with; a course already there keeps its questions unless update."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for item in json.loads(path.read_text(encoding="utf-8")):
        course = Course.objects.filter(code=item["code"]).first()
        if course is not None and not update:
            counts["unchanged"] += 1
            continue
        counts["updated" if course else "created"] += 1
        course = course or Course(code=item["code"])
        course.area, course.title = item["area"], item["title"]
        course.description, course.pass_mark = item.get("description", ""), item.get("pass_mark", 70)
        course.full_clean()
        course.save()
        course.questions.all().delete()
        Question.objects.bulk_create(
            Question(
                course=course,
                number=number,
                text=q["text"],
                choices=q["choices"],
                correct=q["correct"],
                explanation=q.get("explanation", ""),
            )
            for number, q in enumerate(item["questions"], start=1)
        )
    return counts


@transaction.atomic
def create_session(*, actor, course: Course, unit, **values) -> Session:
    session = Session(course=course, unit=unit, unit_path=unit.path, created_by=actor, **values)
    session.full_clean()
    session.save()
    audit.record(
        actor=actor,
        action="create",
        obj=session,
        unit_path=unit.path,
        after=audit.snapshot(session, ["course", "unit", "date", "place", "trainer", "capacity"]),
    )
    return session


@transaction.atomic
def enrol(*, actor, session: Session, members) -> int:
    """Enrol members (already enrolled ones are skipped); refuses to go over the class's capacity."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    taken = set(session.enrolments.values_list("member_id", flat=True))
    new = [m for m in members if m.pk not in taken and m.left_on is None]
    if len(taken) + len(new) > session.capacity:
        raise ValidationError(
            _("Lớp còn %(free)s chỗ, không ghi danh thêm %(n)s người được.")
            % {"free": session.capacity - len(taken), "n": len(new)}
        )
    Enrolment.objects.bulk_create(Enrolment(session=session, member=m) for m in new)
    if new:
        audit.record(
            actor=actor,
            action="update",
            obj=session,
            unit_path=session.unit_path,
            after={"enrolled": sorted(m.full_name for m in new)},
        )
    return len(new)


@transaction.atomic
def mark_attendance(*, actor, session: Session, present_ids: set[int]) -> int:
    """Who came. Everyone enrolled is marked present or absent; those present may now be certified."""
    enrolments = list(session.enrolments.select_related("member"))
    for enrolment in enrolments:
        enrolment.attended = enrolment.member_id in present_ids
        enrolment.marked_by = actor
    Enrolment.objects.bulk_update(enrolments, ["attended", "marked_by"])
    sync_trained(e.member_id for e in enrolments)
    audit.record(
        actor=actor,
        action="update",
        obj=session,
        unit_path=session.unit_path,
        after={"present": sorted(e.member.full_name for e in enrolments if e.attended)},
    )
    for enrolment in enrolments:
        if enrolment.attended:
            maybe_certify(member=enrolment.member, course=session.course)
    return sum(1 for e in enrolments if e.attended)


def sync_trained(member_ids) -> int:
    """Member.trained = has attended at least one class, for the given members (ids, or a queryset of
    ids). Returns how many members were written."""
    ids = member_ids if isinstance(member_ids, QuerySet) else set(member_ids)
    members = Member.objects.filter(pk__in=ids)
    # A queryset update sends no signals: the dashboards' figures of these members' teams change.
    stamps.touch(*members.values_list("team__unit__path", flat=True).distinct())
    return members.update(trained=Exists(Enrolment.objects.filter(member=OuterRef("pk"), attended=True)))


def grade(course: Course, answers: dict[int, int]) -> tuple[int, int, int, bool]:
    """(correct, questions, score %, passed). An unanswered question counts as wrong."""
    questions = list(course.questions.all())
    correct = sum(1 for q in questions if answers.get(q.number) == q.correct)
    total = len(questions)
    score = (100 * correct // total) if total else 0
    return correct, total, score, bool(total) and score >= course.pass_mark


@transaction.atomic
def take_quiz(*, actor, member, course: Course, answers: dict[int, int]) -> QuizAttempt:
    correct, total, score, passed = grade(course, answers)
    attempt = QuizAttempt.objects.create(
        member=member,
        course=course,
        answers={str(k): v for k, v in answers.items()},
        correct_count=correct,
        question_count=total,
        score=score,
        passed=passed,
        taken_by=actor,
    )
    if passed:
        maybe_certify(member=member, course=course)
    return attempt


def maybe_certify(*, member, course: Course) -> Certificate | None:
    """A certificate once the member both attended a class of the course and passed its quiz."""
    live = Certificate.objects.filter(member=member, course=course, revoked_at__isnull=True).first()
    if live:
        return live
    attended = Enrolment.objects.filter(member=member, session__course=course, attended=True).exists()
    passed = QuizAttempt.objects.filter(member=member, course=course, passed=True).exists()
    if not (attended and passed):
        return None
    return Certificate.objects.create(member=member, course=course, token=secrets.token_urlsafe(18))


@transaction.atomic
def revoke_certificate(*, actor, certificate: Certificate, reason: str) -> Certificate:
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi lý do thu hồi.")})
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    audit.record(
        actor=actor,
        action="revoke",
        obj=certificate,
        unit_path=certificate.member.team.unit.path,
        after={"revoked_reason": certificate.revoked_reason},
    )
    return certificate


@transaction.atomic
def assess_self(*, member, levels: dict[str, int]) -> None:
    for area, level in levels.items():
        if area not in SkillArea.values or not 1 <= int(level) <= 4:
            raise ValidationError(_("Mức tự đánh giá phải từ 1 đến 4."))
        SelfAssessment.objects.update_or_create(member=member, area=area, defaults={"level": int(level)})
