"""Personal values leave the audit log once they are older than their province's retention (default five
years): an entry then says what was done, when and to what kind of object, not to whom. Run daily by
``manage.py scrub_audit``; ``scrub_person`` does the same at once for one person's entries (a deletion request)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AuditEntry, Retention

GONE = "(đã xóa)"
# Keys of before/after that hold what identifies a person. Everything else (a role, a date, a count) stays.
PERSONAL_KEYS = {
    "full_name",
    "phone",
    "birth_year",
    "gender",
    "username",
    "user",
    "participants",
    "note",
    "address",
    "device",
    "team",
}
# Objects whose name is a person's name.
PEOPLE = {"member", "user", "roleassignment", "enrolment", "certificate", "signincode", "loginlock"}


def _clean(values):
    if not isinstance(values, dict):
        return values
    return {
        key: (GONE if key in PERSONAL_KEYS and value not in (None, "") else value)
        for key, value in values.items()
    }


def scrub_entries(entries) -> int:
    """Scrub the given entries (a queryset); returns how many."""
    done = 0
    batch = []
    for entry in entries.filter(scrubbed=False).iterator(chunk_size=1000):
        entry.before, entry.after = _clean(entry.before), _clean(entry.after)
        entry.actor_name = GONE if entry.actor_name else entry.actor_name
        if entry.object_type in PEOPLE:
            entry.object_repr = GONE
        entry.scrubbed = True
        batch.append(entry)
        if len(batch) == 1000:
            done += _save(batch)
            batch = []
    return done + _save(batch)


def _save(batch) -> int:
    AuditEntry.objects.bulk_update(batch, ["before", "after", "actor_name", "object_repr", "scrubbed"])
    return len(batch)


def years_by_province() -> dict[str, int]:
    """{province path: years} of the provinces that set their own retention; the others keep the default."""
    return dict(Retention.objects.values_list("unit__path", "years"))


@transaction.atomic
def scrub_expired(now: datetime.datetime | None = None) -> int:
    """Scrub every entry older than its province's retention (the provinces that set none, and entries of no
    province: the default)."""
    now = now or timezone.now()

    def cutoff(years: int) -> datetime.datetime:
        return now - datetime.timedelta(days=round(365.25 * years))

    done = 0
    provinces = years_by_province()
    for path, years in provinces.items():
        done += scrub_entries(AuditEntry.objects.filter(unit_path__startswith=path, at__lt=cutoff(years)))
    rest = AuditEntry.objects.filter(at__lt=cutoff(settings.AUDIT_RETENTION_YEARS))
    for path in provinces:
        rest = rest.exclude(unit_path__startswith=path)
    return done + scrub_entries(rest)


@transaction.atomic
def scrub_person(*, object_type: str, object_id) -> int:
    """A person asked that their data be deleted: the entries about them lose their personal values now."""
    return scrub_entries(AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id)))
