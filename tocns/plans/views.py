"""Plan pages. Scope comes from plans.scope: officers over the plan's unit edit, others who may
see the plan read (403 on a change), anybody else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.accounts import selectors as access
from tocns.core.queries import vi_order

from . import scope, selectors, services
from .forms import PlanForm, ShareForm, TargetForm, TaskForm
from .models import PlanStatus, TargetShare


def _editable_plan(user, pk: int):
    plan, can_edit = scope.plan_for(user, pk)
    if not can_edit:
        raise PermissionDenied
    return plan


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _form_page(request, form, *, plan=None, unit=None, heading, submit, extra=None):
    context = {"form": form, "plan": plan, "unit": unit or (plan.unit if plan else None), "heading": heading}
    context.update(submit=submit, **(extra or {}))
    return render(request, "plans/form.html", context)


@login_required
def index(request):
    """The plans a user may read (their own units' and those above that give them work), newest first."""
    plans = selectors.plan_list(scope.plans_for(request.user)).order_by("-year", "unit__path", "title")
    roots = []
    if access.is_officer(request.user):
        roots = (
            access.root_units_for(request.user)
            .filter(kind__in=services.PLAN_UNIT_KINDS)
            .order_by(*vi_order("name"))[:20]
        )
    return render(request, "plans/index.html", {"plans": plans[:200], "roots": roots})


@login_required
def unit_plans(request, code: str):
    unit, can_edit = scope.plan_unit_for(request.user, code)
    plans = selectors.plan_list(scope.plans_for(request.user).filter(unit=unit)).order_by("-year", "title")
    context = {
        "unit": unit,
        "can_edit": can_edit,
        "plans": plans,
        "unit_visible": access.covers(request.user, unit.path),
        "plan_kinds": services.PLAN_UNIT_KINDS,
    }
    return render(request, "plans/unit_plans.html", context)


@login_required
def plan_create(request):
    unit, can_edit = access.unit_for(request.user, request.GET.get("don-vi", ""))
    if not can_edit:
        raise PermissionDenied
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Đã lập kế hoạch. Hãy thêm chỉ tiêu và nhiệm vụ."))
            return redirect("plans:detail", pk=plan.pk)
    return _form_page(request, form, unit=unit, heading=_("Lập kế hoạch năm"), submit=_("Lập kế hoạch"))


@login_required
def plan_detail(request, pk: int):
    plan, can_edit = scope.plan_for(request.user, pk)
    page = selectors.plan_page(plan)
    context = {
        "plan": plan,
        "can_edit": can_edit,
        "page": page,
        "children": list(plan.children.select_related("unit").order_by(*vi_order("unit__name"))),
        "can_cascade": can_edit and plan.unit.kind == "province",
        "shares_open": SHARES_OPEN,
    }
    return render(request, "plans/plan.html", context)


# A target's shares are shown open up to this many; a province's (a share per commune, up to ~170, for each
# target) are folded under a line that says how many there are and how many are behind.
SHARES_OPEN = 12


@login_required
def target_add(request, pk: int):
    plan = _editable_plan(request.user, pk)
    form = TargetForm(request.POST or None, initial={"split_to": services.default_split_to(plan.unit)})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_target(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Đã thêm chỉ tiêu và chia cho cấp dưới."))
            return redirect("plans:detail", pk=plan.pk)
    return _form_page(request, form, plan=plan, heading=_("Thêm chỉ tiêu"), submit=_("Thêm và chia"))


@login_required
def share_edit(request, pk: int, share_pk: int):
    plan = _editable_plan(request.user, pk)
    share = get_object_or_404(
        TargetShare.objects.select_related("target", "target__service", "unit", "team"),
        pk=share_pk,
        target__plan=plan,
    )
    form = ShareForm(request.POST or None, initial={"value": share.value})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "release":
                services.release_share(actor=request.user, share=share)
                messages.success(request, _("Phần giao đã trở về chia tự động."))
                return redirect("plans:detail", pk=plan.pk)
            if form.is_valid():
                services.set_share(actor=request.user, share=share, value=form.cleaned_data["value"])
                messages.success(request, _("Đã giao tay; các phần khác đã được chia lại."))
                return redirect("plans:detail", pk=plan.pk)
        except ValidationError as error:
            _form_errors(form, error)
    return _form_page(
        request,
        form,
        plan=plan,
        heading=_("Sửa phần giao cho %(name)s") % {"name": share.recipient},
        submit=_("Giao tay"),
        extra={"share": share},
    )


@login_required
@require_POST
def cascade(request, pk: int):
    plan = _editable_plan(request.user, pk)
    try:
        children = services.cascade_to_children(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã giao xuống %(n)s kế hoạch cấp xã.") % {"n": len(children)})
    return redirect("plans:detail", pk=plan.pk)


@login_required
@require_POST
def plan_status(request, pk: int):
    plan = _editable_plan(request.user, pk)
    status = request.POST.get("status", "")
    if status in PlanStatus.values:
        services.set_plan_status(actor=request.user, plan=plan, status=status)
        messages.success(request, _("Đã chuyển kế hoạch sang: %(s)s.") % {"s": plan.get_status_display()})
    return redirect("plans:detail", pk=plan.pk)


@login_required
def task_add(request, pk: int):
    plan = _editable_plan(request.user, pk)
    teams = services.teams_of(plan).select_related("unit").order_by(*vi_order("unit__name", "name"))
    form = TaskForm(request.POST or None, teams=teams, initial={"deadline": f"{plan.year}-12-31"})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_task(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Đã giao nhiệm vụ."))
            return redirect(reverse("plans:detail", args=[plan.pk]) + "#nhiem-vu")
    return _form_page(request, form, plan=plan, heading=_("Giao nhiệm vụ cho tổ"), submit=_("Giao nhiệm vụ"))


@login_required
@require_POST
def task_done(request, pk: int, task_pk: int):
    plan = _editable_plan(request.user, pk)
    task = get_object_or_404(plan.tasks.all(), pk=task_pk)
    done = request.POST.get("done", "1") != "0"
    try:
        services.mark_task_done(actor=request.user, task=task, done=done)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã đánh dấu xong.") if done else _("Đã bỏ đánh dấu xong."))
    return redirect(reverse("plans:detail", args=[plan.pk]) + "#nhiem-vu")
