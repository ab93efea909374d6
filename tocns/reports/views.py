from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tocns.accounts import selectors as access
from tocns.activities import scope as activity_scope
from tocns.evaluation import scoring
from tocns.evaluation.forms import WeightsForm
from tocns.evaluation.models import ScoreWeights
from tocns.teams import scope as team_scope
from tocns.units.models import UnitKind

from . import charts, narrative, parts, periods, selectors, services
from .forms import LetterheadForm, ReportTextForm
from .letterhead import letterhead_for


def _period(request):
    """The period asked for, or this year with the reason when it cannot be shown."""
    try:
        return periods.parse(request.GET.get("ky")), None
    except ValueError as error:
        return periods.parse(None), str(error)


def _render_dashboard(request, unit, can_edit: bool = False):
    period, period_error = _period(request)
    teams = team_scope.teams_for(request.user) if unit is None else team_scope.teams_under(request.user, unit)
    # Every team under the unit in view: a province's or the country's figures may come from kept parts.
    whole = access.covers(request.user, unit.path if unit is not None else "/")
    board = parts.dashboard(unit, period, teams, targets=selectors.targets_for(unit, period), kept=whole)
    top_service = max((s.completed for s in board.services), default=0) or 1
    # One reverse() for the links of the ranked units, not one per row: a province ranks ~170 communes.
    link = reverse("reports:dashboard", args=["CODE"])
    for row in board.children:
        if row.unit is not None:
            row.url = link.replace("CODE", row.unit.code)
    context = {
        "unit": unit,
        "board": board,
        "period_error": period_error,
        "month_chart": charts.column_chart([(f"{m:%m}", n) for m, n in board.months]),
        "service_rows": [
            (
                s,
                charts.share(s.completed, top_service),
                charts.share(s.completed, s.target) if s.target else None,
            )
            for s in board.services
        ],
        "follow_up": board.follow_up[:10],
        "periods": _period_choices(period),
        "export_ready": unit is not None,
        "writes_reports": unit is not None
        and unit.kind in (UnitKind.PROVINCE, UnitKind.COMMUNE)
        and can_edit
        and access.is_officer(request.user),
    }
    return render(request, "reports/dashboard.html", context)


def _period_choices(period):
    """(code, label) of the periods offered: the year, its quarters, the year before."""
    year = period.start.year
    codes = [str(year), f"{year}-Q1", f"{year}-Q2", f"{year}-Q3", f"{year}-Q4", str(year - 1)]
    return [(code, scoring.Period.parse(code).label) for code in codes]


@login_required
def national(request):
    """The whole country for the system admin; anyone else starts at the units they look after."""
    if not access.is_admin(request.user):
        first = access.root_units_for(request.user).order_by("path").first()
        if first is None:
            raise PermissionDenied
        return redirect("reports:dashboard", code=first.code)
    return _render_dashboard(request, None)


@login_required
def dashboard(request, code: str):
    unit, can_edit = access.unit_for(request.user, code)
    return _render_dashboard(request, unit, can_edit)


FOLLOW_UP_PER_PAGE = 50


@login_required
def follow_up(request, code: str):
    """Teams to call: those only on paper first, then the new ones without a report, then the weak ones,
    each with the reasons."""
    unit, _can_edit = access.unit_for(request.user, code)
    period, period_error = _period(request)
    teams = team_scope.teams_under(request.user, unit)
    weights = scoring.weights_for(unit)
    scores = scoring.score_teams(teams, period, weights, path=unit.path)
    rows = sorted((s for s in scores if s.klass in scoring.FOLLOW_UP), key=selectors.follow_up_key)
    # 50 a page: a province has over a thousand teams to follow up (1,272 of Thanh Hóa's 4,021 at scale 1.0,
    # a 546 KB page on one sheet), and an officer reads them on a phone.
    page = Paginator(rows, FOLLOW_UP_PER_PAGE).get_page(request.GET.get("trang"))
    # Whom to call, for the page's rows only: the leader's phone is for officers.
    contacts = selectors.follow_up_contacts(page.object_list, with_phones=access.is_officer(request.user))
    context = {
        "lines": [(score, contacts[score.team.pk]) for score in page.object_list],
        "unit": unit,
        "period": period,
        "period_error": period_error,
        "rows": page.object_list,
        "page": page,
        "extra": urlencode({"ky": period.code}),
        "all_scores": len(scores),
        "grace_days": weights["grace_days"],
    }
    return render(request, "reports/follow_up.html", context)


