"""Reading the report form's fields (the no-JavaScript path; the phone's script posts JSON to the API)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .services import OutcomeInput, ReportError, ReportInput


def _int(value, field: str) -> int:
    value = (value or "").strip()
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        raise ReportError(field, _("Phải là số nguyên.")) from None


def parse_report(post, services, *, team_id: int) -> ReportInput:
    try:
        date = datetime.date.fromisoformat(post.get("date", ""))
    except ValueError:
        raise ReportError("date", _("Ngày không hợp lệ.")) from None
    try:
        hours = Decimal((post.get("hours") or "0").replace(",", "."))
    except InvalidOperation:
        raise ReportError("hours", _("Số giờ không hợp lệ.")) from None
    outcomes = []
    for service in services:
        guided = _int(post.get(f"o-{service.code}-g"), f"o-{service.code}-g")
        completed = _int(post.get(f"o-{service.code}-c"), f"o-{service.code}-c")
        # On the form, "guided" counts everyone helped, so those who completed are guided too.
        outcomes.append(OutcomeInput(service.code, max(guided, completed), completed))
    return ReportInput(
        team=team_id,
        date=date,
        kind=post.get("kind", ""),
        village=post.get("village") or None,
        participants=[_int(v, "participants") for v in post.getlist("participants")],
        people_reached=_int(post.get("people_reached"), "people_reached"),
        households_reached=_int(post.get("households_reached"), "households_reached"),
        hours=hours,
        note=post.get("note", ""),
        outcomes=[o for o in outcomes if o.guided or o.completed],
    )
