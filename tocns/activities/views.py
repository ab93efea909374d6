import hashlib
import uuid
from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from tocns.accounts import selectors as access
from tocns.catalogue.models import DigitalService
from tocns.core.queries import vi_order
from tocns.teams import scope as team_scope
from tocns.teams import selectors as team_selectors
from tocns.teams.models import Member, TeamStatus
from tocns.units.models import Unit, UnitKind

from . import photos, scope, selectors, services
from .forms import PhotoForm, ServiceForm
from .models import ActivityKind, Photo
from .report_form import parse_report

QUICK_COUNTS = [1, 2, 3, 5, 10, 20]


def _report_text() -> dict:
    """What the phone's script says, translated here so the script holds no Vietnamese of its own."""
    return {
        "waiting": _("%(n)s báo cáo đang chờ gửi"),
        "offline": _("Không có mạng: báo cáo được giữ trong điện thoại và tự gửi khi có mạng."),
        "saved": _("Đã lưu báo cáo trong điện thoại."),
        "sending": _("Đang gửi…"),
        "sent": _("Đã gửi báo cáo."),
        "rejected": _("Một báo cáo bị từ chối: %(message)s"),
        "fix": _("Sửa và gửi lại"),
        "relogin": _("Đăng nhập lại để gửi các báo cáo đang chờ"),
        "empty": _("Hãy chạm vào một dịch vụ và chọn số người trước khi gửi."),
    }


def _own_teams(user):
    """Teams the user is a current member of: the report form opens on the first of them."""
    return list(
        team_scope.teams_for(user)
        .filter(members__user=user, members__left_on__isnull=True, status=TeamStatus.ACTIVE)
        .select_related("unit")
        .distinct()
        .order_by(*vi_order("name"))
    )


def _only_team(user):
    """A team role not (yet) linked to a roster entry still reports for the one team in its village."""
    if access.is_officer(user):
        return None
    teams = list(team_scope.teams_for(user).filter(status=TeamStatus.ACTIVE).select_related("unit")[:2])
    return teams[0] if len(teams) == 1 else None


@login_required
@cache_control(private=True, no_cache=True)
def report(request):
    own = _own_teams(request.user)
    if pk := request.GET.get("to"):
        try:
            team, _can_edit = team_scope.team_for(request.user, int(pk))
        except ValueError:
            raise Http404 from None
    else:
        team = own[0] if own else _only_team(request.user)
    if team is None:
        return render(request, "activities/report_pick.html", {})

    in_use = list(DigitalService.objects.in_use())
    error = None
    if request.method == "POST":
        try:
            data = parse_report(request.POST, in_use, team_id=team.pk)
            report_id = uuid.UUID(request.POST.get("id", ""))
            activity, created = services.file_report(actor=request.user, report_id=report_id, data=data)
        except ValueError:
            error = services.ReportError("id", _("Mã báo cáo không hợp lệ; hãy gửi lại."))
        except services.ReportError as rejected:
            error = rejected
        else:
            messages.success(
                request, _("Đã gửi báo cáo.") if created else _("Báo cáo này đã được gửi trước đó.")
            )
            return redirect(f"{request.path}?to={team.pk}")

    villages = (
        [team.unit]
        if team.unit.kind == UnitKind.VILLAGE
        else list(
            Unit.objects.filter(parent=team.unit, kind=UnitKind.VILLAGE).current().order_by(*vi_order("name"))
        )
    )
    members = list(Member.objects.current().filter(team=team).only("id", "full_name", "user_id"))
    context = {
        "team": team,
        "own_teams": own,
        "services": in_use,
        "kinds": ActivityKind.choices,
        "villages": villages,
        "members": members,
        "today": timezone.localdate(),
        "report_id": uuid.uuid4(),
        "quick_counts": QUICK_COUNTS,
        "error": error,
        "text": _report_text(),
    }
    # A refused report answers 422, as the API does: the page shows the message and keeps what was typed.
    return render(request, "activities/report.html", context, status=422 if error else 200)


@login_required
def feed(request):
    """Reports in the user's scope, newest first; filters by unit and team."""
    activities = scope.activities_for(request.user)
    unit = None
    if code := request.GET.get("don-vi"):
        unit, _can = access.unit_for(request.user, code)
        activities = activities.filter(unit_path__startswith=unit.path)
    if team_pk := request.GET.get("to", "").strip():
        if not team_pk.isdigit():
            raise Http404
        activities = activities.filter(team_id=int(team_pk))
    page = Paginator(selectors.with_details(activities.order_by("-date", "-created_at")), 30).get_page(
        request.GET.get("trang")
    )
    filters = request.GET.copy()
    filters.pop("trang", None)
    return render(
        request, "activities/feed.html", {"page": page, "unit": unit, "filters": filters.urlencode()}
    )


