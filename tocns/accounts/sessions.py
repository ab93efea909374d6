"""The browsers a person is signed in on: listed on their own page, each can be ended there."""

import re

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.audit import services as audit

from .models import User, UserSession

_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
]
_BROWSERS = [
    ("Zalo", "Zalo"),
    ("Edg/", "Edge"),
    ("CocCoc", "Cốc Cốc"),
    ("coc_coc", "Cốc Cốc"),
    ("Firefox", "Firefox"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
]


def describe(user_agent: str) -> str:
    """ "Android · Chrome" from a user agent, in words a person recognises; the rest is not kept."""
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    text = " · ".join(part for part in (system, browser) if part)
    return re.sub(r"\s+", " ", text)[:120] or _("Thiết bị không rõ")


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session") or not request.session.session_key:
        return
    now = timezone.now()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "device": describe(request.META.get("HTTP_USER_AGENT", "")),
            "last_seen_at": now,
        },
    )
    User.objects.filter(pk=user.pk).update(last_seen_at=now)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


def remember(request, remembered: bool) -> None:
    """The person ticked "this is my phone": their session lasts months, and their list says so."""
    request.session.set_expiry(None if remembered else 0)
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).update(remembered=remembered)


def seen(request, now) -> None:
    """The person used tocns now (called at most once an hour per person by the middleware)."""
    user = request.user
    user.last_seen_at = now
    User.objects.filter(pk=user.pk).update(last_seen_at=now)
    key = request.session.session_key if hasattr(request, "session") else None
    if key:
        UserSession.objects.update_or_create(
            session_key=key,
            defaults={
                "user": user,
                "last_seen_at": now,
                "device": describe(request.META.get("HTTP_USER_AGENT", "")),
            },
        )


def open_sessions(user):
    """The person's sessions that still sign them in; the rows of those that ended (expired, signed out by
    a new password elsewhere, cleared by Django's clearsessions) are deleted as the list is read."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    UserSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    return UserSession.objects.filter(user=user).order_by("-last_seen_at", "-pk")


@transaction.atomic
def end(*, actor, session: UserSession) -> None:
    """Sign that browser out: its session is deleted, so its next page asks for the password."""
    Session.objects.filter(session_key=session.session_key).delete()
    audit.record(
        actor=actor,
        action="end_session",
        obj=session.user,
        unit_path="",
        before={"device": session.device},
    )
    session.delete()


def end_all(user) -> None:
    """Every browser of a person signed out (their account was disabled)."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