@login_required
def weights(request, code: str):
    unit, can_edit = access.unit_for(request.user, code)
    if not can_edit or unit.parent_id is not None or not activity_scope.can_edit_catalogue(request.user):
        raise PermissionDenied  # a province's officers set its weights
    row = ScoreWeights.objects.filter(unit=unit).first() or ScoreWeights(unit=unit)
    form = WeightsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu trọng số đánh giá."))
        return redirect("reports:dashboard", code=code)
    return render(request, "reports/weights.html", {"unit": unit, "form": form})


def _issuing(request, code: str):
    """A province or commune whose reports the signed-in officer writes (a village's are its commune's)."""
    unit, can_edit = access.unit_for(request.user, code)
    if unit.kind not in (UnitKind.PROVINCE, UnitKind.COMMUNE):
        raise Http404
    if not can_edit or not access.is_officer(request.user):
        raise PermissionDenied
    return unit


@login_required
def letterhead(request, code: str):
    """The unit's letterhead and signature for its reports, prefilled with the defaults until saved."""
    unit = _issuing(request, code)
    current = letterhead_for(unit)
    form = LetterheadForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_letterhead(actor=request.user, unit=unit, data=form.cleaned_data)
        messages.success(request, _("Đã lưu mẫu văn bản báo cáo."))
        return redirect("reports:dashboard", code=unit.code)
    context = {"unit": unit, "form": form, "saved": current.pk is not None}
    return render(request, "reports/letterhead.html", context)


@login_required
def report_text(request, code: str):
    """What the officer writes in the period's report: prefilled from the previous period or the figures."""
    unit = _issuing(request, code)
    period, period_error = _period(request)
    board = parts.dashboard(
        unit,
        period,
        team_scope.teams_under(request.user, unit),
        targets=selectors.targets_for(unit, period),
        kept=access.covers(request.user, unit.path),
    )
    texts = narrative.texts_for(unit, period, board)
    initial = {
        "difficulties": texts.difficulties,
        "next_tasks": texts.next_tasks,
        "proposals": texts.proposals,
    }
    form = ReportTextForm(request.POST or None, initial=initial)
    # A period that cannot be read is shown as this year: nothing is saved under it by mistake.
    if request.method == "POST" and not period_error and form.is_valid():
        services.save_report_text(actor=request.user, unit=unit, period=period.code, data=form.cleaned_data)
        messages.success(request, _("Đã lưu nội dung báo cáo %(p)s.") % {"p": period.label.lower()})
        return redirect(f"{reverse('reports:dashboard', args=[unit.code])}?ky={period.code}")
    context = {
        "unit": unit,
        "form": form,
        "period": period,
        "period_error": period_error,
        "texts": texts,
        "periods": _period_choices(period),
    }
    return render(request, "reports/report_text.html", context)


@login_required
def export(request, code: str, fmt: str):
    """The dashboard as an .xlsx or a .docx report, with the figures the signed-in user sees on it."""
    # Imported here so that this view stays one self-contained block at the end of the module.
    from django.http import HttpResponse, HttpResponseBadRequest

    from . import export as official

    unit, _can_edit = access.unit_for(request.user, code)
    if fmt not in official.CONTENT_TYPES:
        raise Http404
    try:
        period = periods.parse(request.GET.get("ky"))
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    teams = team_scope.teams_under(request.user, unit)
    board = official.build_dashboard(unit, period, teams, whole=access.covers(request.user, unit.path))
    content = official.render(board, fmt, with_phones=access.is_officer(request.user))
    response = HttpResponse(content, content_type=official.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{official.filename(board, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response
