"""Writes on plans: plans, targets and their shares, the cascade to the plans below, tasks. Every
change is audited against the plan's unit. Callers have checked that the actor may edit the plan."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit import services as audit
from tocns.core import stamps
from tocns.teams.models import Team, TeamStatus
from tocns.units.models import Unit, UnitKind

from .models import Indicator, Plan, PlanStatus, SplitTo, Target, TargetShare, Task
from .split import largest_remainder, recipients

PLAN_UNIT_KINDS = (UnitKind.PROVINCE, UnitKind.COMMUNE)
PLAN_FIELDS = ["unit", "year", "title", "status", "parent"]
TARGET_FIELDS = ["indicator", "service", "value", "split_to"]
TASK_FIELDS = ["team", "title", "deadline", "indicator", "service", "target_value"]


def default_split_to(unit: Unit) -> str:
    """A province hands its targets to its communes; a commune to its teams."""
    return SplitTo.UNITS if unit.kind == UnitKind.PROVINCE else SplitTo.TEAMS


def _record(obj, *, actor, action, plan: Plan, before=None, after=None):
    audit.record(actor=actor, action=action, obj=obj, unit_path=plan.unit_path, before=before, after=after)


@transaction.atomic
def create_plan(
    *, actor, unit: Unit, year: int, title: str, status: str = PlanStatus.DRAFT, parent: Plan | None = None
) -> Plan:
    if unit.kind not in PLAN_UNIT_KINDS:
        raise ValidationError(
            _("Chỉ tỉnh và xã/phường lập kế hoạch; thôn nhận phần giao từ kế hoạch của xã.")
        )
    plan = Plan(
        unit=unit,
        unit_path=unit.path,
        year=year,
        title=" ".join(title.split()),
        status=status,
        parent=parent,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    plan.full_clean()
    plan.save()
    _record(plan, actor=actor, action="create", plan=plan, after=audit.snapshot(plan, PLAN_FIELDS))
    return plan


@transaction.atomic
def set_plan_status(*, actor, plan: Plan, status: str) -> Plan:
    if status not in PlanStatus.values:
        raise ValidationError(_("Trạng thái không hợp lệ."))
    before = audit.snapshot(plan, ["status"])
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    _record(
        plan, actor=actor, action="update", plan=plan, before=before, after=audit.snapshot(plan, ["status"])
    )
    return plan


def _check_target(plan: Plan, indicator: str, service, value: int, *, exclude_pk=None) -> None:
    if indicator not in Indicator.values:
        raise ValidationError({"indicator": _("Chỉ tiêu không hợp lệ.")})
    if indicator == Indicator.SERVICE_COMPLETED and service is None:
        raise ValidationError({"service": _("Chọn dịch vụ số cho chỉ tiêu này.")})
    if value is None or value < 0:
        raise ValidationError({"value": _("Giá trị phải là số không âm.")})
    if indicator == Indicator.HOUSEHOLDS_SHARE and value > 100:
        raise ValidationError({"value": _("Tỉ lệ hộ không quá 100%.")})
    duplicate = plan.targets.filter(indicator=indicator, service=service if service else None)
    if exclude_pk:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        raise ValidationError(_("Kế hoạch đã có chỉ tiêu này; hãy sửa phần giao của chỉ tiêu đó."))


@transaction.atomic
def add_target(
    *, actor, plan: Plan, indicator: str, value: int, service=None, split_to: str | None = None
) -> Target:
    """A new target, split at once over the units or teams below (see split_target)."""
    service = service if indicator == Indicator.SERVICE_COMPLETED else None
    _check_target(plan, indicator, service, value)
    target = Target.objects.create(
        plan=plan,
        indicator=indicator,
        service=service,
        value=value,
        split_to=split_to or default_split_to(plan.unit),
    )
    split_target(target, new=True)
    _record(target, actor=actor, action="create", plan=plan, after=_with_shares(target))
    return target


def _with_shares(target: Target) -> dict:
    """The target and how it is split now, for the audit log."""
    data = audit.snapshot(target, TARGET_FIELDS)
    data["shares"] = {
        str(s.recipient): s.value for s in target.shares.select_related("unit", "team").order_by("pk")
    }
    return data


def _key(share: TargetShare) -> tuple[str, int]:
    return ("unit", share.unit_id) if share.unit_id else ("team", share.team_id)


@transaction.atomic
def split_target(target: Target, *, recipients_of=recipients, new: bool = False) -> None:
    """(Re)divide a target over its recipients (split.recipients: by households), keeping the shares
    set by hand. Counts are split so the shares add up exactly to the target; a percentage
    (households_share) is not split: every share gets the target's percentage. Refuses, in Vietnamese,
    when the hand-set shares exceed the target. Targets inherited from these shares follow them.
    ``recipients_of``: split.recipients, or one that remembers them (a cascade splits three targets of a
    commune over the same teams). ``new``: the target was created in this transaction, so it has no
    shares yet and nothing inherits from them (a cascade creates ~500 targets)."""
    plan = target.plan
    existing = {}
    if not new:
        # Lock the target: two officers editing its shares at once re-split one after the other.
        Target.objects.select_for_update().filter(pk=target.pk).first()
        existing = {_key(s): s for s in target.shares.all()}
    manual = {k: s for k, s in existing.items() if s.manual}
    auto = [r for r in recipients_of(plan.unit, target.split_to) if r.key not in manual]
    if target.is_percentage:
        values = [target.value] * len(auto)
    else:
        fixed = sum(s.value for s in manual.values())
        if fixed > target.value:
            raise ValidationError(
                _(
                    "Các phần giao tay cộng lại %(fixed)s, vượt chỉ tiêu %(value)s. "
                    "Hãy giảm một phần giao tay hoặc tăng chỉ tiêu."
                )
                % {"fixed": fixed, "value": target.value}
            )
        if manual and not auto and fixed != target.value:
            raise ValidationError(
                _(
                    "Mọi phần đều đã giao tay và cộng lại %(fixed)s, chưa bằng chỉ tiêu %(value)s. "
                    "Hãy sửa lại một phần hoặc trả một phần về chia tự động."
                )
                % {"fixed": fixed, "value": target.value}
            )
        values = largest_remainder(target.value - fixed, [r.weight for r in auto])
    now = timezone.now()
    new, changed, kept = [], [], set()
    for recipient, value in zip(auto, values, strict=True):
        kept.add(recipient.key)
        share = existing.get(recipient.key)
        if share is None:
            new.append(TargetShare(target=target, unit=recipient.unit, team=recipient.team, value=value))
        elif share.value != value:
            share.value, share.updated_at = value, now
            changed.append(share)
    stale = [s.pk for k, s in existing.items() if not s.manual and k not in kept]
    if stale:
        TargetShare.objects.filter(pk__in=stale).delete()  # units merged away, teams dissolved
    TargetShare.objects.bulk_create(new)
    TargetShare.objects.bulk_update(changed, ["value", "updated_at"])
    if new or changed or stale:  # bulk writes and these deletes send no signals (reports.signals)
        stamps.touch(plan.unit_path)
    if not new:
        _follow_shares(target, recipients_of)


def _follow_shares(target: Target, recipients_of=recipients) -> None:
    """A plan below inherits its target's value from its share here: keep them equal, down the tree."""
    for child in Target.objects.filter(source_share__target=target).select_related(
        "source_share", "plan", "plan__unit"
    ):
        if child.value != child.source_share.value:
            child.value = child.source_share.value
            child.save(update_fields=["value"])
            try:
                split_target(child, recipients_of=recipients_of)
            except ValidationError as error:
                raise ValidationError(
                    _("Kế hoạch của %(unit)s: %(message)s")
                    % {"unit": child.plan.unit.name, "message": error.messages[0]}
                ) from error


