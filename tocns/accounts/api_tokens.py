"""API keys: made once and shown once; only their SHA-256 is stored."""

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(*, user, name: str) -> tuple[ApiToken, str]:
    key = "tocns_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[6:14], key_hash=_digest(key))
    return token, key


def user_for_key(key: str):
    """The active user a key belongs to, or None. Touches last_used_at at most once a minute."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
