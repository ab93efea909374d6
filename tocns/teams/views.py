from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts import selectors as access
from tocns.core import import_flow
from tocns.core.excel_write import XLSX
from tocns.core.queries import vi_order
from tocns.units.forms import VillageImportForm as ExcelUploadForm

from . import scope, selectors, services
from .cards import card_rows
from .forms import LeaveForm, MemberAccountForm, MemberForm, TeamForm
from .models import Member, MemberCard, TeamStatus
from .roster_export import build_roster_template, export_roster
from .roster_import import import_roster, read_roster


def _form_errors(form, error: ValidationError):
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def team_list(request):
    teams = scope.teams_for(request.user)
    unit = None
    if code := request.GET.get("don-vi"):
        unit, _can = access.unit_for(request.user, code)
        teams = teams.filter(unit__path__startswith=unit.path)
    status, leader = request.GET.get("trang-thai", ""), request.GET.get("to-truong", "")
    activity = request.GET.get("hoat-dong", "")
    teams = selectors.filter_teams(
        selectors.with_roster_counts(teams), status=status, leader=leader, activity=activity
    )
    page = Paginator(teams.order_by("unit__path", *vi_order("name")), 50).get_page(request.GET.get("trang"))
    filters = request.GET.copy()
    filters.pop("trang", None)
    context = {
        "page": page,
        "unit": unit,
        "filters": filters.urlencode(),
        "statuses": TeamStatus.choices,
        "current_status": status,
        "current_leader": leader,
        "current_activity": activity,
    }
    return render(request, "teams/list.html", context)


@login_required
def team_create(request, code: str):
    unit, can_edit = access.unit_for(request.user, code)
    if not can_edit:
        raise PermissionDenied
    default_name = _("Tổ công nghệ số cộng đồng %(unit)s") % {"unit": unit.name}
    form = TeamForm(request.POST or None, initial={"name": default_name})
    if request.method == "POST" and form.is_valid():
        team = services.create_team(actor=request.user, unit=unit, **form.cleaned_data)
        messages.success(request, _("Đã tạo tổ."))
        return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "unit": unit})


@login_required
def team_detail(request, pk: int):
    team, can_edit_roster = scope.team_for(request.user, pk)
    members = list(selectors.roster(team))
    context = {
        "team": team,
        "can_edit_roster": can_edit_roster,
        "can_manage": scope.can_manage_team(request.user, team),
        "current": [m for m in members if m.is_current],
        "former": [m for m in members if not m.is_current],
    }
    return render(request, "teams/detail.html", context)


@login_required
def team_edit(request, pk: int):
    team, _can = scope.team_for(request.user, pk)
    if not scope.can_manage_team(request.user, team):
        raise PermissionDenied
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        services.update_team(actor=request.user, team=team, **form.cleaned_data)
        messages.success(request, _("Đã lưu thông tin tổ."))
        return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "unit": team.unit, "team": team})


def _roster_team(request, pk: int):
    team, can_edit_roster = scope.team_for(request.user, pk)
    if not can_edit_roster:
        raise PermissionDenied
    return team


@login_required
def member_add(request, pk: int):
    team = _roster_team(request, pk)
    form = MemberForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(actor=request.user, team=team, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Đã thêm %(name)s vào tổ.") % {"name": form.cleaned_data["full_name"]}
            )
            return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/member_form.html", {"form": form, "team": team})


def _member(team, member_pk: int) -> Member:
    return get_object_or_404(Member.objects.select_related("team__unit"), pk=member_pk, team=team)


