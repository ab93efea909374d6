"""Writes on training: classes, enrolment, attendance, quizzes, certificates, self-assessment."""

import json
import secrets
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit import services as audit
from tocns.core import stamps
from tocns.teams.models import Member

from .models import (
    Certificate,
    CertificateCounter,
    CertificateSettings,
    Course,
    Enrolment,
    Question,
    QuizAttempt,
    SelfAssessment,
    Session,
    SkillArea,
)

CONTENT = Path(__file__).resolve().parent / "content" / "courses.json"


@transaction.atomic
def load_courses(*, path: Path = CONTENT, update: bool = False) -> dict:
    """Courses a fresh install starts with; a course already there keeps its questions unless update. A
    course loaded before courses named their framework groups gets them (nothing else of it changes)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for item in json.loads(path.read_text(encoding="utf-8")):
        course = Course.objects.filter(code=item["code"]).first()
        if course is not None and not update:
            if not course.framework_groups and item.get("framework_groups"):
                course.framework_groups = item["framework_groups"]
                course.full_clean()
                course.save(update_fields=["framework_groups"])
            counts["unchanged"] += 1
            continue
        counts["updated" if course else "created"] += 1
        course = course or Course(code=item["code"])
        course.area, course.title = item["area"], item["title"]
        course.framework_groups = item.get("framework_groups", [])
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
            maybe_certify(actor=actor, member=enrolment.member, course=session.course)
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
        maybe_certify(actor=actor, member=member, course=course)
    return attempt


@transaction.atomic
def maybe_certify(*, actor=None, member, course: Course) -> Certificate | None:
    """A certificate once the member both attended a class of the course and passed its quiz, issued by
    the unit that organised the latest class of the course they attended."""
    live = Certificate.objects.filter(member=member, course=course, revoked_at__isnull=True).first()
    if live:
        return live
    session = _attended_session(member, course)
    passed = QuizAttempt.objects.filter(member=member, course=course, passed=True).exists()
    if session is None or not passed:
        return None
    certificate = Certificate(member=member, course=course, token=secrets.token_urlsafe(18))
    _fill_issue(certificate, session.unit)
    certificate.save()
    audit.record(
        actor=actor,
        action="create",
        obj=certificate,
        unit_path=member.team.unit.path,
        after=audit.snapshot(certificate, ["course", "issuer_name", "number", "signer_title", "signer_name"]),
    )
    return certificate


def _attended_session(member, course: Course) -> Session | None:
    enrolment = (
        Enrolment.objects.filter(member=member, session__course=course, attended=True)
        .select_related("session__unit")
        .order_by("-session__date", "-pk")
        .first()
    )
    return enrolment.session if enrolment else None


def _fill_issue(certificate: Certificate, unit) -> None:
    """The issuing unit, its name, the next number of its year and its signer, as set today."""
    chosen = CertificateSettings.objects.filter(unit=unit).first() or CertificateSettings(unit=unit)
    # The year it was issued: a certificate numbered after the fact keeps its own year.
    year = (
        timezone.localtime(certificate.issued_at).year if certificate.issued_at else timezone.localdate().year
    )
    certificate.issuer = unit
    certificate.issuer_name = chosen.issuer_name or unit.name
    certificate.number = f"{_next_number(unit, year)}/{year}"
    certificate.signer_title, certificate.signer_name = chosen.signer_title, chosen.signer_name


def _next_number(unit, year: int) -> int:
    """Claims the unit's next number for the year. The UPDATE locks the counter's row until the
    transaction ends, so two certificates issued at once get two numbers."""
    with transaction.atomic():
        counter = CertificateCounter.objects.filter(unit=unit, year=year)
        if not counter.update(last=F("last") + 1):
            try:
                with transaction.atomic():
                    CertificateCounter.objects.create(unit=unit, year=year, last=1)
                    return 1
            except IntegrityError:  # another transaction made the year's counter first
                counter.update(last=F("last") + 1)
        return counter.values_list("last", flat=True).get()


@transaction.atomic
def complete_certificate(certificate: Certificate) -> Certificate:
    """Issuer, number and signer for a certificate made without them (the demo data makes certificates in
    bulk): the unit of the latest class of the course the member attended, numbered when first shown."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.number:
        return certificate
    session = _attended_session(certificate.member, certificate.course)
    if session is None:
        return certificate  # nothing says who organised the class: left as it is
    _fill_issue(certificate, session.unit)
    certificate.save(update_fields=["issuer", "issuer_name", "number", "signer_title", "signer_name"])
    audit.record(
        actor=None,
        action="update",
        obj=certificate,
        unit_path=certificate.member.team.unit.path,
        after=audit.snapshot(certificate, ["issuer_name", "number", "signer_title", "signer_name"]),
    )
    return certificate


CERTIFICATE_SETTINGS_FIELDS = ["issuer_name", "signer_title", "signer_name"]


@transaction.atomic
def save_certificate_settings(*, actor, unit, data: dict) -> CertificateSettings:
    """What the unit's next certificates say about who issues and signs them; ones already issued keep
    what they said."""
    chosen = CertificateSettings.objects.select_for_update().filter(unit=unit).first()
    created = chosen is None
    chosen = chosen or CertificateSettings(unit=unit)
    before = None if created else audit.snapshot(chosen, CERTIFICATE_SETTINGS_FIELDS)
    for name in CERTIFICATE_SETTINGS_FIELDS:
        setattr(chosen, name, (data.get(name) or "").strip())
    chosen.updated_by = actor
    chosen.full_clean()
    chosen.save()
    audit.record(
        actor=actor,
        action="create" if created else "update",
        obj=chosen,
        unit_path=unit.path,
        before=before,
        after=audit.snapshot(chosen, CERTIFICATE_SETTINGS_FIELDS),
    )
    return chosen


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
