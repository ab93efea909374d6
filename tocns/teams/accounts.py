"""Accounts for the people on the rosters: made in bulk for a team, a commune or a province, kept in step
with the roster (a member who leaves loses that team's role at once), and listed for the officers and team
leaders who hand out the sign-in codes.

The phone is the sign-in name, one account per phone. A member's role on the team gives the account's role
on the team's unit: tổ trưởng → team leader, everyone else → team member."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from tocns.accounts import services as account_services
from tocns.accounts.models import Role, RoleAssignment, User
from tocns.accounts.phones import normalize_phone
from tocns.audit import services as audit
from tocns.core import stamps
from tocns.core.text import fold

from .models import Member, MemberRole, TeamStatus
from .selectors import Coverage

TEAM_ROLES = (Role.TEAM_LEADER, Role.TEAM_MEMBER)
ACTIVE_DAYS = 30  # "used tocns lately", on the dashboards and the accounts pages
CHUNK = 2000  # ids and phones per IN (...) list: SQLite takes at most 32,766 variables a statement


def role_for(member: Member) -> Role:
    return Role.TEAM_LEADER if member.role == MemberRole.LEADER else Role.TEAM_MEMBER


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class BulkPlan:
    """What a bulk run does, shown before it runs and again after: every member is in one list."""

    create: list[Member] = field(default_factory=list)  # a new account each
    link: list[tuple[Member, User]] = field(
        default_factory=list
    )  # their phone's account is the same person's
    have: list[Member] = field(default_factory=list)  # linked already
    no_phone: list[Member] = field(default_factory=list)
    shared: list[tuple[str, list[Member]]] = field(default_factory=list)  # one phone, several people
    taken: list[tuple[Member, User]] = field(default_factory=list)  # the phone's account is someone else's
    disabled: list[tuple[Member, User]] = field(default_factory=list)  # linked to a disabled account

    @property
    def to_do(self) -> int:
        return len(self.create) + len(self.link)

    @property
    def skipped(self) -> int:
        return len(self.no_phone) + sum(len(m) for _p, m in self.shared) + len(self.taken)


def members_in(unit=None, team=None):
    """The current members of active teams at or under a unit, or of one team."""
    members = Member.objects.current().filter(team__status=TeamStatus.ACTIVE)
    if team is not None:
        return members.filter(team=team)
    return members.filter(team__unit__path__startswith=unit.path)


def plan(members) -> BulkPlan:
    """Sort the members into what a bulk run would do with each; reads, writes nothing."""
    result = BulkPlan()
    listed = list(
        members.select_related("team", "team__unit", "user").order_by(
            "team__unit__path", "team_id", "full_name"
        )
    )
    phones: dict[str, list[Member]] = {}
    for member in listed:
        if member.user_id is not None:
            if member.user.is_active:
                result.have.append(member)
            else:
                result.disabled.append((member, member.user))
            continue
        phone = normalize_phone(member.phone)
        if not phone:
            result.no_phone.append(member)
            continue
        phones.setdefault(phone, []).append(member)
    # A phone two people without an account share (a family's phone): nobody can tell whose account it is.
    single = {}
    for phone, sharing in phones.items():
        if len(sharing) > 1 and len({fold(m.full_name) for m in sharing}) > 1:
            result.shared.append((phone, sharing))
        else:
            single[phone] = sharing
    existing: dict[str, User] = {}
    keys = list(single)
    for chunk in _chunks(keys):
        for user in User.objects.filter(Q(phone__in=chunk) | Q(username__in=chunk)):
            existing[user.phone or user.username] = user
    for phone, sharing in single.items():
        user = existing.get(phone)
        for member in sharing:  # the same person on two teams: one account, linked to both
            if user is None:
                result.create.append(member)
            elif (
                fold(user.full_name) == fold(member.full_name)
                or user.memberships.filter(full_name__iexact=member.full_name).exists()
            ):
                result.link.append((member, user))
            else:
                result.taken.append((member, user))
    return result


@transaction.atomic
def create_accounts(*, actor, members) -> BulkPlan:
    """Give every member without an account one (or link the account their phone already has, when it is
    theirs), with the role their place on the team gives. The members are locked first and the plan made
    again under the lock, so two officers pressing at once make each account once. Members left out (no
    phone, a shared phone, a phone that is someone else's account) are listed and untouched; the run is one
    transaction: nothing is half-written."""
    ids = list(members.values_list("pk", flat=True))
    for chunk in _chunks(ids):
        list(Member.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
    result = plan(members)  # again, now that nobody else can change these members
    now = timezone.now()
    unusable = make_password(None)
    made: dict[str, User] = {}
    for member in result.create:
        phone = normalize_phone(member.phone)
        if phone not in made:
            made[phone] = User(
                username=phone,
                phone=phone,
                full_name=" ".join(member.full_name.split()),
                password=unusable,
                date_joined=now,
            )
    User.objects.bulk_create(list(made.values()), batch_size=1000)
    if any(user.pk is None for user in made.values()):  # a database that returns no ids from bulk inserts
        by_phone = dict(User.objects.filter(phone__in=list(made)).values_list("phone", "pk"))
        for phone, user in made.items():
            user.pk = by_phone[phone]
    pairs = [(m, made[normalize_phone(m.phone)]) for m in result.create] + list(result.link)
    for member, user in pairs:
        member.user = user
    _link(pairs)
    wanted = {(user.pk, role_for(member), member.team.unit_id): (member, user) for member, user in pairs}
    held = set()
    for chunk in _chunks(list({u.pk for _m, u in pairs})):
        held.update(
            RoleAssignment.objects.filter(user_id__in=chunk, revoked_at__isnull=True).values_list(
                "user_id", "role", "unit_id"
            )
        )
    granted = [
        (RoleAssignment(user=user, role=role, unit=member.team.unit, granted_by=_actor(actor)), member)
        for (user_pk, role, _unit), (member, user) in wanted.items()
        if (user_pk, role, member.team.unit_id) not in held
    ]
    RoleAssignment.objects.bulk_create([grant for grant, _m in granted], batch_size=1000)
    # One entry a grant, saying whose account it is, on which roster; a new account's entry says so.
    new = {user.pk for user in made.values()}
    audit.record_many(
        [
            audit.entry(
                actor=actor,
                action="create" if grant.user_id in new else "grant",
                obj=grant.user,
                unit_path=grant.unit.path,
                after={
                    "username": grant.user.username,
                    "full_name": grant.user.full_name,
                    "role": grant.get_role_display(),
                    "unit": grant.unit.name,
                    "team": member.team.name,
                },
            )
            for grant, member in granted
        ]
    )
    for member, user in {u.pk: (m, u) for m, u in result.link}.values():
        if not user.is_active and user.disabled_reason == account_services.NO_ROLE:  # back on a roster
            account_services.enable(actor=actor, user=user, unit_path=member.team.unit.path)
    stamps.touch(*{member.team.unit.path for member, _user in pairs})  # bulk updates send no signals
    return result


def _actor(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _link(pairs: list[tuple[Member, User]]) -> None:
    """member.user = user for each pair. Rosters keep phones as accounts do (normalised), so most pairs are
    one UPDATE a chunk, the account found by the member's phone; the others (a phone kept otherwise) by id."""
    by_phone = [m.pk for m, u in pairs if m.phone == u.phone]
    for chunk in _chunks(by_phone):
        Member.objects.filter(pk__in=chunk).update(
            user=Subquery(User.objects.filter(phone=OuterRef("phone")).values("pk")[:1])
        )
    others = [m for m, u in pairs if m.phone != u.phone]
    Member.objects.bulk_update(others, ["user"], batch_size=1000)


@transaction.atomic
def sync_team_roles(*, actor, member: Member) -> None:
    """The account of a member has the team role its current memberships on that team's unit give, and no
    other: a member who left loses it at once (and an account left with no role is disabled), a member
    made tổ trưởng becomes team leader. Roles granted by hand on other units are left alone."""
    if member.user_id is None:
        return
    user, unit = member.user, member.team.unit
    wanted = {
        role_for(m)
        for m in Member.objects.current().filter(user=user, team__unit=unit, team__status=TeamStatus.ACTIVE)
    }
    held = RoleAssignment.objects.filter(user=user, unit=unit, role__in=TEAM_ROLES, revoked_at__isnull=True)
    for assignment in held:
        if assignment.role not in wanted:
            account_services.revoke_role(actor=actor, assignment=assignment)
    for role in wanted - {a.role for a in held}:
        account_services.grant_role(actor=None, user=user, role=role, unit=unit)


def create_one(*, actor, full_name: str, phone: str, role: str, unit, member: Member | None = None) -> User:
    """One account, for an officer's form: the phone must have none yet."""
    phone = normalize_phone(phone)
    user = account_services.create_user(
        actor=actor, username=phone, password=None, full_name=" ".join(full_name.split()), phone=phone
    )
    if member is not None:
        from .services import link_account

        link_account(actor=actor, member=member, user=user)
    else:
        account_services.grant_role(actor=actor, user=user, role=role, unit=unit)
    return user


# Reading: who has an account, who has used it ---------------------------------------------------------


@dataclass
class Adoption:
    members: int = 0
    with_account: int = 0
    active: int = 0  # used tocns in the last ACTIVE_DAYS days

    @property
    def account_share(self):
        return Coverage.share(self.with_account, self.members)

    @property
    def active_share(self):
        return Coverage.share(self.active, self.members)

    def add(self, members: int, with_account: int, active: int) -> None:
        self.members += members
        self.with_account += with_account
        self.active += active


def adoption_rows(members, by: str = "team__unit__path"):
    """(unit path of the team, or ``by``; members, with an account, used in the last 30 days) of the given
    members, one grouped query; only accounts that can sign in count."""
    since = timezone.now() - datetime.timedelta(days=ACTIVE_DAYS)
    can_sign_in = Q(user__isnull=False, user__is_active=True)
    return (
        members.order_by()
        .values_list(by)
        .annotate(
            n=Count("pk"),
            a=Count("pk", filter=can_sign_in),
            s=Count("pk", filter=can_sign_in & Q(user__last_seen_at__gte=since)),
        )
    )


def adoption(members) -> Adoption:
    total = Adoption()
    for _path, n, a, s in adoption_rows(members):
        total.add(n, a, s)
    return total


def people_under(unit):
    """The accounts of a unit's people: a role at or under the unit, or a place (now or before) on one of
    its teams' rosters (a member who left keeps a disabled account there)."""
    by_role = RoleAssignment.objects.filter(unit__path__startswith=unit.path, revoked_at__isnull=True)
    on_roster = Member.objects.filter(team__unit__path__startswith=unit.path, user__isnull=False)
    return User.objects.filter(
        Q(Exists(by_role.filter(user=OuterRef("pk")))) | Q(Exists(on_roster.filter(user=OuterRef("pk"))))
    )
