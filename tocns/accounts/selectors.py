"""The one place that decides who sees what. Every read of scoped data goes through here."""

from django.db.models import Q
from django.http import Http404

from tocns.units.models import Unit
from tocns.units.paths import ancestors

from .models import OFFICER_ROLES, Role, RoleAssignment


def active_roles(user) -> list[RoleAssignment]:
    """The user's current roles, loaded once per request and kept on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_tocns_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
            .select_related("unit")
            .order_by("id")
        )
        user._tocns_roles = cached
    return cached


def is_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or any(r.role == Role.ADMIN for r in active_roles(user))
    )


def is_officer(user) -> bool:
    return is_admin(user) or any(r.role in OFFICER_ROLES for r in active_roles(user))


def main_role(user) -> Role | None:
    """The highest role, which picks the home page."""
    if is_admin(user):
        return Role.ADMIN
    order = [Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.EDITOR]
    held = {r.role for r in active_roles(user)}
    return next((role for role in order if role in held), None)


def _paths(user, *, officer_only: bool) -> list[str] | None:
    """Paths the user covers; None means everything (system admin)."""
    if is_admin(user):
        return None
    paths = sorted(
        {
            r.unit.path
            for r in active_roles(user)
            if r.unit_id and (not officer_only or r.role in OFFICER_ROLES)
        }
    )
    # Drop paths already covered by a shorter one.
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_q(user, *, field: str = "path", officer_only: bool = False) -> Q:
    """A filter on a path column for the units the user may see (or, with officer_only, change)."""
    paths = _paths(user, officer_only=officer_only)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def covers(user, path: str, *, officer_only: bool = False) -> bool:
    paths = _paths(user, officer_only=officer_only)
    return paths is None or any(path.startswith(p) for p in paths)


def units_for(user):
    return Unit.objects.filter(scope_q(user))


def editable_units_for(user):
    return Unit.objects.filter(scope_q(user, officer_only=True))


def unit_for(user, code: str) -> tuple[Unit, bool]:
    """(unit, can_edit). A unit outside the user's scope does not exist for them: 404."""
    unit = Unit.objects.select_related("parent").filter(code=code).first()
    if unit is None or not covers(user, unit.path):
        raise Http404
    return unit, covers(user, unit.path, officer_only=True)


def root_units_for(user):
    """Where the unit browser starts: all provinces for the admin, else the units the user was granted."""
    paths = _paths(user, officer_only=False)
    qs = Unit.objects.filter(parent__isnull=True) if paths is None else Unit.objects.filter(path__in=paths)
    return qs.current()


def officer_paths(user) -> list[str] | None:
    """Paths under which the user may change things (None: everywhere)."""
    return _paths(user, officer_only=True)


def require_officer(user) -> None:
    """Read-only users (team leaders and members) may look but not change units, roles or read the log."""
    from django.core.exceptions import PermissionDenied

    if not is_officer(user):
        raise PermissionDenied


def _leads(user, path: str) -> bool:
    return any(
        r.role == Role.TEAM_LEADER and r.unit_id and path.startswith(r.unit.path) for r in active_roles(user)
    )


def teams_for(user):
    from tocns.teams.models import Team

    return Team.objects.filter(scope_q(user, field="unit__path"))


def teams_under(user, unit):
    """The teams the user may see at or below the unit. When the user's scope covers the unit (as
    unit_for() has checked for a page of it), that is every team below it, selected by the unit's path
    alone: the scope's own path filter, joined in, would make PostgreSQL read every team again."""
    from tocns.teams.models import Team
    from tocns.teams.selectors import under

    return under(Team.objects.all() if covers(user, unit.path) else teams_for(user), unit)


def team_for(user, pk: int):
    """(team, can_edit_roster). Officers over the team's unit and its team leaders edit the roster;
    members read; anybody else gets 404."""
    from tocns.teams.models import Team

    team = Team.objects.select_related("unit", "unit__parent").filter(pk=pk).first()
    if team is None or not covers(user, team.unit.path):
        raise Http404
    return team, covers(user, team.unit.path, officer_only=True) or _leads(user, team.unit.path)


def activities_for(user):
    """Reports of the teams under the user's units (each report carries its team's unit path)."""
    from tocns.activities.models import Activity

    return Activity.objects.filter(scope_q(user, field="unit_path"))


def activity_for(user, pk):
    """(activity, can_edit): the author may correct it for seven days; others in scope read it."""
    from tocns.activities.models import Activity
    from tocns.activities.services import can_edit

    activity = Activity.objects.select_related("team", "village", "created_by").filter(pk=pk).first()
    if activity is None or not covers(user, activity.unit_path):
        raise Http404
    return activity, can_edit(user, activity)


def can_edit_catalogue(user) -> bool:
    """The digital-services catalogue is shared by all: province officers and admins keep it."""
    return is_admin(user) or any(r.role == Role.PROVINCE_OFFICER for r in active_roles(user))


def can_edit_handbook(user) -> bool:
    """Guides are shared by the whole country: province officers and handbook editors write them."""
    return is_admin(user) or any(r.role in (Role.PROVINCE_OFFICER, Role.EDITOR) for r in active_roles(user))


