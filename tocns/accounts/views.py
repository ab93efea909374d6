from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import codes, lockout, selectors, services, sessions
from .forms import CodeForm, GrantRoleForm, LoginForm, NewPasswordForm, PasswordForm
from .models import RoleAssignment


def login_view(request):
    if request.user.is_authenticated:
        return redirect("home:home")
    form = LoginForm(request, data=request.POST or None)
    locked = None
    if request.method == "POST":
        identifier = request.POST.get("username", "")
        locked = lockout.locked_until(identifier) or lockout.address_locked_until(
            lockout.client_address(request)
        )
        if locked is None and form.is_valid():
            lockout.register_success(identifier)
            login(request, form.user)
            # A member's own phone stays signed in for months; otherwise until the browser closes.
            sessions.remember(request, form.cleaned_data["remember"])
            target = request.POST.get("next") or request.GET.get("next")
            if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
                return redirect(target)
            return redirect("home:home")
        if locked is None and form.errors and identifier:
            locked = lockout.register_failure(identifier)
            _failed_try(request)
        status = 429 if locked else 200
    else:
        status = 200
    context = {
        "form": form,
        "locked_until": formats.date_format(locked.astimezone(), "H:i") if locked else None,
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/login.html", context, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def roles_view(request):
    selectors.require_officer(request.user)
    assignments = (
        RoleAssignment.objects.filter(selectors.scope_q(request.user, field="unit__path", officer_only=True))
        .filter(revoked_at__isnull=True)
        .select_related("user", "unit")
        .order_by("unit__path", "role", "user__username")
    )
    if not selectors.is_admin(request.user):
        assignments = assignments.filter(unit__isnull=False)
    form = GrantRoleForm(
        request.POST or None,
        roles=services.grantable_roles(request.user),
        units_qs=selectors.editable_units_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.grant_role(
            actor=request.user,
            user=form.cleaned_data["user_login"],
            role=form.cleaned_data["role"],
            unit=form.cleaned_data["unit_code"],
        )
        messages.success(request, _("Đã phân quyền."))
        return redirect("accounts:roles")
    page = Paginator(assignments, 50).get_page(request.GET.get("trang"))
    return render(request, "accounts/roles.html", {"page": page, "form": form})


@login_required
@require_POST
def revoke_view(request, pk: int):
    selectors.require_officer(request.user)
    assignment = get_object_or_404(
        RoleAssignment.objects.select_related("unit", "user"), pk=pk, revoked_at=None
    )
    if not selectors.is_admin(request.user):
        if assignment.unit is None or not selectors.covers(request.user, assignment.unit.path):
            raise Http404
        if not selectors.covers(request.user, assignment.unit.path, officer_only=True):
            raise PermissionDenied
    # Nobody removes their own role: an officer could lock themselves out of their commune.
    if assignment.role not in services.grantable_roles(request.user) or assignment.user_id == request.user.pk:
        raise PermissionDenied
    services.revoke_role(actor=request.user, assignment=assignment)
    messages.success(request, _("Đã thu hồi quyền."))
    return redirect("accounts:roles")


def _address_wait(request):
    """The time until which this address must wait after too many wrong codes or passwords, or None."""
    until = lockout.address_locked_until(lockout.client_address(request))
    return formats.date_format(until.astimezone(), "H:i") if until else None


def _failed_try(request) -> None:
    """A wrong code or password from this address; the try that locks it is logged."""
    address = lockout.client_address(request)
    lock = lockout.register_address_failure(address)
    if lock is not None:
        from tocns.audit.services import record

        record(actor=None, action="address_locked", obj=lock, unit_path="", after={"address": address})


def _signed_in(request, user, remember: bool):
    login(request, user, backend="tocns.accounts.backends.UsernameOrPhoneBackend")
    sessions.remember(request, remember)
    messages.success(
        request,
        _("Bạn đã đặt mật khẩu và đăng nhập. Lần sau hãy đăng nhập bằng số điện thoại và mật khẩu này."),
    )
    return redirect("home:home")


def activate_view(request, token: str | None = None):
    """Set one's own password with a one-time code: from the slip's QR or the Zalo link (token), or by typing
    phone and code. Opening the link changes nothing (Zalo previews links); only sending the form does."""
    wait = _address_wait(request)
    if wait:
        context = {"wait": wait}
        return render(request, "accounts/activate.html", context, status=429)
    code, problem = None, None
    if token is not None:
        try:
            code = codes.by_token(token)
        except codes.CodeError as error:
            problem = error
            if error.reason == "unknown":
                _failed_try(request)
    if problem is not None:
        status = {"unknown": 404, "disabled": 403}.get(problem.reason, 410)
        return render(request, "accounts/activate.html", {"problem": problem.message}, status=status)
    if code is not None:
        form = NewPasswordForm(request.POST or None, user=code.user)
    else:
        form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if code is None:
            try:
                code = codes.by_phone(form.cleaned_data["phone"], form.cleaned_data["code"])
            except codes.CodeError as error:
                if error.reason == "unknown":
                    _failed_try(request)
                form.add_error("code", error.message)
                status = 400
        if code is not None:
            try:
                user = codes.redeem(code=code, password=form.cleaned_data["password1"])
            except codes.CodeError as error:  # spent by another tap a moment ago
                form.add_error(None, error.message)
                status = 410
            else:
                return _signed_in(request, user, form.cleaned_data["remember"])
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "code": code,
        "masked": mask_phone(code.user.phone) if code else "",
        # Someone else is signed in on this browser (an officer trying a member's link): setting the password
        # signs them out and signs the code's owner in.
        "other_signed_in": request.user.is_authenticated
        and (code is None or code.user_id != request.user.pk),
    }
    return render(request, "accounts/activate.html", context, status=status)


def mask_phone(phone: str | None) -> str:
    """0912 345 678 → 0912 ••• 678: enough for a person to know it is theirs."""
    phone = phone or ""
    return f"{phone[:4]} ••• {phone[-3:]}" if len(phone) >= 9 else ""


def forgot_view(request):
    return render(request, "accounts/forgot.html")


@login_required
def me_view(request):
    """A person's own account: their roles, where they are signed in, their password."""
    roles = selectors.active_roles(request.user)
    context = {
        "roles": roles,
        "sessions": list(sessions.open_sessions(request.user)),
        "current_key": request.session.session_key,
        "password_form": PasswordForm(request.user),
    }
    return render(request, "accounts/me.html", context)


@login_required
@require_POST
def password_view(request):
    from django.contrib.auth import update_session_auth_hash

    form = PasswordForm(request.user, request.POST)
    if form.is_valid():
        form.save()
        # This browser stays signed in; every other one is signed out by the new password.
        update_session_auth_hash(request, form.user)
        from tocns.audit.services import record

        record(actor=request.user, action="password_change", obj=request.user, unit_path="")
        messages.success(request, _("Đã đổi mật khẩu. Các thiết bị khác đã bị đăng xuất."))
        return redirect("accounts:me")
    context = {
        "roles": selectors.active_roles(request.user),
        "sessions": list(sessions.open_sessions(request.user)),
        "current_key": request.session.session_key,
        "password_form": form,
    }
    return render(request, "accounts/me.html", context, status=400)


@login_required
@require_POST
def end_session_view(request, pk: int):
    from .models import UserSession

    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    current = session.session_key == request.session.session_key
    sessions.end(actor=request.user, session=session)
    if current:
        logout(request)
        return redirect("accounts:login")
    messages.success(request, _("Đã đăng xuất thiết bị %(device)s.") % {"device": session.device})
    return redirect("accounts:me")
