"""Who covers what: a user's roles, the units they cover and the path filter built from them. This part knows
only units and roles; each app keeps its own rules on top of it (``teams.scope``: who sees or edits a team;
``activities.scope``, ``handbook.scope``, ``training.scope``, ``plans.scope`` likewise), and every read of
scoped data goes through one of them."""

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


def covered_paths(user, *, officer_only: bool = False) -> list[str] | None:
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
    paths = covered_paths(user, officer_only=officer_only)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def covers(user, path: str, *, officer_only: bool = False) -> bool:
    paths = covered_paths(user, officer_only=officer_only)
    return paths is None or any(path.startswith(p) for p in paths)


def units_for(user):
    return Unit.objects.filter(scope_q(user))


def editable_units_for(user):
    return Unit.objects.filter(scope_q(user, officer_only=True))


def unit_for(user, code: str) -> tuple[Unit, bool]:
    """(unit, can_edit). A unit outside the user's scope does not exist for them: 404."""
    unit = Unit.objects.select_related("parent").typed_code(code)
    if unit is None or not covers(user, unit.path):
        raise Http404
    return unit, covers(user, unit.path, officer_only=True)


def root_units_for(user):
    """Where the unit browser starts: all provinces for the admin, else the units the user was granted."""
    paths = covered_paths(user, officer_only=False)
    qs = Unit.objects.filter(parent__isnull=True) if paths is None else Unit.objects.filter(path__in=paths)
    return qs.current()


def officer_paths(user) -> list[str] | None:
    """Paths under which the user may change things (None: everywhere)."""
    return covered_paths(user, officer_only=True)


def require_officer(user) -> None:
    """Read-only users (team leaders and members) may look but not change units, roles or read the log."""
    from django.core.exceptions import PermissionDenied

    if not is_officer(user):
        raise PermissionDenied


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


def leads(user, path: str) -> bool:
    """Whether the user leads a team at or under the path."""
    return any(
        r.role == Role.TEAM_LEADER and r.unit_id and path.startswith(r.unit.path) for r in active_roles(user)
    )


def holds(user, *roles: Role) -> bool:
    """Whether the user is an admin or holds one of the roles anywhere."""
    return is_admin(user) or any(r.role in roles for r in active_roles(user))


def ancestor_paths(paths: list[str]) -> list[str]:
    """Paths of the units above the given ones ("/15/02647/02647-001/" -> "/15/", "/15/02647/")."""
    return sorted({above for path in paths for above in ancestors(path)})
