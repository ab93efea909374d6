from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts import selectors as access
from tocns.core.qr import qr_svg
from tocns.core.queries import vi_order
from tocns.teams import scope as team_scope
from tocns.teams.models import TeamStatus

from . import scope, selectors, services
from .forms import CertificateSettingsForm, RevokeForm, SelfAssessmentForm, SessionForm
from .models import Certificate, CertificateSettings, Course, QuizAttempt, SelfAssessment, SkillArea


@login_required
def index(request):
    today = timezone.localdate()
    areas = list(SkillArea.values)
    courses = sorted(Course.objects.filter(is_active=True), key=lambda c: (areas.index(c.area), c.title))
    context = {
        "courses": courses,
        "upcoming": scope.sessions_for(request.user)
        .filter(date__gte=today)
        .select_related("course", "unit")
        .order_by("date")[:20],
        "recent": scope.sessions_for(request.user)
        .filter(date__lt=today)
        .select_related("course", "unit")
        .order_by("-date")[:10],
        "own": list(team_scope.own_members(request.user)),
        "roots": access.root_units_for(request.user).order_by(*vi_order("name"))[:10]
        if access.is_officer(request.user)
        else [],
    }
    return render(request, "training/index.html", context)


@login_required
def course(request, code: str):
    course = get_object_or_404(Course, code=code, is_active=True)
    own = list(team_scope.own_members(request.user))
    context = {
        "course": course,
        "question_count": course.questions.count(),
        "sessions": scope.sessions_for(request.user)
        .filter(course=course, date__gte=timezone.localdate())
        .select_related("unit")
        .order_by("date"),
        "attempts": QuizAttempt.objects.filter(member__in=own, course=course)[:5],
        "own": own,
    }
    return render(request, "training/course.html", context)


@login_required
def quiz(request, code: str):
    """A member answers the course's quiz; the score, the pass mark and every explanation come back."""
    course = get_object_or_404(Course, code=code, is_active=True)
    member = team_scope.own_members(request.user).first()
    if member is None:
        raise PermissionDenied  # only someone on a team's roster has a skill profile to record it in
    questions = list(course.questions.all())
    if request.method == "POST":
        answers = {}
        for question in questions:
            value = request.POST.get(f"q{question.number}", "")
            if value.isdigit():
                answers[question.number] = int(value)
        attempt = services.take_quiz(actor=request.user, member=member, course=course, answers=answers)
        certificate = Certificate.objects.filter(
            member=member, course=course, revoked_at__isnull=True
        ).first()
        context = {
            "course": course,
            "attempt": attempt,
            "rows": [(q, answers.get(q.number)) for q in questions],
            "certificate": certificate,
            "member": member,
        }
        return render(request, "training/quiz_result.html", context)
    return render(request, "training/quiz.html", {"course": course, "questions": questions, "member": member})


@login_required
def session_create(request, code: str):
    unit, can_edit = access.unit_for(request.user, code)
    if not can_edit:
        raise PermissionDenied
    form = SessionForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        session = services.create_session(actor=request.user, unit=unit, **form.cleaned_data)
        messages.success(request, _("Đã mở lớp tập huấn."))
        return redirect("training:session", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form, "unit": unit})