@login_required
def supervision(request, code: str):
    """A commune officer's view of its teams' reporting; a province officer's view by commune."""
    unit, _can_edit = access.unit_for(request.user, code)
    activities = scope.activities_for(request.user).filter(unit_path__startswith=unit.path)
    teams = team_scope.teams_for(request.user)
    months, month_services = selectors.monthly_totals(unit)
    context = {
        "unit": unit,
        "months": months,
        "month_services": month_services,
        "silent_days": selectors.SILENT_AFTER_DAYS,
        "silent_since": selectors.silent_since(),
        "recent": selectors.with_details(activities.order_by("-date", "-created_at"))[:10],
    }
    if unit.kind in (UnitKind.PROVINCE, UnitKind.DISTRICT):
        children = selectors.activity_by_child(unit, teams, activities)
        context.update(children=children, summary=selectors.summarise_children(children))
    else:
        # Silent teams first, those that never reported at the very top: they are who to call.
        rows = list(
            selectors.teams_with_last_report(
                teams.filter(unit__path__startswith=unit.path, status=TeamStatus.ACTIVE)
            )
            .select_related("unit")
            .order_by(F("last_report").asc(nulls_first=True), "unit__name", "name")
        )
        # Whom to call: each team's leader, with the phone for officers.
        leaders = team_selectors.current_leaders(team.pk for team in rows)
        with_phones = access.is_officer(request.user)
        for team in rows:
            team.leader_name, phone = leaders.get(team.pk, ("", ""))
            team.leader_phone = phone if with_phones else ""
        context.update(team_rows=rows, summary=selectors.summarise_teams(rows))
    return render(request, "activities/supervision.html", context)


@login_required
def detail(request, pk: uuid.UUID):
    activity, can_edit = scope.activity_for(request.user, pk)
    activity = selectors.with_details(type(activity).objects.filter(pk=pk)).get()
    form = PhotoForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                photos.add_photo(actor=request.user, activity=activity, upload=form.cleaned_data["image"])
            except photos.PhotoError as error:
                form.add_error("image", str(error))
            else:
                messages.success(request, _("Đã thêm ảnh."))
                return redirect("activities:detail", pk=pk)
    context = {
        "activity": activity,
        "can_edit": can_edit,
        "form": form,
        "editable_until": activity.created_at + services.EDIT_WINDOW,
    }
    return render(request, "activities/detail.html", context)


@login_required
def edit(request, pk: uuid.UUID):
    activity, can_edit = scope.activity_for(request.user, pk)
    if not can_edit:
        raise PermissionDenied
    activity = selectors.with_details(type(activity).objects.filter(pk=pk)).get()
    team = activity.team
    used = {o.service_id for o in activity.outcomes.all()}
    shown = [s for s in DigitalService.objects.all() if s.retired_on is None or s.pk in used]
    error = None
    if request.method == "POST":
        try:
            data = parse_report(request.POST, shown, team_id=team.pk)
            services.edit_report(actor=request.user, activity=activity, data=data)
        except services.ReportError as rejected:
            error = rejected
        else:
            messages.success(request, _("Đã sửa báo cáo."))
            return redirect("activities:detail", pk=pk)
    villages = (
        [team.unit]
        if team.unit.kind == UnitKind.VILLAGE
        else list(
            Unit.objects.filter(parent=team.unit, kind=UnitKind.VILLAGE).current().order_by(*vi_order("name"))
        )
    )
    outcomes = {o.service_id: o for o in activity.outcomes.all()}
    context = {
        "activity": activity,
        "team": team,
        "rows": [(s, outcomes.get(s.pk)) for s in shown],
        "kinds": ActivityKind.choices,
        "villages": villages,
        "members": list(Member.objects.filter(team=team)),
        "chosen": {m.pk for m in activity.participants.all()},
        "error": error,
    }
    return render(request, "activities/edit.html", context, status=422 if error else 200)


@login_required
def photo(request, pk: uuid.UUID, photo_pk: int):
    """Photos are never at a public URL: each request checks that the activity is in the caller's scope."""
    activity, _can_edit = scope.activity_for(request.user, pk)
    item = get_object_or_404(Photo, pk=photo_pk, activity=activity)
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def service_list(request):
    services_ = DigitalService.objects.all()
    return render(
        request,
        "activities/services.html",
        {"services": services_, "can_edit": scope.can_edit_catalogue(request.user)},
    )


@login_required
def service_edit(request, code: str | None = None):
    if not scope.can_edit_catalogue(request.user):
        raise PermissionDenied
    service = get_object_or_404(DigitalService, code=code) if code else None
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        services.save_service(actor=request.user, form=form)
        messages.success(request, _("Đã lưu dịch vụ số."))
        return redirect("activities:services")
    return render(request, "activities/service_form.html", {"form": form, "service": service})


SHELL = ["tocns/app.css", "activities/report.js", "tocns/icon.svg", "activities/icon-192.png"]


@lru_cache(maxsize=1)
def _shell_version() -> str:
    """Changes whenever a cached file changes, so phones drop the old copies on the next visit."""
    digest = hashlib.sha256()
    for name in SHELL:
        found = finders.find(name)
        digest.update(name.encode())
        if found:
            with open(found, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:12]


def service_worker(request):
    """Served from the site root so that it may control every page (a worker's scope is its folder)."""
    context = {"shell": [static(name) for name in SHELL], "version": _shell_version()}
    response = HttpResponse(
        render_to_string("activities/sw.js", context, request=request),
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    return HttpResponse(
        render_to_string("activities/manifest.webmanifest", {}, request=request),
        content_type="application/manifest+json; charset=utf-8",
    )
