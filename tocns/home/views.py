from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tocns.accounts import selectors as access
from tocns.core.queries import vi_order
from tocns.teams import scope as team_scope
from tocns.teams import selectors as team_selectors
from tocns.teams.models import Team
from tocns.units import selectors as unit_selectors


@login_required
def home(request):
    """One home page per role: the units the user looks after, with their numbers, and what they can do."""
    roots = access.root_units_for(request.user).select_related("parent").order_by(*vi_order("name"))
    role = access.main_role(request.user)
    # The first ten teams, then their members counted: counting every team in scope before taking ten took
    # 0.5 s for the whole country (80,000 teams).
    first = (
        team_scope.teams_for(request.user)
        .order_by("unit__path", *vi_order("name"))
        .values_list("pk", flat=True)[:10]
    )
    teams = team_selectors.with_roster_counts(Team.objects.filter(pk__in=list(first)))
    context = {
        "role": role,
        "roots": unit_selectors.with_counts(roots[:50]),
        "root_count": roots.count(),
        "teams": teams.order_by("unit__path", *vi_order("name")),
    }
    return render(request, "home/home.html", context)
