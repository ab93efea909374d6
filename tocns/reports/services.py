"""Saving what officers write for their unit's reports, each change in the audit log."""

from django.db import transaction

from tocns.audit import services as audit

from .models import Letterhead, ReportText

LETTERHEAD_FIELDS = [
    "body_above",
    "body",
    "number_suffix",
    "place",
    "authority",
    "authority_of",
    "signer_title",
    "signer_name",
    "recipients",
]
TEXT_FIELDS = ["difficulties", "next_tasks", "proposals"]


def _save(model, fields: list[str], *, actor, unit, data: dict, **key):
    """One row per key whoever saves at the same moment: the second save updates the row the first made,
    and the log has what each changed."""
    row, created = model.objects.select_for_update().get_or_create(unit=unit, **key)
    before = None if created else audit.snapshot(row, fields)  # the key (a period) is in the entry's name
    for name in fields:
        setattr(row, name, data[name])
    row.updated_by = actor
    row.save()
    after = audit.snapshot(row, fields)
    audit.record(
        actor=actor,
        action="create" if created else "update",
        obj=row,
        unit_path=unit.path,
        before=before,
        after=after,
    )
    return row


@transaction.atomic
def save_letterhead(*, actor, unit, data: dict) -> Letterhead:
    return _save(Letterhead, LETTERHEAD_FIELDS, actor=actor, unit=unit, data=data)


@transaction.atomic
def save_report_text(*, actor, unit, period: str, data: dict) -> ReportText:
    return _save(ReportText, TEXT_FIELDS, actor=actor, unit=unit, data=data, period=period)
