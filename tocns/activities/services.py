"""Writes on activity reports. The API, the report form and the edit page all go through here, so the
rules (who may report for which team, which counts make sense) are checked in one place."""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts import selectors as access
from tocns.audit import services as audit
from tocns.catalogue.models import DigitalService
from tocns.core.text import CONTROL_CHARACTERS
from tocns.teams import scope as team_scope
from tocns.teams.models import Member, TeamStatus
from tocns.units.models import Unit, UnitKind

from . import totals
from .models import Activity, ActivityKind, Outcome

EDIT_WINDOW = datetime.timedelta(days=7)
OLDEST_REPORT = datetime.timedelta(days=366)
# The most a single report may count of people, households, or people guided or completed for a service.
# Far above any day's work of a team (a commune's whole population is a few thousand); a typing slip or a
# script's garbage beyond it would otherwise flow into the commune's running totals (a report of
# 2,147,483,600 people filled a 32-bit total and every later report of that commune-month answered 500).
# The report form's inputs carry the same cap (max="10000"), see report.html and edit.html.
MAX_COUNT = 10_000
# Ids are 64-bit: a larger number cannot name a team or a member, and the database refuses to compare it.
MAX_ID = 2**63 - 1
MAX_PARTICIPANTS = 200
AUDIT_FIELDS = ["date", "kind", "village", "people_reached", "households_reached", "hours", "note"]