@login_required
def member_edit(request, pk: int, member_pk: int):
    team = _roster_team(request, pk)
    member = _member(team, member_pk)
    if not member.is_current:
        raise PermissionDenied
    officer = scope.can_manage_team(request.user, team)
    form_class = MemberAccountForm if officer else MemberForm
    initial = {"account": member.user.get_username()} if officer and member.user else None
    form = form_class(request.POST or None, instance=member, initial=initial)
    if request.method == "POST" and form.is_valid():
        member.refresh_from_db()  # the form wrote onto the instance; the service compares before and after
        values = dict(form.cleaned_data)
        account = values.pop("account", None)
        try:
            services.update_member(actor=request.user, member=member, **values)
            if account is not None:
                services.link_account(actor=request.user, member=member, user=account)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/member_form.html", {"form": form, "team": team, "member": member})


@login_required
def member_leave(request, pk: int, member_pk: int):
    team = _roster_team(request, pk)
    member = _member(team, member_pk)
    if not member.is_current:
        raise Http404
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        services.member_leaves(actor=request.user, member=member, left_on=form.cleaned_data["left_on"])
        messages.success(
            request, _("%(name)s đã rời tổ. Thẻ thành viên cũ không còn giá trị.") % {"name": member}
        )
        return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/member_leave.html", {"form": form, "team": team, "member": member})


@login_required
def cards(request, pk: int):
    """An A4 sheet of ID cards for the current members; each QR opens the public verification page."""
    team, _can = scope.team_for(request.user, pk)
    return render(request, "teams/cards.html", {"team": team, "cards": card_rows(request, team)})


@login_required
@require_POST
def card_reissue(request, pk: int, member_pk: int):
    team = _roster_team(request, pk)
    member = _member(team, member_pk)
    try:
        services.reissue_card(actor=request.user, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Đã cấp lại thẻ cho %(name)s. Thẻ cũ không còn giá trị.") % {"name": member}
        )
    return redirect("teams:detail", pk=team.pk)


def verify(request, token: str):
    """Public: is the person on this card a member of this team? Shows nothing else about them."""
    card = MemberCard.objects.select_related("member__team__unit__parent").filter(token=token).first()
    if card is None:
        state = "unknown"
    elif card.revoked_reason == MemberCard.RevokedReason.REISSUED:
        state = "replaced"
    elif card.member.left_on is not None or card.revoked_at is not None:
        state = "former"
    elif card.member.team.status != TeamStatus.ACTIVE:
        state = "dissolved"
    else:
        state = "current"
    response = render(
        request, "teams/verify.html", {"card": card, "state": state}, status=404 if card is None else 200
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


ROSTER_SESSION_KEY = "roster_import_file"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def roster_import(request):
    access.require_officer(request.user)
    return import_flow.upload_and_preview(
        request,
        form_class=ExcelUploadForm,
        reader=read_roster,
        session_key=ROSTER_SESSION_KEY,
        template="teams/import_roster.html",
        kind="roster",
        scope=access.officer_paths,
        rejected_url=reverse("teams:import_rejected"),
        creates_villages=True,
    )


@login_required
def roster_import_rejected(request):
    access.require_officer(request.user)
    return import_flow.rejected_download(
        request, session_key=ROSTER_SESSION_KEY, filename="danh-sach-thanh-vien-dong-loi.xlsx"
    )


@login_required
@require_POST
def roster_import_confirm(request):
    access.require_officer(request.user)
    return import_flow.confirm(
        request,
        importer=import_roster,
        session_key=ROSTER_SESSION_KEY,
        kind="roster",
        scope=access.officer_paths,
        back="teams:import",
        done_message=_(
            "Đã nhập: thêm mới %(created)d thành viên, cập nhật %(updated)d, bỏ qua %(skipped)d dòng lỗi."
        ),
    )


@login_required
def roster_template(request):
    access.require_officer(request.user)
    return _xlsx(build_roster_template(), "mau-danh-sach-thanh-vien.xlsx")


@login_required
def roster_export(request, code: str):
    """The roster of a unit in scope, in the columns the import reads (a round trip changes nothing)."""
    unit, _can = access.unit_for(request.user, code)
    return _xlsx(export_roster(unit), f"danh-sach-thanh-vien-{unit.code}.xlsx")
