"""Writing what roster_match found: new villages (when asked), new teams, new and changed members, and an
"import" audit entry for each, in one transaction, with core.bulk's writer."""

from django.db import router, transaction
from django.utils import timezone

from tocns.audit import services as audit
from tocns.audit.models import AuditEntry
from tocns.core import stamps
from tocns.core.bulk import bulk_insert, snapshotter, without_gc_pauses
from tocns.units.models import Unit
from tocns.units.services import UNIT_AUDIT_FIELDS, last_village_number, village_code

from .models import Affiliation, Member, MemberRole, Team
from .roster_match import RosterImportResult
from .services import TEAM_AUDIT_FIELDS

# The fields an import sets, in the audit entries it writes. Not `user`: reading it per member would
# cost a query each, and an import never links accounts.
IMPORT_AUDIT_FIELDS = [
    "full_name",
    "birth_year",
    "phone",
    "role",
    "affiliation",
    "affiliation_note",
    "has_smartphone",
    "joined_on",
]
# What an import may change on a current member: all it sets, but the day they joined.
UPDATE_FIELDS = [name for name in IMPORT_AUDIT_FIELDS if name != "joined_on"]
BATCH = 1000


def _audit_row(who: tuple, object_type: str, pk, repr_: str, unit_path: str, before, after) -> tuple:
    """An "import" audit entry as a row of AUDIT_FIELDS: what audit.record() would write."""
    actor_id, actor_name = who
    return (actor_id, actor_name, "import", object_type, str(pk), repr_[:200], unit_path, before, after)


# The columns apply_roster() writes itself; the others get their defaults (bulk_insert()).
AUDIT_FIELDS = [
    "actor",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "unit_path",
    "before",
    "after",
]
TEAM_FIELDS = [f.attname for f in Team._meta.concrete_fields if not f.primary_key]
# A new member's row: its team, then what its audit entry's "after" holds.
NEW_MEMBER_FIELDS = ["team", *IMPORT_AUDIT_FIELDS]


def _create_villages(villages: list[Unit], who: tuple) -> list[tuple]:
    """Save the villages the rows named and their communes lacked, numbered after the commune's last one
    (under the import's lock), and their audit entries."""
    unit_snapshot = snapshotter(Unit, UNIT_AUDIT_FIELDS)
    last: dict[int, int] = {}
    for village in villages:
        commune = village.parent
        if commune.pk not in last:
            last[commune.pk] = last_village_number(commune)
        last[commune.pk] += 1
        village.code = village_code(commune, last[commune.pk])
        village.path = Unit.path_for(commune, village.code)
    Unit.objects.bulk_create(villages, batch_size=BATCH)
    stamps.touch(*(village.path for village in villages))  # bulk inserts send no signals
    return [
        _audit_row(who, Unit._meta.model_name, v.pk, str(v), v.path, None, unit_snapshot(v)) for v in villages
    ]


@without_gc_pauses
@transaction.atomic
def apply_roster(
    result: RosterImportResult, *, actor=None, skip_bad_rows: bool = False
) -> RosterImportResult:
    """Write what read_roster() found, in one transaction. Any bad row stops everything unless
    skip_bad_rows. Everything created or changed gets an "import" audit entry on the team's unit.
    New teams, new members and the audit entries are written with bulk_insert(): the ORM's bulk_create()
    took most of an import's time."""
    if result.written or (result.errors and not skip_bad_rows):
        return result
    actor_ok = actor is not None and actor.is_authenticated
    who = (actor.pk, actor.get_username()) if actor_ok else (None, audit.SYSTEM_ACTOR)
    team_snapshot = snapshotter(Team, TEAM_AUDIT_FIELDS)
    member_snapshot = snapshotter(Member, IMPORT_AUDIT_FIELDS)
    now = timezone.now()

    entries = _create_villages(result.new_villages, who)
    teams = result.teams_to_create
    for team in teams:
        team.unit = team.unit  # a village created just now has its pk only since
        team.created_at = team.updated_at = now
    ids = bulk_insert(
        Team, TEAM_FIELDS, [tuple(getattr(t, f) for f in TEAM_FIELDS) for t in teams], return_ids=True
    )
    for team, pk in zip(teams, ids, strict=True):
        team.pk = pk
        team._state.adding = False
        team._state.db = router.db_for_write(Team)
        entries.append(
            _audit_row(who, Team._meta.model_name, pk, str(team), team.unit.path, None, team_snapshot(team))
        )

    today = timezone.localdate()
    default_role, default_affiliation = MemberRole.MEMBER.value, Affiliation.OTHER.value
    rows = [
        (
            item.plan.team.pk,
            item.full_name,
            item.birth_year,
            item.phone or "",
            item.role or default_role,
            item.affiliation or default_affiliation,
            item.affiliation_note,
            bool(item.has_smartphone),
            today,
        )
        for item in result.to_create
    ]
    ids = bulk_insert(Member, NEW_MEMBER_FIELDS, rows, return_ids=True)
    entries.extend(
        _audit_row(
            who,
            Member._meta.model_name,
            pk,
            item.full_name,  # str(member)
            item.plan.village.path,
            None,
            member_snapshot.of_values(row[1:]),
        )
        for item, row, pk in zip(result.to_create, rows, ids, strict=True)
    )

    updated = []
    for item in result.to_update:
        member = item.existing
        before = member_snapshot(member)
        for name, value in item.changes.items():
            setattr(member, name, value)
        member.updated_at = now
        updated.append(member)
        entries.append(
            _audit_row(
                who,
                Member._meta.model_name,
                member.pk,
                str(member),
                item.plan.village.path,
                before,
                member_snapshot(member),
            )
        )
    Member.objects.bulk_update(updated, [*UPDATE_FIELDS, "updated_at"], batch_size=BATCH)
    bulk_insert(AuditEntry, AUDIT_FIELDS, entries)
    # Bulk writes send no signals: the villages whose teams and members changed.
    stamps.touch(*{item.plan.village.path for item in (*result.to_create, *result.to_update)})
    stamps.touch(*(team.unit.path for team in teams))
    result.written = True
    return result
