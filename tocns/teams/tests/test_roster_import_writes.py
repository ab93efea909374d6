"""What apply_roster() writes, read back through the ORM: it writes teams, members and audit entries
with bulk_insert() (COPY on PostgreSQL, multi-row INSERTs elsewhere) instead of bulk_create(), so these
check the rows come out as the ORM would have written them."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tocns.audit import services as audit
from tocns.audit.models import AuditEntry
from tocns.core import bulk
from tocns.core.bulk import bulk_insert
from tocns.teams import roster_write
from tocns.teams.models import Affiliation, Member, MemberRole, Team, TeamStatus
from tocns.teams.roster_import import IMPORT_AUDIT_FIELDS, apply_roster, read_roster
from tocns.teams.services import TEAM_AUDIT_FIELDS

from .test_roster_import import roster_file, row


@pytest.fixture(params=["default", "insert", "insert-one-by-one"])
def write_path(request, monkeypatch):
    """bulk_insert()'s ways of writing: the backend's own (COPY on PostgreSQL, multi-row INSERT ...
    RETURNING on SQLite), multi-row INSERTs on any backend, and one INSERT a row for a backend that
    cannot return the keys of a multi-row INSERT."""
    if request.param != "default":
        monkeypatch.setattr(bulk, "_copy_cursor", lambda cursor: None)
    if request.param == "insert-one-by-one":
        if connection.vendor == "postgresql":
            pytest.skip("PostgreSQL always returns the keys of a multi-row INSERT")
        monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    return request.param


def test_audit_entries_read_back_as_the_orm_would_have_written_them(tree, rosters, people, write_path):
    before_mai = audit.snapshot(rosters.member, IMPORT_AUDIT_FIELDS)
    data = roster_file(
        # A new team with two new members, every kind of value given or left blank.
        row(name="Hoàng Văn Nam", role="Tổ trưởng", phone="0987654321", year=1980, smartphone="có"),
        row(name="Lý Thị Hoa", affiliation="Hội phụ nữ", smartphone="không"),
        # An update of a current member and an unchanged one.
        row(village="Tổ dân phố Cốc Lếu", name="LÒ THỊ MAI", phone="0912345679", role="Tổ phó"),
        row(village="Tổ dân phố Cốc Lếu", name="Nguyễn Văn Tổ", phone="0912345678"),
    )
    result = apply_roster(read_roster(data), actor=people.commune_officer)
    assert result.written and (len(result.to_create), len(result.to_update), result.unchanged) == (2, 1, 1)

    entries = list(AuditEntry.objects.filter(action="import").order_by("id"))
    assert [(e.object_type, e.object_repr) for e in entries] == [
        ("team", "Tổ CNS Tổ dân phố Kim Tân"),
        ("member", "Hoàng Văn Nam"),
        ("member", "Lý Thị Hoa"),
        ("member", "LÒ THỊ MAI"),
    ]
    for entry in entries:
        assert (entry.actor, entry.actor_name) == (people.commune_officer, people.commune_officer.username)
        assert entry.at <= timezone.now()

    team = Team.objects.get(unit=tree.kim_tan)
    assert result.teams_to_create[0].pk == team.pk
    nam, hoa = Member.objects.get(full_name="Hoàng Văn Nam"), Member.objects.get(full_name="Lý Thị Hoa")
    mai = Member.objects.get(pk=rosters.member.pk)
    # What audit.record() would have written for each, from the rows as the ORM reads them back.
    expected = [
        (team, team.unit.path, None, audit.snapshot(team, TEAM_AUDIT_FIELDS)),
        (nam, team.unit.path, None, audit.snapshot(nam, IMPORT_AUDIT_FIELDS)),
        (hoa, team.unit.path, None, audit.snapshot(hoa, IMPORT_AUDIT_FIELDS)),
        (mai, rosters.coc_leu.unit.path, before_mai, audit.snapshot(mai, IMPORT_AUDIT_FIELDS)),
    ]
    for entry, (obj, unit_path, before, after) in zip(entries, expected, strict=True):
        assert (entry.object_id, entry.object_repr, entry.unit_path) == (str(obj.pk), str(obj), unit_path)
        assert (entry.before, entry.after) == (before, after)

    # Spelled out once, so that a change in audit.snapshot() does not hide a change here.
    assert entries[1].after == {
        "full_name": "Hoàng Văn Nam",
        "birth_year": 1980,
        "phone": "0987654321",
        "role": "Tổ trưởng",
        "affiliation": "Khác",
        "affiliation_note": "",
        "has_smartphone": True,
        "joined_on": timezone.localdate().isoformat(),
    }
    assert entries[3].before["role"] == "Thành viên" and entries[3].after["role"] == "Tổ phó"
    # Stored as JSON objects, not as JSON strings holding them: the database can look inside.
    imported = AuditEntry.objects.filter(action="import")
    assert imported.filter(after__role="Tổ trưởng", after__birth_year=1980).count() == 1
    assert imported.filter(after__status="Hiện có", before__isnull=True).count() == 1


def test_new_teams_and_members_get_the_defaults_the_orm_gives(tree, write_path):
    start = timezone.now()
    result = apply_roster(
        read_roster(
            roster_file(
                row(name="Hoàng Văn Nam", role="Tổ trưởng", phone="0987654321", year=1980, smartphone="x"),
                row(name="Lý Thị Hoa"),
            )
        )
    )
    [team] = Team.objects.all()
    assert (team.name, team.unit, team.status) == (
        "Tổ CNS Tổ dân phố Kim Tân",
        tree.kim_tan,
        TeamStatus.ACTIVE,
    )
    assert (team.decision_number, team.decision_date, team.dissolved_on, team.zalo_url, team.notes) == (
        "",
        None,
        None,
        "",
        "",
    )
    assert start <= team.created_at == team.updated_at <= timezone.now()
    [created] = result.teams_to_create
    assert (created.pk, created._state.adding) == (team.pk, False)

    members = Member.objects.filter(team=team).order_by("full_name")
    assert [
        (
            m.full_name,
            m.phone,
            m.birth_year,
            m.role,
            m.affiliation,
            m.has_smartphone,
            m.gender,
            m.phone_public,
            m.phone_public_consent_at,
            m.skill_level,
            m.joined_on,
            m.left_on,
            m.user,
        )
        for m in members
    ] == [
        (
            "Hoàng Văn Nam",
            "0987654321",
            1980,
            MemberRole.LEADER,
            Affiliation.OTHER,
            True,
            "",
            False,
            None,
            None,
            timezone.localdate(),
            None,
            None,
        ),
        (
            "Lý Thị Hoa",
            "",
            None,
            MemberRole.MEMBER,
            Affiliation.OTHER,
            False,
            "",
            False,
            None,
            None,
            timezone.localdate(),
            None,
            None,
        ),
    ]
    for member in members:
        assert start <= member.created_at <= member.updated_at <= timezone.now()


def test_bulk_insert_returns_the_keys_in_the_order_of_the_rows(rosters, write_path):
    # More rows than one INSERT takes on SQLite (999 parameters), so several batches.
    names = [f"Người Thứ {i:03d}" for i in range(150)]
    rows = [
        (rosters.lung_cu.pk, name, 1950 + i % 60, MemberRole.MEMBER.value, datetime.date(2025, 1, i % 28 + 1))
        for i, name in enumerate(names)
    ]
    ids = bulk_insert(Member, ["team", "full_name", "birth_year", "role", "joined_on"], rows, return_ids=True)
    assert len(set(ids)) == 150
    by_pk = Member.objects.in_bulk(ids)
    assert [(by_pk[pk].full_name, by_pk[pk].birth_year, by_pk[pk].joined_on) for pk in ids] == [
        (name, 1950 + i % 60, datetime.date(2025, 1, i % 28 + 1)) for i, name in enumerate(names)
    ]
    # The keys came from the table's own sequence: the ORM's next insert follows them.
    later = Member.objects.create(team=rosters.lung_cu, full_name="Người Sau")
    assert later.pk > max(ids)
    assert bulk_insert(Member, ["team", "full_name"], [], return_ids=True) == []


def test_a_failing_write_leaves_nothing_behind(tree, monkeypatch):
    def fail_on_audit(model, fields, rows, **kwargs):
        if model is AuditEntry:
            raise RuntimeError("disk full")
        return bulk_insert(model, fields, rows, **kwargs)

    monkeypatch.setattr(roster_write, "bulk_insert", fail_on_audit)
    result = read_roster(roster_file(row(name="Người Tốt"), row(name="Người Tốt Hai")))
    with pytest.raises(RuntimeError):
        apply_roster(result)
    assert not result.written
    assert not Team.objects.exists() and not Member.objects.exists() and not AuditEntry.objects.exists()
