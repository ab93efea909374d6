"""Lock-out after repeated failed sign-ins, stored in the database so it holds across server threads."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tocns.core.text import fold

from .models import LoginLock


def _key(identifier: str) -> str:
    return fold(identifier)[:150]


def locked_until(identifier: str) -> datetime.datetime | None:
    lock = LoginLock.objects.filter(identifier=_key(identifier)).first()
    if lock and lock.locked_until and lock.locked_until > timezone.now():
        return lock.locked_until
    return None


@transaction.atomic
def register_failure(identifier: str) -> datetime.datetime | None:
    now = timezone.now()
    window = datetime.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    lock, _ = LoginLock.objects.select_for_update().get_or_create(identifier=_key(identifier))
    if lock.first_failure_at is None or lock.first_failure_at < now - window:
        lock.failures, lock.first_failure_at = 0, now
    lock.failures += 1
    if lock.failures >= settings.LOGIN_MAX_FAILURES:
        lock.locked_until = now + window
    lock.save()
    return lock.locked_until if lock.locked_until and lock.locked_until > now else None


def register_success(identifier: str) -> None:
    LoginLock.objects.filter(identifier=_key(identifier)).delete()
