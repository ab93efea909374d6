"""The accounts of a unit's and a team's people: who has one, who has used it, bulk creation for the
roster, one account by hand, and the one-time sign-in codes (a printed sheet per team, a Zalo message per
person). Officers manage the accounts under their units; a team leader those of their own team."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts import codes, lockout
from tocns.accounts import selectors as access
from tocns.accounts import services as account_services
from tocns.accounts.forms import AccountForm
from tocns.accounts.models import LoginLock, Role, RoleAssignment, User
from tocns.accounts.phones import normalize_phone
from tocns.accounts.views import mask_phone
from tocns.core.qr import qr_svg
from tocns.core.queries import vi_order
from tocns.units.models import Unit, UnitKind
from tocns.units.paths import child_of

from . import accounts, scope
from .models import Member, Team

SAFE_BACK = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~/?=&%+]*")
FILTERS = {
    "chua-dang-nhap": Q(last_login__isnull=True, is_active=True),
    "da-dang-nhap": Q(last_login__isnull=False, is_active=True),
    "vo-hieu": Q(is_active=False),
}


def _officer_unit(request, code: str) -> Unit:
    unit, can_edit = access.unit_for(request.user, code)
    if not can_edit:
        raise PermissionDenied
    return unit


def _leader_team(request, pk: int) -> Team:
    """A team whose accounts the user manages: officers over it and its own leader; members of it 403."""
    team, can_edit_roster = scope.team_for(request.user, pk)
    if not can_edit_roster:
        raise PermissionDenied
    return team


def _rows(users, actor) -> list[dict]:
    """A page of accounts with what an officer needs to know of each, and whether the actor may give each
    a new code."""
    users = list(users)
    ids = [u.pk for u in users]
    places: dict[int, list] = {}
    for member in Member.objects.filter(user_id__in=ids).select_related("team__unit"):
        places.setdefault(member.user_id, []).append(member)
    open_codes = set(codes.open_codes(ids).values_list("user_id", flat=True))
    now = timezone.now()
    locked = set(
        LoginLock.objects.filter(
            identifier__in=[lockout.account_key(u) for u in users], locked_until__gt=now
        ).values_list("identifier", flat=True)
    )
    roles: dict[int, list] = {}
    for assignment in RoleAssignment.objects.filter(user_id__in=ids, revoked_at__isnull=True).select_related(
        "unit"
    ):
        roles.setdefault(assignment.user_id, []).append(assignment)
    rows = []
    for user in users:
        if not user.is_active:
            state, tag = _("Đã vô hiệu hóa"), "warn"
        elif lockout.account_key(user) in locked:
            state, tag = _("Tạm khóa vì nhập sai mật khẩu"), "warn"
        elif not user.has_usable_password():
            state, tag = (
                (_("Đã cấp mã, chưa kích hoạt"), "") if user.pk in open_codes else (_("Chưa cấp mã"), "warn")
            )
        elif user.last_login is None:
            state, tag = _("Chưa đăng nhập"), ""
        else:
            state, tag = "", "ok"
        held = roles.get(user.pk, [])
        allowed = user.is_active and may_issue(actor, user, held, places.get(user.pk, []))[1]
        rows.append({"user": user, "state": state, "tag": tag, "roles": held, "can_issue": allowed})
    return rows


@login_required
def unit_accounts(request, code: str):
    unit = _officer_unit(request, code)
    people = accounts.people_under(unit)
    shown = request.GET.get("loc", "")
    if shown in FILTERS:
        people = people.filter(FILTERS[shown])
    query = (request.GET.get("q") or "").strip()[:100]  # control characters: dropped at the edge
    if query:
        phone = normalize_phone(query)  # "0912.345.678", "+84 912 345 678": the phone as accounts keep it
        people = people.filter(
            Q(phone=phone) if phone else Q(full_name__icontains=query) | Q(phone__contains=query)
        )
    page = Paginator(people.order_by(*vi_order("full_name"), "pk"), 50).get_page(request.GET.get("trang"))
    members = accounts.members_in(unit)
    context = {
        "unit": unit,
        "page": page,
        "rows": _rows(page.object_list, request.user),
        "shown": shown,
        "query": query,
        "filters": [("", _("Tất cả")), *((k, _label(k)) for k in FILTERS)],
        "without_account": members.filter(user__isnull=True).count(),
    }
    context["adoption"], context["breakdown"] = _breakdown(unit, members)
    return render(request, "teams/accounts/unit.html", context)


def _label(key: str) -> str:
    return {
        "chua-dang-nhap": _("Chưa đăng nhập lần nào"),
        "da-dang-nhap": _("Đã đăng nhập"),
        "vo-hieu": _("Đã vô hiệu hóa"),
    }[key]


def _breakdown(unit: Unit, members) -> tuple[accounts.Adoption, list[dict]]:
    """Adoption in all, and per team (a commune or a village) or per child unit (a province): where to go
    next. One grouped query."""
    total = accounts.Adoption()
    if unit.kind in (UnitKind.COMMUNE, UnitKind.VILLAGE):
        by_team = {}
        for pk, n, a, s in accounts.adoption_rows(members, by="team_id"):
            by_team[pk] = accounts.Adoption(n, a, s)
            total.add(n, a, s)
        teams = (
            Team.objects.filter(pk__in=list(by_team))
            .select_related("unit")
            .order_by("unit__path", *vi_order("name"))
        )
        return total, [
            {"team": t, "label": t.name, "sub": t.unit.name, "adoption": by_team[t.pk]} for t in teams
        ]
    children = {c.path: c for c in Unit.objects.filter(parent=unit).current().order_by(*vi_order("name"))}
    sums = {path: accounts.Adoption() for path in children}
    for path, n, a, s in accounts.adoption_rows(members):
        total.add(n, a, s)
        child = child_of(path, unit.path)
        if child in sums:
            sums[child].add(n, a, s)
    return total, [{"unit": c, "label": c.name, "adoption": sums[p]} for p, c in children.items()]


@login_required
def team_accounts(request, pk: int):
    team = _leader_team(request, pk)
    members = list(team.members.current().select_related("user").order_by("role", *vi_order("full_name")))
    users = [m.user for m in members if m.user_id]
    states = {row["user"].pk: row for row in _rows(users, request.user)}
    context = {
        "team": team,
        "members": [{"member": m, "row": states.get(m.user_id)} for m in members],
        "adoption": accounts.adoption(accounts.members_in(team=team)),
        "to_activate": sum(
            1 for u in users if u.is_active and not u.has_usable_password() and states[u.pk]["can_issue"]
        ),
    }
    return render(request, "teams/accounts/team.html", context)


def _bulk(request, *, members, scope_name: str, back: str, template_context: dict):
    plan = accounts.plan(members)
    done = False
    if request.method == "POST":
        try:
            plan = accounts.create_accounts(actor=request.user, members=members)
        except IntegrityError:  # an account made by hand for one of these phones at the same moment
            messages.error(
                request,
                _("Có người vừa tạo tài khoản cho một số điện thoại trong danh sách. Vui lòng thử lại."),
            )
            return redirect(request.path)
        done = True
        messages.success(
            request,
            _("Đã tạo %(made)s tài khoản và liên kết %(linked)s tài khoản có sẵn.")
            % {"made": len(plan.create), "linked": len(plan.link)},
        )
    context = {"plan": plan, "done": done, "scope_name": scope_name, "back": back, **template_context}
    return render(request, "teams/accounts/bulk.html", context)


@login_required
def unit_accounts_bulk(request, code: str):
    unit = _officer_unit(request, code)
    return _bulk(
        request,
        members=accounts.members_in(unit),
        scope_name=unit.name,
        back=reverse("teams:unit_accounts", args=[unit.code]),
        template_context={"unit": unit},
    )


@login_required
def team_accounts_bulk(request, pk: int):
    team = _leader_team(request, pk)
    return _bulk(
        request,
        members=accounts.members_in(team=team),
        scope_name=team.name,
        back=reverse("teams:team_accounts", args=[team.pk]),
        template_context={"team": team},
    )


@login_required
def account_create(request, code: str):
    """One account by hand (an officer, a person not on a roster yet): shows its code at once."""
    unit = _officer_unit(request, code)
    form = AccountForm(
        request.POST or None,
        initial={"unit_code": unit.code},
        roles=account_services.grantable_roles(request.user),
        units_qs=access.editable_units_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = None
        if data["role"] in (Role.TEAM_LEADER, Role.TEAM_MEMBER):
            # The person is on a roster there already: the account is theirs, with the role their place gives.
            member = (
                accounts.members_in(data["unit_code"])
                .filter(phone=data["phone"], user__isnull=True)
                .select_related("team__unit")
                .first()
            )
        try:
            user = accounts.create_one(
                actor=request.user,
                full_name=data["full_name"],
                phone=data["phone"],
                role=data["role"],
                unit=data["unit_code"],
                member=member,
            )
        except IntegrityError:
            form.add_error("phone", _("Số điện thoại này vừa được tạo tài khoản."))
        else:
            issued = codes.issue(actor=request.user, user=user, unit_path=data["unit_code"].path)
            return _code_page(request, [issued], back=reverse("teams:unit_accounts", args=[unit.code]))
    return render(
        request,
        "teams/accounts/create.html",
        {"unit": unit, "form": form},
        status=400 if form.errors else 200,
    )


def _slip(request, issued: codes.Issued) -> dict:
    link = request.build_absolute_uri(reverse("accounts:activate_link", args=[issued.token]))
    typed = request.build_absolute_uri(reverse("accounts:activate"))
    expires = formats.date_format(issued.expires_at.astimezone(), "d/m/Y")
    name = issued.user.full_name or issued.user.username
    message = _(
        "Chào %(name)s, tài khoản Tổ công nghệ số của bạn đã sẵn sàng. Mở đường dẫn sau trên điện thoại của "
        "bạn để tự đặt mật khẩu: %(link)s . Hoặc vào %(typed)s , nhập số điện thoại của bạn và mã %(code)s . "
        "Mã dùng một lần, hết hạn ngày %(expires)s. Không đưa mã này cho ai khác; không ai được hỏi mật khẩu "
        "của bạn."
    ) % {"name": name, "link": link, "typed": typed, "code": issued.code, "expires": expires}
    return {
        "name": name,
        "masked": mask_phone(issued.user.phone),
        "code": issued.code,
        "link": link,
        "typed": typed,
        "expires": expires,
        "qr": qr_svg(link),
        "message": message,
    }


def _code_page(request, issued: list, *, back: str, team=None):
    slips = [_slip(request, one) for one in issued]
    return render(request, "teams/accounts/sheet.html", {"slips": slips, "back": back, "team": team})


@login_required
@require_POST
def team_sheet(request, pk: int):
    """Codes for the team's members who have not set a password yet (or, asked, for everyone with an
    account), printed one slip a person; earlier codes of theirs stop working."""
    team = _leader_team(request, pk)
    everyone = request.POST.get("tat-ca") == "1"
    users = [
        m.user
        for m in team.members.current().select_related("user").order_by("role", *vi_order("full_name"))
        if m.user_id and m.user.is_active and (everyone or not m.user.has_usable_password())
    ]
    users = [user for user in users if can_issue(request.user, user)[1]]  # never a code for a peer or above
    if not users:
        messages.error(
            request, _("Không có ai cần mã kích hoạt. Hãy tạo tài khoản cho các thành viên trước.")
        )
        return redirect("teams:team_accounts", pk=team.pk)
    issued = codes.issue_many(actor=request.user, users=users, unit_path=team.unit.path)
    return _code_page(request, issued, back=reverse("teams:team_accounts", args=[team.pk]), team=team)


# Who stands above whom, for issuing sign-in codes: a code sets the account's password, so nobody issues one
# for a peer or anyone above (a commune officer's code comes from the province, a province officer's from
# the system administrator).
RANK = {
    Role.ADMIN: 5,
    Role.PROVINCE_OFFICER: 4,
    Role.COMMUNE_OFFICER: 3,
    Role.EDITOR: 3,
    Role.TEAM_LEADER: 2,
    Role.TEAM_MEMBER: 1,
}


def can_issue(actor, target: User) -> tuple[bool, bool]:
    """(visible, allowed): may the actor see this account, and give it a new code?"""
    roles = list(RoleAssignment.objects.filter(user=target, revoked_at__isnull=True).select_related("unit"))
    places = list(Member.objects.filter(user=target).select_related("team__unit"))
    return may_issue(actor, target, roles, places)


def may_issue(actor, target: User, roles: list, places: list) -> tuple[bool, bool]:
    """can_issue() from the target's current roles and roster places, read by the caller. Officers issue for
    accounts whose every role is under their units and below their own rank; a team leader for accounts that
    are only team members, on a team they lead."""
    if target.pk == actor.pk:
        return True, False  # one's own password is changed on one's own page
    if access.is_admin(actor):
        return True, True
    paths = [r.unit.path for r in roles if r.unit_id] + [m.team.unit.path for m in places]
    visible = any(access.covers(actor, path) for path in paths)
    if not visible or not roles:
        return visible, False
    rank = RANK.get(access.main_role(actor), 0)
    if all(
        RANK.get(r.role, 5) < rank and r.unit_id and access.covers(actor, r.unit.path, officer_only=True)
        for r in roles
    ):
        return True, True
    leads = any(access.leads(actor, m.team.unit.path) for m in places if m.left_on is None)
    return True, leads and all(r.role == Role.TEAM_MEMBER for r in roles)


@login_required
@require_POST
def issue_code(request, user_pk: int):
    target = User.objects.filter(pk=user_pk).first()
    if target is None:
        raise Http404
    visible, allowed = can_issue(request.user, target)
    if not visible:
        raise Http404
    if not allowed:
        raise PermissionDenied
    back = request.POST.get("ve", "")
    if not SAFE_BACK.fullmatch(back):  # only a path of this site: no //host, /\\host, tabs or newlines
        back = reverse("home:home")
    if not target.is_active:
        messages.error(
            request,
            _(
                "Tài khoản này đã bị vô hiệu hóa (không còn vai trò nào). Hãy phân quyền lại trước khi cấp mã."
            ),
        )
        return redirect(back)
    path = next((r.unit.path for r in access.active_roles(target) if r.unit_id), "")
    issued = codes.issue(actor=request.user, user=target, unit_path=path)
    return _code_page(request, [issued], back=back)