def reads_member_articles(user) -> bool:
    """Anyone with a role reads what is written for members; others (citizens) read the public articles."""
    return is_admin(user) or bool(active_roles(user))


def articles_for(user):
    """The published articles a user may read."""
    from tocns.handbook.models import Article, ArticleStatus, Audience

    articles = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    return articles if reads_member_articles(user) else articles.filter(audience=Audience.PUBLIC)


def article_for(user, slug: str):
    """(article, can_edit). Drafts exist only for editors; a members' article asks a citizen to sign in
    (the view redirects on PermissionDenied for anonymous users) and is a 404 for a signed-in citizen."""
    from django.core.exceptions import PermissionDenied

    from tocns.handbook.models import Article, ArticleStatus, Audience

    article = Article.objects.filter(slug=slug).first()
    can_edit = can_edit_handbook(user)
    if article is None or (article.status != ArticleStatus.PUBLISHED and not can_edit):
        raise Http404
    if article.audience != Audience.PUBLIC and not reads_member_articles(user):
        if not user.is_authenticated:
            raise PermissionDenied
        raise Http404
    return article, can_edit


def sessions_for(user):
    """Training classes a user may see: those of units in their scope, and those their units' communes
    and province organise (a village member goes to the commune's class)."""
    from tocns.training.models import Session

    paths = _paths(user, officer_only=False)
    if paths is None:
        return Session.objects.all()
    return Session.objects.filter(scope_q(user, field="unit_path") | Q(unit_path__in=_ancestor_paths(paths)))


def session_for(user, pk: int):
    """(session, can_run): officers over the organising unit enrol people and mark who came."""
    session = sessions_for(user).select_related("course", "unit").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session, covers(user, session.unit_path, officer_only=True)


def members_for(user):
    from tocns.teams.models import Member

    return Member.objects.filter(scope_q(user, field="team__unit__path"))


def member_for(user, pk: int):
    """(member, can_edit): the member themself and the roster's editors change the skill profile."""
    member = members_for(user).select_related("team", "team__unit").filter(pk=pk).first()
    if member is None:
        raise Http404
    own = user.is_authenticated and member.user_id == user.pk
    return member, own or covers(user, member.team.unit.path, officer_only=True) or _leads(
        user, member.team.unit.path
    )


def own_members(user):
    """The user's own current roster entries (a person may be on two teams)."""
    from tocns.teams.models import Member

    if not user.is_authenticated:
        return Member.objects.none()
    return Member.objects.current().filter(user=user).select_related("team", "team__unit")


def can_manage_team(user, team) -> bool:
    """Create, rename, dissolve: officers only (the commune decides a team's founding)."""
    return covers(user, team.unit.path, officer_only=True)


def find_user(value: str):
    """The account someone means when they type a username or a phone number in any usual spelling."""
    from .models import User
    from .phones import normalize_phone

    value = (value or "").strip()
    if not value:
        return None
    user = User.objects.filter(username__iexact=value).first()
    phone = normalize_phone(value)
    if user is None and phone:
        user = User.objects.filter(phone=phone).first()
    return user


def _ancestor_paths(paths: list[str]) -> list[str]:
    """Paths of the units above the given ones ("/15/02647/02647-001/" -> "/15/", "/15/02647/")."""
    return sorted({above for path in paths for above in ancestors(path)})


def plans_for(user):
    """Plans a user may read: every plan of a unit in their scope, and the active plans of the units
    above them that hand a share or a task to a unit or team in their scope (a village team sees the
    commune's plan that gives it 50 VNeID activations; a commune officer the province's)."""
    from django.db.models import Exists, OuterRef

    from tocns.plans.models import Plan, PlanStatus, TargetShare, Task

    paths = _paths(user, officer_only=False)
    if paths is None:
        return Plan.objects.all()
    teams_here = scope_q(user, field="team__unit__path")
    gives_share = TargetShare.objects.filter(target__plan=OuterRef("pk")).filter(
        scope_q(user, field="unit__path") | teams_here
    )
    gives_task = Task.objects.filter(plan=OuterRef("pk")).filter(teams_here)
    from_above = Q(unit_path__in=_ancestor_paths(paths), status=PlanStatus.ACTIVE) & (
        Exists(gives_share) | Exists(gives_task)
    )
    return Plan.objects.filter(scope_q(user, field="unit_path") | from_above)


def plan_for(user, pk: int):
    """(plan, can_edit): officers over the plan's unit edit it; others who may see it read; anybody
    else gets 404."""
    plan = (
        plans_for(user).select_related("unit", "unit__parent", "parent", "parent__unit").filter(pk=pk).first()
    )
    if plan is None:
        raise Http404
    return plan, covers(user, plan.unit_path, officer_only=True)


def plan_unit_for(user, code: str) -> tuple[Unit, bool]:
    """(unit, can_edit) for a unit's list of plans: a unit in scope, or one above the user's units (read
    only; its list then holds only the plans plans_for lets them read). Anything else: 404."""
    unit = Unit.objects.select_related("parent").filter(code=code).first()
    if unit is None:
        raise Http404
    if covers(user, unit.path):
        return unit, covers(user, unit.path, officer_only=True)
    if unit.path in _ancestor_paths(_paths(user, officer_only=False) or []):
        return unit, False
    raise Http404
