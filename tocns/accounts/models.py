from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Sign-in by username or phone. We keep no ID number, address or anything beyond what sign-in needs."""

    phone = models.CharField(_("số điện thoại"), max_length=15, unique=True, null=True, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    # The last hour the person used tocns (sign-in or any page), kept by accounts.middleware at most once an
    # hour: a phone that stays signed in for months never "signs in" again, so last_login alone would
    # say a daily user is idle. Dashboards count who used tocns in the last 30 days from it.
    last_seen_at = models.DateTimeField(_("lần dùng gần nhất"), null=True, blank=True, db_index=True)
    # Why an account was disabled ("no_role": it lost its last role), so granting a role again may
    # enable it; empty when active.
    disabled_reason = models.CharField(max_length=20, blank=True)

    def __str__(self):
        return self.full_name or self.username


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ cấp tỉnh")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    TEAM_LEADER = "team_leader", _("Tổ trưởng")
    TEAM_MEMBER = "team_member", _("Thành viên tổ")
    EDITOR = "editor", _("Biên tập viên cẩm nang")


# Roles that may change units, import villages, grant roles and read the audit log within their scope.
OFFICER_ROLES = {Role.ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER}
# Which roles an officer may grant: never one above their own.
GRANTABLE = {
    Role.ADMIN: [
        Role.ADMIN,
        Role.PROVINCE_OFFICER,
        Role.COMMUNE_OFFICER,
        Role.TEAM_LEADER,
        Role.TEAM_MEMBER,
        Role.EDITOR,
    ],
    Role.PROVINCE_OFFICER: [
        Role.PROVINCE_OFFICER,
        Role.COMMUNE_OFFICER,
        Role.TEAM_LEADER,
        Role.TEAM_MEMBER,
        Role.EDITOR,
    ],
    Role.COMMUNE_OFFICER: [Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.TEAM_MEMBER],
}


class RoleAssignment(models.Model):
    """A user's role on a unit and everything below it. The system admin role has no unit: it covers all."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="role_assignments"
    )
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="admin") | models.Q(unit__isnull=False),
                name="role_needs_unit_unless_admin",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit or _('toàn quốc')}"


class LoginLock(models.Model):
    """Failed sign-ins per account name, for lock-out. Keyed by what was typed, so unknown names lock too."""

    identifier = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.identifier}: {self.failures}"


class ApiToken(models.Model):
    """A key for programs that call the API (a district's own system, a bulk uploader). Only a hash is
    kept: the key is shown once when made, and a lost key is revoked and replaced."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("khóa API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class SignInCode(models.Model):
    """A one-time code that lets a person set their own password: typed (8 characters) with their phone,
    or opened as a link (the QR on the printed slip). Only keyed hashes of both are kept; the code and the
    link are shown once, when issued. Single use, expires, and locked after a few wrong tries."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_codes")
    code_hash = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mã kích hoạt")
        indexes = [models.Index(fields=["user", "used_at", "revoked_at"], name="signin_code_open")]

    def __str__(self):
        return f"{self.user} ({self.created_at:%d/%m/%Y})"


class UserSession(models.Model):
    """A signed-in browser of a user, so a person can see where they are signed in and end a session
    (a phone lost or lent). The session itself is Django's; this row names it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    device = models.CharField(_("thiết bị"), max_length=120, blank=True)
    remembered = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user}: {self.device}"
