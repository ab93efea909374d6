"""The pages of the unit tree: browsing it, a unit with its teams and coverage, a village's details and the
village list import. They live with the home page, above units: they need the scope rules (accounts) and the
teams under a unit, which units itself, below both, must not import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts import selectors as access
from tocns.core import import_flow
from tocns.core.excel_write import XLSX
from tocns.core.queries import vi_order
from tocns.teams import selectors as team_selectors
from tocns.units import selectors, services, village_import
from tocns.units.forms import VillageForm, VillageImportForm
from tocns.units.models import UnitKind
from tocns.units.village_import import build_template, read_villages

IMPORT_SESSION_KEY = "village_import_file"


@login_required
def browse(request):
    """The top of the user's part of the tree, and the search box."""
    query = request.GET.get("q", "").strip()
    results = selectors.search(access.units_for(request.user), query) if query else None
    roots = selectors.with_counts(access.root_units_for(request.user).order_by(*vi_order("name")))
    return render(request, "units/browse.html", {"roots": roots, "query": query, "results": results})


@login_required
def detail(request, code: str):
    unit, can_edit = access.unit_for(request.user, code)
    teams = team_selectors.with_roster_counts(unit.teams.all()).order_by("status", *vi_order("name"))
    children = list(selectors.children_of(unit))
    coverage, by_child = team_selectors.coverage_tree(unit, children)
    for child in children:
        child.coverage = by_child[child.pk]
    context = {
        "unit": unit,
        "coverage": coverage,
        "teams": teams,
        "can_edit": can_edit,
        "ancestors": [(a, access.covers(request.user, a.path)) for a in unit.ancestors()],
        "children": children,
        "totals": selectors.with_counts([unit])[0],
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
    access.require_officer(request.user)
    return import_flow.upload_and_preview(
        request,
        form_class=VillageImportForm,
        reader=read_villages,
        session_key=IMPORT_SESSION_KEY,
        template="units/import_villages.html",
        kind="villages",
        scope=access.officer_paths,
        rejected_url=reverse("units:import_rejected"),
    )


@login_required
def import_villages_rejected(request):
    access.require_officer(request.user)
    return import_flow.rejected_download(
        request, session_key=IMPORT_SESSION_KEY, filename="danh-sach-thon-dong-loi.xlsx"
    )


@login_required
@require_POST
def import_villages_confirm(request):
    access.require_officer(request.user)
    return import_flow.confirm(
        request,
        importer=village_import.import_villages,
        session_key=IMPORT_SESSION_KEY,
        kind="villages",
        scope=access.officer_paths,
        back="units:import",
        done_message=_(
            "Đã nhập: thêm mới %(created)d thôn, cập nhật %(updated)d, bỏ qua %(skipped)d dòng lỗi."
        ),
    )