@login_required
def session(request, pk: int):
    session, can_run = scope.session_for(request.user, pk)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "enrol":
            team_id = request.POST.get("team", "")
            team = (
                team_scope.teams_for(request.user)
                .filter(pk=int(team_id) if team_id.isdigit() else 0, unit__path__startswith=session.unit_path)
                .first()
            )
            if team is None:
                raise Http404
            try:
                added = services.enrol(
                    actor=request.user, session=session, members=list(team.members.current())
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Đã ghi danh %(n)s người.") % {"n": added})
        elif action == "attendance":
            present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
            count = services.mark_attendance(actor=request.user, session=session, present_ids=present)
            messages.success(request, _("Đã điểm danh: %(n)s người có mặt.") % {"n": count})
        return redirect("training:session", pk=pk)
    enrolments = list(session.enrolments.select_related("member", "member__team__unit"))
    # A class run for a province enrols people of many communes: each viewer sees by name only the people
    # their own scope covers (their team, their commune), the others as a count.
    shown = [e for e in enrolments if can_run or access.covers(request.user, e.member.team.unit.path)]
    context = {
        "session": session,
        "can_run": can_run,
        "enrolled": len(enrolments),
        "enrolments": shown,
        "others": len(enrolments) - len(shown),
    }
    if can_run:
        context["signer"] = CertificateSettings.objects.filter(unit=session.unit).first()
        context["teams"] = (
            team_scope.teams_for(request.user)
            .filter(unit__path__startswith=session.unit_path, status=TeamStatus.ACTIVE)
            .select_related("unit")
            .order_by(*vi_order("unit__name", "name"))[:300]
        )
    return render(request, "training/session.html", context)


@login_required
def profile(request, pk: int):
    member, can_edit = team_scope.member_for(request.user, pk)
    current = dict(SelfAssessment.objects.filter(member=member).values_list("area", "level"))
    form = SelfAssessmentForm(request.POST or None, current=current)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.assess_self(member=member, levels=form.levels())
            messages.success(request, _("Đã lưu tự đánh giá."))
            return redirect("training:profile", pk=pk)
    context = {
        "member": member,
        "can_edit": can_edit,
        "skills": selectors.skill_profile(member),
        "form": form,
        "attended": member.enrolments.filter(attended=True).select_related("session", "session__course"),
    }
    return render(request, "training/profile.html", context)


@login_required
def certificate(request, pk: int):
    certificate = get_object_or_404(Certificate.objects.select_related("course", "issuer"), pk=pk)
    member, _can_edit = team_scope.member_for(request.user, certificate.member_id)
    if not certificate.number:
        certificate = services.complete_certificate(certificate)
    can_revoke = access.covers(request.user, member.team.unit.path, officer_only=True)
    form = RevokeForm(request.POST or None)
    if request.method == "POST":
        if not can_revoke:
            raise PermissionDenied
        if form.is_valid() and certificate.revoked_at is None:
            services.revoke_certificate(
                actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Đã thu hồi chứng nhận."))
            return redirect("training:certificate", pk=pk)
    url = request.build_absolute_uri(reverse("training:verify", args=[certificate.token]))
    issuer = certificate.issuer
    context = {
        "certificate": certificate,
        "member": member,
        "url": url,
        "qr": qr_svg(url),
        "can_revoke": can_revoke,
        "can_set_signer": issuer is not None and access.covers(request.user, issuer.path, officer_only=True),
        "form": form,
    }
    return render(request, "training/certificate.html", context)


def verify(request, token: str):
    """Public: is this certificate real? Shows the name, the course, the issuing unit and the number;
    nothing else personal. A token that matches nothing is a 404, as an unknown member card's is."""
    certificate = (
        Certificate.objects.select_related("course", "member").filter(token=token).first()
        if len(token) < 60
        else None
    )
    response = render(
        request,
        "training/verify.html",
        {"certificate": certificate},
        status=404 if certificate is None else 200,
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def certificate_settings(request, code: str):
    """Who the certificates of the unit's classes name as issuer and signer; set by its officers."""
    unit, can_edit = access.unit_for(request.user, code)
    if not can_edit:
        raise PermissionDenied
    current = CertificateSettings.objects.filter(unit=unit).first()
    form = CertificateSettingsForm(request.POST or None, instance=current, unit=unit)
    if request.method == "POST" and form.is_valid():
        services.save_certificate_settings(actor=request.user, unit=unit, data=form.cleaned_data)
        messages.success(request, _("Đã lưu người ký chứng nhận."))
        return redirect("training:coverage", code=unit.code)
    context = {"unit": unit, "form": form, "saved": current is not None}
    return render(request, "training/certificate_settings.html", context)


@login_required
def unit_coverage(request, code: str):
    unit, can_edit = access.unit_for(request.user, code)
    members = team_scope.members_for(request.user).filter(team__unit__path__startswith=unit.path)
    needing = Paginator(selectors.needing_training(members), 50).get_page(request.GET.get("trang"))
    context = {
        "unit": unit,
        "can_edit": can_edit,
        "coverage": selectors.coverage(members),
        "needing": needing,
        "children": selectors.coverage_by_child(unit, members)
        if unit.kind in ("province", "district")
        else None,
        "sessions": scope.sessions_for(request.user)
        .filter(unit_path__startswith=unit.path)
        .select_related("course")
        .order_by("-date")[:10],
    }
    return render(request, "training/coverage.html", context)
