"""Which plans a user may read or edit, built on the generic scope (accounts.selectors)."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from tocns.accounts.selectors import ancestor_paths, covered_paths, covers, scope_q
from tocns.units.models import Unit

from .models import Plan, PlanStatus, TargetShare, Task


def plans_for(user):
    """Plans a user may read: every plan of a unit in their scope, and the active plans of the units
    above them that hand a share or a task to a unit or team in their scope (a village team sees the
    commune's plan that gives it 50 VNeID activations; a commune officer the province's)."""
    paths = covered_paths(user)
    if paths is None:
        return Plan.objects.all()
    teams_here = scope_q(user, field="team__unit__path")
    gives_share = TargetShare.objects.filter(target__plan=OuterRef("pk")).filter(
        scope_q(user, field="unit__path") | teams_here
    )
    gives_task = Task.objects.filter(plan=OuterRef("pk")).filter(teams_here)
    from_above = Q(unit_path__in=ancestor_paths(paths), status=PlanStatus.ACTIVE) & (
        Exists(gives_share) | Exists(gives_task)
    )
    return Plan.objects.filter(scope_q(user, field="unit_path") | from_above)


def plan_for(user, pk: int):
    """(plan, can_edit): officers over the plan's unit edit it; others who may see it read; anybody
    else gets 404."""
    plan = (
        plans_for(user).select_related("unit", "unit__parent", "parent", "parent__unit").filter(pk=pk).first()
    )
    if plan is None:
        raise Http404
    return plan, covers(user, plan.unit_path, officer_only=True)


def plan_unit_for(user, code: str) -> tuple[Unit, bool]:
    """(unit, can_edit) for a unit's list of plans: a unit in scope, or one above the user's units (read
    only; its list then holds only the plans plans_for lets them read). Anything else: 404."""
    unit = Unit.objects.select_related("parent").typed_code(code)
    if unit is None:
        raise Http404
    if covers(user, unit.path):
        return unit, covers(user, unit.path, officer_only=True)
    if unit.path in ancestor_paths(covered_paths(user) or []):
        return unit, False
    raise Http404
