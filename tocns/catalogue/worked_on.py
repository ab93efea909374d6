"""Which digital services a person's teams work on, the most worked on first: asked by the handbook (the
guides a phone keeps offline), answered by the app that holds the reports. The handbook and the work on the
ground know nothing of each other (pyproject.toml, import-linter): activities registers its answer here
when Django starts (``ActivitiesConfig.ready``), and both know only this lower module."""

import datetime
from collections.abc import Callable

from .models import DigitalService

_provider: Callable | None = None


def provide(function: Callable) -> None:
    """Register ``function(user, today) -> [service ids]`` (activities does, at start)."""
    global _provider
    _provider = function


def services_worked_on(user, today: datetime.date | None = None) -> list[int]:
    """The ids of the services the user's teams work on, the most worked on first; every service in use,
    in the catalogue's order, when no app answers."""
    if _provider is None:
        return list(DigitalService.objects.in_use().values_list("pk", flat=True))
    return _provider(user, today)
