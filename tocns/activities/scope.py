"""Who may read or correct an activity report, built on the generic scope (accounts.selectors)."""

from django.http import Http404

from tocns.accounts.models import Role
from tocns.accounts.selectors import covers, holds, scope_q

from .models import Activity
from .services import can_edit


def activities_for(user):
    """Reports of the teams under the user's units (each report carries its team's unit path)."""
    return Activity.objects.filter(scope_q(user, field="unit_path"))


def activity_for(user, pk):
    """(activity, can_edit): the author may correct it for seven days; others in scope read it."""
    activity = Activity.objects.select_related("team", "village", "created_by").filter(pk=pk).first()
    if activity is None or not covers(user, activity.unit_path):
        raise Http404
    return activity, can_edit(user, activity)


def can_edit_catalogue(user) -> bool:
    """The digital-services catalogue is shared by all: province officers and admins keep it."""
    return holds(user, Role.PROVINCE_OFFICER)
