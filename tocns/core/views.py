from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from tocns.accounts import selectors as access
from tocns.teams import selectors as team_selectors
from tocns.units import selectors as unit_selectors


@login_required
def home(request):
    """One home page per role: the units the user looks after, with their numbers, and what they can do."""
    roots = (
        unit_selectors.with_counts(access.root_units_for(request.user))
        .select_related("parent")
        .order_by("name")
    )
    role = access.main_role(request.user)
    teams = team_selectors.with_roster_counts(access.teams_for(request.user)).order_by("unit__path", "name")
    context = {"role": role, "roots": roots[:50], "root_count": roots.count(), "teams": teams[:10]}
    return render(request, "core/home.html", context)


def healthz(request):
    return JsonResponse({"status": "ok"})