@transaction.atomic
def set_share(*, actor, share: TargetShare, value: int) -> TargetShare:
    """An officer sets a share by hand; the other shares not set by hand are re-split so the total
    still equals the target."""
    if value is None or value < 0:
        raise ValidationError({"value": _("Giá trị phải là số không âm.")})
    target = share.target
    if target.is_percentage and value > 100:
        raise ValidationError({"value": _("Tỉ lệ hộ không quá 100%.")})
    before = {**audit.snapshot(share, ["value", "manual"]), "shares": _with_shares(target)["shares"]}
    share.value, share.manual = value, True
    share.save(update_fields=["value", "manual", "updated_at"])
    split_target(target)
    share.refresh_from_db()
    after = {**audit.snapshot(share, ["value", "manual"]), "shares": _with_shares(target)["shares"]}
    _record(share, actor=actor, action="update", plan=target.plan, before=before, after=after)
    return share


@transaction.atomic
def release_share(*, actor, share: TargetShare) -> TargetShare:
    """Hand a share back to the automatic split."""
    target = share.target
    before = {**audit.snapshot(share, ["value", "manual"]), "shares": _with_shares(target)["shares"]}
    share.manual = False
    share.save(update_fields=["manual", "updated_at"])
    split_target(target)
    share.refresh_from_db()
    after = {**audit.snapshot(share, ["value", "manual"]), "shares": _with_shares(target)["shares"]}
    _record(share, actor=actor, action="update", plan=target.plan, before=before, after=after)
    return share


