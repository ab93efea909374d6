from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tocns.audit import services as audit

from . import selectors
from .models import GRANTABLE, Role, RoleAssignment, User

ROLE_AUDIT_FIELDS = ["user", "role", "unit", "revoked_at"]


def grantable_roles(actor) -> list[Role]:
    role = selectors.main_role(actor)
    return GRANTABLE.get(role, []) if role else []


@transaction.atomic
def grant_role(*, actor, user: User, role: str, unit) -> RoleAssignment:
    """Give a role on a unit. An officer grants only within their scope and never above their own role.
    actor=None is the system (demo data, management commands)."""
    if actor is not None:
        if role not in grantable_roles(actor):
            raise PermissionDenied
        if unit is None or not selectors.covers(actor, unit.path, officer_only=True):
            raise PermissionDenied
    existing = RoleAssignment.objects.filter(user=user, role=role, unit=unit, revoked_at__isnull=True).first()
    if existing:
        return existing
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit, granted_by=actor)
    if not user.is_active and user.disabled_reason == NO_ROLE:
        _set_active(actor=actor, user=user, active=True, unit_path=unit.path if unit else "")
    audit.record(
        actor=actor,
        action="grant",
        obj=assignment,
        unit_path=unit.path if unit else "",
        after=audit.snapshot(assignment, ROLE_AUDIT_FIELDS),
    )
    return assignment


@transaction.atomic
def revoke_role(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    before = audit.snapshot(assignment, ROLE_AUDIT_FIELDS)
    assignment.revoked_at = timezone.now()
    assignment.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action="revoke",
        obj=assignment,
        unit_path=assignment.unit.path if assignment.unit else "",
        before=before,
        after=audit.snapshot(assignment, ROLE_AUDIT_FIELDS),
    )
    disable_if_roleless(actor=actor, user=assignment.user)
    return assignment


NO_ROLE = "no_role"


def disable_if_roleless(*, actor, user: User) -> bool:
    """An account left with no role is disabled: it signs in nowhere, its sessions end, and its open
    sign-in codes and API keys stop working. Granting it a role again enables it."""
    if not user.is_active or user.is_superuser:
        return False
    if RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).exists():
        return False
    _set_active(actor=actor, user=user, active=False, unit_path="")
    return True


def enable(*, actor, user: User, unit_path: str = "") -> None:
    _set_active(actor=actor, user=user, active=True, unit_path=unit_path)


def _set_active(*, actor, user: User, active: bool, unit_path: str) -> None:
    from . import codes, sessions

    before = {"is_active": user.is_active}
    user.is_active = active
    user.disabled_reason = "" if active else NO_ROLE
    user.save(update_fields=["is_active", "disabled_reason"])
    if not active:
        codes.revoke_all(user)
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        sessions.end_all(user)
    audit.record(
        actor=actor,
        action="enable" if active else "disable",
        obj=user,
        unit_path=unit_path,
        before=before,
        after={"is_active": active},
    )


@transaction.atomic
def create_user(
    *, actor, username: str, password: str | None, full_name: str = "", phone: str | None = None
) -> User:
    user = User(username=username, full_name=full_name, phone=phone or None)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        actor=actor,
        action="create",
        obj=user,
        unit_path="",
        after={"username": username, "full_name": full_name},
    )
    return user
