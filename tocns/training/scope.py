"""Which training classes a user may see or run, built on the generic scope (accounts.selectors)."""

from django.db.models import Q
from django.http import Http404

from tocns.accounts.selectors import ancestor_paths, covered_paths, covers, scope_q

from .models import Session


def sessions_for(user):
    """Training classes a user may see: those of units in their scope, and those their units' communes
    and province organise (a village member goes to the commune's class)."""
    paths = covered_paths(user)
    if paths is None:
        return Session.objects.all()
    return Session.objects.filter(scope_q(user, field="unit_path") | Q(unit_path__in=ancestor_paths(paths)))


def session_for(user, pk: int):
    """(session, can_run): officers over the organising unit enrol people and mark who came."""
    session = sessions_for(user).select_related("course", "unit").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session, covers(user, session.unit_path, officer_only=True)
