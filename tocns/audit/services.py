import datetime
import decimal

from django.db import models

from .models import AuditEntry

SYSTEM_ACTOR = "hệ thống"


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    """The JSON-safe values of some fields, for the before/after of an audit entry."""
    data = {}
    for name in fields:
        value = getattr(obj, name)
        if obj._meta.get_field(name).choices and value is not None:
            value = getattr(obj, f"get_{name}_display")()  # people read the log; store the label they know
        elif isinstance(value, models.Model):
            value = str(value)
        elif isinstance(value, datetime.date | decimal.Decimal):
            value = value.isoformat() if hasattr(value, "isoformat") else str(value)
        data[name] = value
    return data


def record(*, actor, action: str, obj: models.Model, unit_path: str, before=None, after=None) -> AuditEntry:
    made = entry(actor=actor, action=action, obj=obj, unit_path=unit_path, before=before, after=after)
    made.save()
    return made


def entry(*, actor, action: str, obj: models.Model, unit_path: str, before=None, after=None) -> AuditEntry:
    """An entry not yet saved, for record_many."""
    return AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None and actor.is_authenticated else SYSTEM_ACTOR,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        unit_path=unit_path,
        before=before,
        after=after,
    )


def record_many(entries: list[AuditEntry]) -> None:
    """Bulk form for imports that create thousands of rows at once."""
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
