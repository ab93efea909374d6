"""Writes on teams, rosters and ID cards. Every change is audited against the team's unit."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts.phones import normalize_phone
from tocns.audit import services as audit

from .models import Member, MemberCard, MemberRole, Team, TeamStatus

TEAM_AUDIT_FIELDS = ["name", "unit", "decision_number", "decision_date", "status", "dissolved_on", "zalo_url"]
MEMBER_AUDIT_FIELDS = [
    "full_name",
    "gender",
    "birth_year",
    "phone",
    "phone_public",
    "role",
    "affiliation",
    "affiliation_note",
    "has_smartphone",
    "skill_level",
    "joined_on",
    "left_on",
    "user",
]


def _record(obj, *, actor, action, fields, unit_path, before=None):
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        unit_path=unit_path,
        before=before,
        after=audit.snapshot(obj, fields),
    )
    return obj


def _audited_save(obj, *, actor, action, fields, unit_path, before=None):
    obj.full_clean()
    obj.save()
    return _record(obj, actor=actor, action=action, fields=fields, unit_path=unit_path, before=before)


@transaction.atomic
def create_team(*, actor, unit, name: str, **values) -> Team:
    team = Team(unit=unit, name=name, **values)
    return _audited_save(team, actor=actor, action="create", fields=TEAM_AUDIT_FIELDS, unit_path=unit.path)


@transaction.atomic
def update_team(*, actor, team: Team, **values) -> Team:
    before = audit.snapshot(team, TEAM_AUDIT_FIELDS)
    for field, value in values.items():
        setattr(team, field, value)
    if team.status == TeamStatus.DISSOLVED and team.dissolved_on is None:
        team.dissolved_on = timezone.localdate()
    if team.status == TeamStatus.ACTIVE:
        team.dissolved_on = None
    _audited_save(
        team, actor=actor, action="update", fields=TEAM_AUDIT_FIELDS, unit_path=team.unit.path, before=before
    )
    if before["status"] != audit.snapshot(team, ["status"])["status"]:
        from .accounts import sync_team_roles  # a dissolved team's members no longer hold its role

        for member in team.members.current().filter(user__isnull=False).select_related("user", "team__unit"):
            sync_team_roles(actor=actor, member=member)
    return team


def check_member(member: Member) -> None:
    """The roster rules: a usable phone, no phone twice in one team, one current leader."""
    errors = {}
    if member.phone:
        phone = normalize_phone(member.phone)
        if not phone:
            errors["phone"] = _("Số điện thoại không hợp lệ (cần 10 chữ số, bắt đầu bằng 0).")
        else:
            member.phone = phone
            clash = Member.objects.current().filter(team=member.team, phone=phone).exclude(pk=member.pk)
            if clash.exists():
                errors["phone"] = _("Số điện thoại này đã có trong tổ.")
    if member.phone_public and not member.phone:
        member.phone_public = False
    if member.role == MemberRole.LEADER and member.left_on is None:
        leaders = (
            Member.objects.current().filter(team=member.team, role=MemberRole.LEADER).exclude(pk=member.pk)
        )
        if leaders.exists():
            errors["role"] = _("Tổ đã có tổ trưởng (%(name)s). Hãy đổi vai trò người đó trước.") % {
                "name": leaders.first().full_name
            }
    if errors:
        raise ValidationError(errors)


def _consent_time(member: Member, was_public: bool) -> None:
    if member.phone_public and not was_public:
        member.phone_public_consent_at = timezone.now()
    elif not member.phone_public:
        member.phone_public_consent_at = None


@transaction.atomic
def add_member(*, actor, team: Team, full_name: str, **values) -> Member:
    member = Member(team=team, full_name=" ".join(full_name.split()), **values)
    if member.joined_on is None:
        member.joined_on = timezone.localdate()
    check_member(member)
    _consent_time(member, was_public=False)
    return _audited_save(
        member, actor=actor, action="create", fields=MEMBER_AUDIT_FIELDS, unit_path=team.unit.path
    )


@transaction.atomic
def update_member(*, actor, member: Member, **values) -> Member:
    before = audit.snapshot(member, MEMBER_AUDIT_FIELDS)
    was_public = member.phone_public
    for field, value in values.items():
        setattr(member, field, value)
    check_member(member)
    _consent_time(member, was_public)
    _audited_save(
        member,
        actor=actor,
        action="update",
        fields=MEMBER_AUDIT_FIELDS,
        unit_path=member.team.unit.path,
        before=before,
    )
    if before["role"] != audit.snapshot(member, ["role"])["role"]:
        from .accounts import sync_team_roles  # made tổ trưởng: the account leads the team too

        sync_team_roles(actor=actor, member=member)
    return member


@transaction.atomic
def member_leaves(*, actor, member: Member, left_on: datetime.date | None = None) -> Member:
    """Leaving keeps the row (history) and revokes the member's ID cards."""
    before = audit.snapshot(member, MEMBER_AUDIT_FIELDS)
    member.left_on = left_on or timezone.localdate()
    member.phone_public = False
    member.phone_public_consent_at = None
    member.save()
    member.cards.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=MemberCard.RevokedReason.LEFT
    )
    _record(
        member,
        actor=actor,
        action="leave",
        fields=MEMBER_AUDIT_FIELDS,
        unit_path=member.team.unit.path,
        before=before,
    )
    from .accounts import sync_team_roles  # the team's role goes at once; no role left: account disabled

    sync_team_roles(actor=actor, member=member)
    return member


def new_token() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits: not guessable, short enough for a small QR


@transaction.atomic
def current_card(*, member: Member) -> MemberCard:
    """The member's valid card, issued on first need."""
    card = member.cards.filter(revoked_at__isnull=True).first()
    return card or MemberCard.objects.create(member=member, token=new_token())


@transaction.atomic
def reissue_card(*, actor, member: Member) -> MemberCard:
    if not member.is_current:
        raise ValidationError(_("Thành viên đã rời tổ, không cấp thẻ."))
    member.cards.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=MemberCard.RevokedReason.REISSUED
    )
    card = MemberCard.objects.create(member=member, token=new_token())
    audit.record(actor=actor, action="reissue_card", obj=member, unit_path=member.team.unit.path)
    return card


@transaction.atomic
def link_account(*, actor, member: Member, user) -> Member:
    """Let a member sign in: link the account and grant the team role on the team's unit."""
    from tocns.accounts.models import Role
    from tocns.accounts.services import grant_role

    if member.user_id == user.pk:
        return member
    before = audit.snapshot(member, MEMBER_AUDIT_FIELDS)
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    role = Role.TEAM_LEADER if member.role == MemberRole.LEADER else Role.TEAM_MEMBER
    grant_role(actor=actor, user=user, role=role, unit=member.team.unit)
    return _record(
        member,
        actor=actor,
        action="update",
        fields=MEMBER_AUDIT_FIELDS,
        unit_path=member.team.unit.path,
        before=before,
    )


def follow_merge(sender, *, source, target, actor, **kwargs) -> None:
    """The teams attached to a merged unit serve the unit it became. Left on the closed unit, they hung under
    a unit that no longer exists, and the merged village counted as one without a team. Connected to
    units.signals.unit_merged (teams.apps), which units.services.merge_units sends for each merged unit."""
    for team in Team.objects.filter(unit=source):
        team.unit = target
        team.save(update_fields=["unit", "updated_at"])
        audit.record(
            actor=actor,
            action="update",
            obj=team,
            unit_path=target.path,
            before={"unit": source.code},
            after={"unit": target.code},
        )
