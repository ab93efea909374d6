import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts import selectors as access
from tocns.teams import selectors as team_selectors

from . import selectors, services
from .forms import VillageForm, VillageImportForm
from .models import UnitKind
from .village_import import ImportFileError, apply_villages, build_template, read_villages

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_SESSION_KEY = "village_import_file"


@login_required
def browse(request):
    """The top of the user's part of the tree, and the search box."""
    query = request.GET.get("q", "").strip()
    results = selectors.search(access.units_for(request.user), query) if query else None
    roots = selectors.with_counts(access.root_units_for(request.user)).order_by("name")
    return render(request, "units/browse.html", {"roots": roots, "query": query, "results": results})


@login_required
def detail(request, code: str):
    unit, can_edit = access.unit_for(request.user, code)
    teams = team_selectors.with_roster_counts(unit.teams.all()).order_by("status", "name")
    context = {
        "unit": unit,
        "coverage": team_selectors.coverage_of(unit),
        "teams": teams,
        "can_edit": can_edit,
        "ancestors": [(a, access.covers(request.user, a.path)) for a in unit.ancestors()],
        "children": team_selectors.with_coverage(selectors.children_of(unit)),
        "totals": selectors.with_counts(type(unit).objects.filter(pk=unit.pk)).get(),
        "history": selectors.history_of(unit),
    }
    return render(request, "units/detail.html", context)


@login_required
def edit_village(request, code: str):
    unit, can_edit = access.unit_for(request.user, code)
    if not can_edit or unit.kind != UnitKind.VILLAGE:
        raise PermissionDenied
    form = VillageForm(request.POST or None, initial={"name": unit.name, "households": unit.households})
    if request.method == "POST" and form.is_valid():
        services.update_village(
            unit=unit,
            name=form.cleaned_data["name"],
            households=form.cleaned_data["households"],
            actor=request.user,
        )
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect("units:detail", code=unit.code)
    return render(request, "units/edit_village.html", {"unit": unit, "form": form})


@login_required
def import_template(request):
    access.require_officer(request.user)
    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-thon.xlsx"'
    return response


@login_required
def import_villages(request):
    """Upload -> preview with row errors -> confirm. The file waits on disk between the two steps."""
    access.require_officer(request.user)
    form = VillageImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            result = read_villages(data, allowed_paths=access.officer_paths(request.user))
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            name = default_storage.save(f"imports/{secrets.token_hex(16)}.xlsx", ContentFile(data))
            request.session[IMPORT_SESSION_KEY] = name
            context.update(result=result, preview_rows=result.to_create[:200], error_rows=result.errors[:500])
    return render(request, "units/import_villages.html", context)


@login_required
@require_POST
def import_villages_confirm(request):
    access.require_officer(request.user)
    name = request.session.pop(IMPORT_SESSION_KEY, None)
    if not name or not default_storage.exists(name):
        messages.error(request, _("Phiên nhập đã hết hạn. Vui lòng tải tệp lên lại."))
        return redirect("units:import")
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    default_storage.delete(name)
    # Checked again: the tree or the user's rights may have changed since the preview.
    result = read_villages(data, allowed_paths=access.officer_paths(request.user))
    skip_bad_rows = request.POST.get("skip_bad_rows") == "1"
    apply_villages(result, actor=request.user, skip_bad_rows=skip_bad_rows)
    if result.written:
        messages.success(
            request,
            _("Đã nhập: thêm mới %(created)d thôn, cập nhật %(updated)d, bỏ qua %(skipped)d dòng lỗi.")
            % {
                "created": len(result.to_create),
                "updated": len(result.to_update),
                "skipped": len(result.errors),
            },
        )
    else:
        messages.error(request, _("Không ghi gì vì tệp có dòng lỗi."))
    return redirect("units:import")
