"""Who may see or change a team, its roster and its members, built on the generic scope (accounts.selectors):
officers over the team's unit change it, its team leaders edit the roster, anybody covering the unit reads."""

from django.http import Http404

from tocns.accounts.selectors import covers, leads, scope_q

from .models import Member, Team
from .selectors import under


def teams_for(user):
    return Team.objects.filter(scope_q(user, field="unit__path"))


def teams_under(user, unit):
    """The teams the user may see at or below the unit. When the user's scope covers the unit (as
    unit_for() has checked for a page of it), that is every team below it, selected by the unit's path
    alone: the scope's own path filter, joined in, would make PostgreSQL read every team again."""
    return under(Team.objects.all() if covers(user, unit.path) else teams_for(user), unit)


def team_for(user, pk: int):
    """(team, can_edit_roster). Officers over the team's unit and its team leaders edit the roster;
    members read; anybody else gets 404."""
    team = Team.objects.select_related("unit", "unit__parent").filter(pk=pk).first()
    if team is None or not covers(user, team.unit.path):
        raise Http404
    return team, covers(user, team.unit.path, officer_only=True) or leads(user, team.unit.path)


def members_for(user):
    return Member.objects.filter(scope_q(user, field="team__unit__path"))


def member_for(user, pk: int):
    """(member, can_edit): the member themself and the roster's editors change the skill profile."""
    member = members_for(user).select_related("team", "team__unit").filter(pk=pk).first()
    if member is None:
        raise Http404
    own = user.is_authenticated and member.user_id == user.pk
    return member, own or covers(user, member.team.unit.path, officer_only=True) or leads(
        user, member.team.unit.path
    )


def own_members(user):
    """The user's own current roster entries (a person may be on two teams)."""
    if not user.is_authenticated:
        return Member.objects.none()
    return Member.objects.current().filter(user=user).select_related("team", "team__unit")


def can_manage_team(user, team) -> bool:
    """Create, rename, dissolve: officers only (the commune decides a team's founding)."""
    return covers(user, team.unit.path, officer_only=True)
