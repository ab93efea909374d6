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

from . import lockout, selectors, services
from .forms import GrantRoleForm, LoginForm
from .models import RoleAssignment


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request, data=request.POST or None)
    locked = None
    if request.method == "POST":
        identifier = request.POST.get("username", "")
        locked = lockout.locked_until(identifier)
        if locked is None and form.is_valid():
            lockout.register_success(identifier)
            login(request, form.user)
            # A member's own phone stays signed in for months; otherwise until the browser closes.
            request.session.set_expiry(None if form.cleaned_data["remember"] else 0)
            target = request.POST.get("next") or request.GET.get("next")
            if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
                return redirect(target)
            return redirect("core:home")
        if locked is None and form.errors and identifier:
            locked = lockout.register_failure(identifier)
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
