"""Lock-out after repeated failed sign-ins, stored in the database so it holds across server threads."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tocns.core.text import fold

from .models import LoginLock


def _key(identifier: str) -> str:
    """One count per account, however it was named ("0912345679", "+84 912 345 679", "0912.345.679", its
    username): each spelling of the same phone was a fresh five tries. A name that is no account counts by
    itself (its phone spelling folded), so guessing unknown names locks too and takes as long."""
    from .phones import normalize_phone
    from .selectors import find_user

    user = find_user(identifier)
    if user is not None:
        return account_key(user)
    return normalize_phone(identifier) or fold(identifier)[:150]


def account_key(user) -> str:
    return f"account:{user.pk}"


def locked_until(identifier: str) -> datetime.datetime | None:
    return _locked(_key(identifier))


def _locked(key: str) -> datetime.datetime | None:
    lock = LoginLock.objects.filter(identifier=key).first()
    if lock and lock.locked_until and lock.locked_until > timezone.now():
        return lock.locked_until
    return None


@transaction.atomic
def register_failure(identifier: str) -> datetime.datetime | None:
    lock = _failure(_key(identifier), settings.LOGIN_MAX_FAILURES, settings.LOGIN_LOCK_MINUTES)
    return lock.locked_until if lock.locked_until and lock.locked_until > timezone.now() else None


def _failure(key: str, most: int, minutes: int) -> LoginLock:
    now = timezone.now()
    window = datetime.timedelta(minutes=minutes)
    lock, _ = LoginLock.objects.select_for_update().get_or_create(identifier=key)
    if lock.first_failure_at is None or lock.first_failure_at < now - window:
        lock.failures, lock.first_failure_at = 0, now
    lock.failures += 1
    if lock.failures >= most:
        lock.locked_until = now + window
    lock.save()
    return lock


def register_success(identifier: str) -> None:
    LoginLock.objects.filter(identifier=_key(identifier)).delete()


# Wrong sign-in codes and passwords from one network address, whatever account they name: somebody trying
# codes one phone after another. A commune office shares one address among its officers, so the limit is
# generous; its lock is short.
ADDRESS_PREFIX = "ip:"


def client_address(request) -> str:
    """The caller's address: behind the reverse proxy (DJANGO_BEHIND_PROXY=1), the one it appended last
    to X-Forwarded-For (earlier entries are whatever the client claimed)."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:100]
    return request.META.get("REMOTE_ADDR", "")[:100]


def address_locked_until(address: str) -> datetime.datetime | None:
    return _locked(ADDRESS_PREFIX + address)


@transaction.atomic
def register_address_failure(address: str) -> LoginLock | None:
    """Count a wrong try from the address; its lock when this try locks it (to be logged once), else None."""
    lock = _failure(ADDRESS_PREFIX + address, settings.ADDRESS_MAX_FAILURES, settings.ADDRESS_LOCK_MINUTES)
    return lock if lock.failures == settings.ADDRESS_MAX_FAILURES else None
