"""The audit log's pages: officers read the log of their units, and province officers set how long it keeps
personal values. Here, above audit: the log is written by every app down to units (audit imports none of
them), while reading it needs the roles."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tocns.audit.models import AuditEntry, Retention
from tocns.audit.services import record
from tocns.units.models import Unit

from . import selectors as access
from .models import Role


class RetentionForm(forms.Form):
    province = forms.ModelChoiceField(label=gettext_lazy("Tỉnh/thành phố"), queryset=Unit.objects.none())
    years = forms.IntegerField(
        label=gettext_lazy("Số năm giữ thông tin cá nhân trong nhật ký"), min_value=1, max_value=50
    )


def _provinces(user):
    """The provinces whose retention the user sets: all for the system administrator, their own for a
    province officer, none for anyone else."""
    if access.is_admin(user):
        return Unit.objects.filter(parent__isnull=True).current()
    paths = [r.unit.path for r in access.active_roles(user) if r.role == Role.PROVINCE_OFFICER and r.unit_id]
    return Unit.objects.filter(path__in=paths, parent__isnull=True)


def entries_for(user):
    """The audit log of the units the user is an officer of, and below."""
    access.require_officer(user)
    return AuditEntry.objects.filter(access.scope_q(user, field="unit_path", officer_only=True))


@login_required
def audit_log(request):
    entries = entries_for(request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("trang"))
    provinces = list(_provinces(request.user).order_by("name"))
    form = None
    if provinces:
        form = RetentionForm(initial={"province": provinces[0], "years": _years(provinces[0])})
        form.fields["province"].queryset = _provinces(request.user)
    return render(request, "audit/log.html", {"page": page, "retention_form": form, "provinces": provinces})


def _years(province) -> int:
    from django.conf import settings

    own = Retention.objects.filter(unit=province).first()
    return own.years if own else settings.AUDIT_RETENTION_YEARS


@login_required
@require_POST
def retention(request):
    form = RetentionForm(request.POST)
    form.fields["province"].queryset = _provinces(request.user)
    if not form.fields["province"].queryset.exists():
        raise PermissionDenied
    if form.is_valid():
        province, years = form.cleaned_data["province"], form.cleaned_data["years"]
        before = _years(province)
        Retention.objects.update_or_create(unit=province, defaults={"years": years})
        record(
            actor=request.user,
            action="update",
            obj=province,
            unit_path=province.path,
            before={"audit_retention_years": before},
            after={"audit_retention_years": years},
        )
        messages.success(
            request,
            _("Nhật ký của %(name)s giữ thông tin cá nhân %(n)s năm.") % {"name": province.name, "n": years},
        )
    else:
        messages.error(request, _("Số năm phải từ 1 đến 50."))
    return redirect("audit:log")
