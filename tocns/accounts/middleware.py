"""Keeps when a person last used tocns, at most once an hour, for the adoption figures and their own list of
signed-in browsers."""

import datetime

from django.utils import timezone

from . import sessions

EVERY = datetime.timedelta(hours=1)


def last_seen(get_response):
    def middleware(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            if user.last_seen_at is None or now - user.last_seen_at > EVERY:
                sessions.seen(request, now)
        return get_response(request)

    return middleware