@transaction.atomic
def cascade_to_children(*, actor, plan: Plan) -> list[Plan]:
    """Give each commune that holds a share of this plan a plan of its own for the same year, whose
    targets are its shares (marked as inherited: `source_share`, and the plan's `parent`). Running it
    again creates what is missing and brings inherited values in line; a commune's own plan for the
    year without a parent is adopted rather than duplicated, and its own target for the same indicator
    takes the share's value."""
    shares = list(
        TargetShare.objects.filter(target__plan=plan, unit__isnull=False, unit__kind__in=PLAN_UNIT_KINDS)
        .select_related("target", "target__service", "unit")
        .order_by("unit__name", "target_id")
    )
    if not shares:
        raise ValidationError(_("Chưa có phần chỉ tiêu nào giao cho cấp xã để tạo kế hoạch cấp dưới."))
    children: dict[int, Plan] = {}
    known: dict[tuple[int, str], list] = {}

    def recipients_once(unit: Unit, split_to: str) -> list:
        # A commune's targets are split over the same teams: its villages and teams are read once, not
        # once per target (166 communes with three targets: 332 queries instead of 996).
        key = (unit.pk, split_to)
        if key not in known:
            known[key] = recipients(unit, split_to)
        return known[key]

    with stamps.batch():  # ~170 plans and ~500 targets: their communes' stamps written once, at the end
        for share in shares:
            child = children.get(share.unit_id)
            if child is None:
                child = children[share.unit_id] = _child_plan(actor, plan, share.unit)
            _inherit(actor, child, share, recipients_once)
    return list(children.values())


def _child_plan(actor, plan: Plan, unit: Unit) -> Plan:
    child = Plan.objects.filter(parent=plan, unit=unit).first()
    if child is not None:
        return child
    own = Plan.objects.filter(unit=unit, year=plan.year, parent__isnull=True).order_by("pk").first()
    if own is None:
        return create_plan(
            actor=actor, unit=unit, year=plan.year, title=plan.title, status=plan.status, parent=plan
        )
    before = audit.snapshot(own, ["parent"])
    own.parent = plan
    own.save(update_fields=["parent", "updated_at"])
    _record(own, actor=actor, action="update", plan=own, before=before, after=audit.snapshot(own, ["parent"]))
    return own


def _inherit(actor, child: Plan, share: TargetShare, recipients_of=recipients) -> Target:
    source = share.target
    target = Target.objects.filter(source_share=share).first()
    if target is None:
        target = (
            child.targets.filter(
                indicator=source.indicator, service=source.service, source_share__isnull=True
            )
            .order_by("pk")
            .first()
        )
    created = target is None
    if created:
        target = Target.objects.create(
            plan=child,
            indicator=source.indicator,
            service=source.service,
            value=share.value,
            split_to=default_split_to(child.unit),
            source_share=share,
        )
        _record(target, actor=actor, action="create", plan=child, after=audit.snapshot(target, TARGET_FIELDS))
    elif target.value != share.value or target.source_share_id != share.pk:
        before = audit.snapshot(target, TARGET_FIELDS)
        target.value, target.source_share = share.value, share
        target.save(update_fields=["value", "source_share"])
        _record(
            target,
            actor=actor,
            action="update",
            plan=child,
            before=before,
            after=audit.snapshot(target, TARGET_FIELDS),
        )
    split_target(target, recipients_of=recipients_of, new=created)
    return target


def teams_of(plan: Plan):
    """The active teams a plan may give tasks or shares to: those under its unit."""
    return Team.objects.filter(unit__path__startswith=plan.unit_path, status=TeamStatus.ACTIVE)


@transaction.atomic
def add_task(
    *,
    actor,
    plan: Plan,
    team: Team,
    title: str,
    deadline: datetime.date,
    indicator: str = "",
    service=None,
    target_value: int | None = None,
) -> Task:
    errors = {}
    if not teams_of(plan).filter(pk=team.pk).exists():
        errors["team"] = _("Tổ này không thuộc địa bàn của kế hoạch.")
    if deadline.year != plan.year:
        errors["deadline"] = _("Hạn phải trong năm %(year)s của kế hoạch.") % {"year": plan.year}
    if indicator:
        if indicator not in Indicator.values:
            errors["indicator"] = _("Chỉ tiêu không hợp lệ.")
        if indicator == Indicator.SERVICE_COMPLETED and service is None:
            errors["service"] = _("Chọn dịch vụ số cho chỉ tiêu này.")
        if not target_value:
            errors["target_value"] = _("Nhập mức cần đạt (lớn hơn 0).")
        elif indicator == Indicator.HOUSEHOLDS_SHARE and target_value > 100:
            errors["target_value"] = _("Tỉ lệ hộ không quá 100%.")
    if errors:
        raise ValidationError(errors)
    task = Task.objects.create(
        plan=plan,
        team=team,
        title=" ".join(title.split()),
        deadline=deadline,
        indicator=indicator or "",
        service=service if indicator == Indicator.SERVICE_COMPLETED else None,
        target_value=target_value if indicator else None,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _record(task, actor=actor, action="create", plan=plan, after=audit.snapshot(task, TASK_FIELDS))
    return task


@transaction.atomic
def mark_task_done(*, actor, task: Task, done: bool = True) -> Task:
    """The only status typed in: a task without an indicator is done when an officer says so."""
    if task.indicator:
        raise ValidationError(_("Nhiệm vụ có chỉ tiêu tự hoàn thành khi số liệu báo cáo đạt mức cần đạt."))
    before = {"done": task.done_at is not None}
    task.done_at = timezone.now() if done else None
    task.done_by = actor if done and actor is not None and actor.is_authenticated else None
    task.save(update_fields=["done_at", "done_by"])
    _record(task, actor=actor, action="update", plan=task.plan, before=before, after={"done": done})
    return task