class ReportError(Exception):
    """A report the rules reject, naming the field the person has to fix."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class OutcomeInput:
    service: str
    guided: int = 0
    completed: int = 0


@dataclass
class ReportInput:
    """A report as the phone sends it; codes and ids, not objects."""

    team: int
    date: datetime.date
    kind: str = ActivityKind.HOME_VISIT
    village: str | None = None
    participants: list[int] = field(default_factory=list)
    people_reached: int = 0
    households_reached: int = 0
    hours: Decimal = Decimal(0)
    note: str = ""
    outcomes: list[OutcomeInput] = field(default_factory=list)


@dataclass
class CheckedReport:
    team: object
    village: Unit | None
    participants: list[Member]
    outcomes: list[tuple[DigitalService, int, int]]
    values: dict


def _too_many(what: str) -> str:
    return _("%(what)s không được quá %(max)s trong một báo cáo.") % {"what": what, "max": "10.000"}


def _check_counts(data: ReportInput) -> None:
    """Counts, hours and the sizes of lists, before anything is read from the database."""
    labels = {"people_reached": _("Số người được hỗ trợ"), "households_reached": _("Số hộ")}
    for name, label in labels.items():
        value = getattr(data, name)
        if value < 0:
            raise ReportError(name, _("Số lượng không được âm."))
        if value > MAX_COUNT:
            raise ReportError(name, _too_many(label))
    hours = data.hours if isinstance(data.hours, Decimal) else Decimal(str(data.hours))
    if not hours.is_finite() or hours < 0 or hours > 24:
        raise ReportError("hours", _("Số giờ phải từ 0 đến 24."))
    if len(data.note) > 500:
        raise ReportError("note", _("Ghi chú dài quá 500 ký tự."))
    for name in ("note", "village"):
        if CONTROL_CHARACTERS.search(getattr(data, name) or ""):
            raise ReportError(name, _("Có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL)."))
    if len(data.participants) > MAX_PARTICIPANTS or any(not 0 < pk <= MAX_ID for pk in data.participants):
        raise ReportError("participants", _("Người tham gia không phải thành viên của tổ."))
    if len(data.outcomes) > 100:
        raise ReportError("outcomes", _("Báo cáo có quá nhiều dịch vụ."))
    for index, item in enumerate(data.outcomes):
        where = f"outcomes[{index}]"
        if CONTROL_CHARACTERS.search(item.service):
            raise ReportError(f"{where}.service", _("Có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL)."))
        for name in ("guided", "completed"):
            if getattr(item, name) < 0:
                raise ReportError(f"{where}.{name}", _("Số lượng không được âm."))


def _check(actor, data: ReportInput, *, existing: Activity | None = None) -> CheckedReport:
    if not 0 < data.team <= MAX_ID:
        raise ReportError("team", _("Không có tổ này trong phạm vi của bạn."))
    _check_counts(data)
    team = team_scope.teams_for(actor).select_related("unit").filter(pk=data.team).first()
    if team is None:
        raise ReportError("team", _("Không có tổ này trong phạm vi của bạn."))
    today = timezone.localdate()
    if data.date > today:
        raise ReportError("date", _("Ngày báo cáo không được sau hôm nay."))
    if data.date < today - OLDEST_REPORT:
        raise ReportError("date", _("Ngày báo cáo đã quá một năm."))
    if team.status == TeamStatus.DISSOLVED and team.dissolved_on and data.date > team.dissolved_on:
        raise ReportError(
            "team", _("Tổ đã giải thể từ %(date)s.") % {"date": f"{team.dissolved_on:%d/%m/%Y}"}
        )
    if data.kind not in ActivityKind.values:
        raise ReportError("kind", _("Hình thức hoạt động không hợp lệ."))

    village = None
    if data.village:
        village = Unit.objects.filter(path__startswith=team.unit.path).typed_code(data.village)
        if village is None:
            raise ReportError("village", _("Thôn này không thuộc địa bàn của tổ."))
    elif team.unit.kind == UnitKind.VILLAGE:
        village = team.unit

    members = {m.pk: m for m in Member.objects.filter(team=team, pk__in=data.participants)}
    missing = [pk for pk in data.participants if pk not in members]
    if missing:
        raise ReportError("participants", _("Người tham gia không phải thành viên của tổ."))
    participants = list(members.values())
    if not participants and existing is None:
        own = (
            Member.objects.current().filter(team=team, user=actor).first() if actor.is_authenticated else None
        )
        participants = [own] if own else []

    services = {s.code: s for s in DigitalService.objects.filter(code__in=[o.service for o in data.outcomes])}
    outcomes, seen = [], set()
    for index, item in enumerate(data.outcomes):
        where = f"outcomes[{index}]"
        service = services.get(item.service)
        if service is None:
            raise ReportError(
                f"{where}.service", _("Không có dịch vụ mã “%(code)s”.") % {"code": item.service}
            )
        if (
            service.retired_on
            and service.retired_on <= data.date
            and (existing is None or not existing.outcomes.filter(service=service).exists())
        ):
            raise ReportError(f"{where}.service", _("Dịch vụ “%(name)s” đã ngừng dùng.") % {"name": service})
        if item.service in seen:
            raise ReportError(f"{where}.service", _("Dịch vụ này đã có trong báo cáo."))
        seen.add(item.service)
        for name, label in (
            ("guided", _("số người được hướng dẫn")),
            ("completed", _("số người hoàn thành")),
        ):
            if getattr(item, name) > MAX_COUNT:
                raise ReportError(f"{where}.{name}", f"{service}: " + _too_many(label))
        if item.completed > item.guided:
            raise ReportError(
                f"{where}.completed", _("Số người hoàn thành không được nhiều hơn số người được hướng dẫn.")
            )
        if item.guided or item.completed:
            outcomes.append((service, item.guided, item.completed))

    most_guided = max((g for _s, g, _c in outcomes), default=0)
    people = data.people_reached or most_guided
    if people < most_guided:
        raise ReportError(
            "people_reached", _("Số người được hỗ trợ ít hơn số người được hướng dẫn ở một dịch vụ.")
        )
    if not people and not outcomes and not data.note.strip():
        raise ReportError("outcomes", _("Báo cáo chưa có kết quả nào: hãy nhập số người được hỗ trợ."))
    values = {
        "date": data.date,
        "kind": data.kind,
        "people_reached": people,
        "households_reached": data.households_reached,
        "hours": data.hours,
        "note": data.note.strip(),
    }
    return CheckedReport(
        team=team, village=village, participants=participants, outcomes=outcomes, values=values
    )


def _snapshot(activity: Activity) -> dict:
    data = audit.snapshot(activity, AUDIT_FIELDS)
    data["outcomes"] = {
        o.service.code: [o.guided, o.completed] for o in activity.outcomes.select_related("service")
    }
    data["participants"] = sorted(str(m) for m in activity.participants.all())
    return data


def _write_children(activity: Activity, report: CheckedReport) -> None:
    activity.outcomes.all().delete()
    Outcome.objects.bulk_create(
        [Outcome(activity=activity, service=s, guided=g, completed=c) for s, g, c in report.outcomes]
    )
    activity.participants.set(report.participants)


def file_report(*, actor, report_id: uuid.UUID, data: ReportInput) -> tuple[Activity, bool]:
    """Store a report once, whatever number of times the phone sends it: (activity, created)."""
    existing = Activity.objects.filter(pk=report_id).first()
    if existing is not None:
        return _repeat(actor, existing), False
    checked = _check(actor, data)
    try:
        with transaction.atomic():
            activity = Activity.objects.create(
                id=report_id,
                team=checked.team,
                unit_path=checked.team.unit.path,
                village=checked.village,
                created_by=actor,
                **checked.values,
            )
            _write_children(activity, checked)
            totals.apply(activity, +1)
    except IntegrityError:
        # The same report arrived twice at once (two tabs, a retry racing the first send).
        existing = Activity.objects.filter(pk=report_id).first()
        if existing is None:
            raise
        return _repeat(actor, existing), False
    return activity, True


def _repeat(actor, activity: Activity) -> Activity:
    if not access.covers(actor, activity.unit_path):
        raise ReportError("id", _("Mã báo cáo này đã được dùng."))
    return activity


def can_edit(actor, activity: Activity) -> bool:
    return (
        actor.is_authenticated
        and activity.created_by_id == actor.pk
        and timezone.now() - activity.created_at <= EDIT_WINDOW
    )


@transaction.atomic
def edit_report(*, actor, activity: Activity, data: ReportInput) -> Activity:
    """The author corrects a report within seven days; the log keeps the values before and after."""
    if not can_edit(actor, activity):
        raise ReportError("id", _("Chỉ người gửi được sửa báo cáo, trong vòng 7 ngày."))
    if data.team != activity.team_id:
        raise ReportError("team", _("Không đổi được tổ của một báo cáo đã gửi."))
    checked = _check(actor, data, existing=activity)
    before = _snapshot(activity)
    totals.apply(activity, -1)  # the report as it was leaves the running totals; as it is now, joins them
    for name, value in checked.values.items():
        setattr(activity, name, value)
    activity.village = checked.village
    activity.save()
    _write_children(activity, checked)
    totals.apply(activity, +1)
    audit.record(
        actor=actor,
        action="update",
        obj=activity,
        unit_path=activity.unit_path,
        before=before,
        after=_snapshot(activity),
    )
    return activity


@transaction.atomic
def save_service(*, actor, form) -> DigitalService:
    """Create or change a catalogue entry. Retiring sets retired_on; outcomes already reported keep it."""
    fields = ["code", "name", "short_name", "completed_label", "sort_order", "retired_on"]
    before = audit.snapshot(form.instance, fields) if form.instance.pk else None
    service = form.save()
    audit.record(
        actor=actor,
        action="update" if before else "create",
        obj=service,
        unit_path="",
        before=before,
        after=audit.snapshot(service, fields),
    )
    return service


def over_limit():
    """Reports stored before the counts had a limit with a count above it (people, households, or a
    service's guided or completed), oldest first: what `rebuild_totals --over-limit` lists."""
    from django.db.models import Q

    return (
        Activity.objects.filter(
            Q(people_reached__gt=MAX_COUNT)
            | Q(households_reached__gt=MAX_COUNT)
            | Q(outcomes__guided__gt=MAX_COUNT)
            | Q(outcomes__completed__gt=MAX_COUNT)
        )
        .distinct()
        .select_related("team", "created_by")
        .prefetch_related("outcomes__service")
        .order_by("date", "created_at")
    )


@transaction.atomic
def reset_over_limit() -> int:
    """Counts above the limit set to 0 (people: the largest service count that is left), each change in the
    audit log with the value before, so the team can be asked and the report corrected. The running totals
    are not touched here: `rebuild_totals` recomputes them afterwards. How many reports were changed."""
    changed = 0
    for activity in over_limit():
        before = _snapshot(activity)
        for outcome in activity.outcomes.all():
            if outcome.guided > MAX_COUNT:  # completed ≤ guided: one over the limit means guided is too
                outcome.guided = outcome.completed = 0
                outcome.save(update_fields=["guided", "completed"])
        activity.outcomes.filter(guided=0, completed=0).delete()
        if activity.households_reached > MAX_COUNT:
            activity.households_reached = 0
        if activity.people_reached > MAX_COUNT:
            activity.people_reached = max((o.guided for o in activity.outcomes.all()), default=0)
        activity.save(update_fields=["people_reached", "households_reached"])
        audit.record(
            actor=None,
            action="update",
            obj=activity,
            unit_path=activity.unit_path,
            before=before,
            after=_snapshot(activity),
        )
        changed += 1
    return changed
