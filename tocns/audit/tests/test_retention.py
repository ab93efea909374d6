"""Past the province's retention (default five years) an audit entry keeps what was done and when, not who it
was about; a province officer sets their province's years; a person's deletion request scrubs at once."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from tocns.audit.models import AuditEntry, Retention
from tocns.audit.retention import GONE, scrub_person
from tocns.teams.services import add_member, create_team


def _age(entries, years: float):
    entries.update(at=timezone.now() - datetime.timedelta(days=round(365.25 * years)))


def test_old_entries_lose_personal_values_and_keep_what_was_done(tree, people):
    team = create_team(actor=people.commune_officer, unit=tree.coc_leu, name="Tổ CNS Cốc Lếu")
    member = add_member(actor=people.commune_officer, team=team, full_name="Hờ Thị Súa", phone="0933000111")
    old = AuditEntry.objects.filter(object_type="member", object_id=str(member.pk))
    _age(old, 5.1)
    recent_team = AuditEntry.objects.get(object_type="team")
    out = io.StringIO()
    call_command("scrub_audit", stdout=out)
    entry = old.get()
    assert entry.scrubbed and entry.object_repr == GONE and entry.actor_name == GONE
    assert entry.after["full_name"] == GONE and entry.after["phone"] == GONE
    assert entry.action == "create" and entry.after["role"] == "Thành viên"  # what was done stays
    recent_team.refresh_from_db()
    assert not recent_team.scrubbed and recent_team.actor_name == "canbo.xa"
    assert "Hờ Thị Súa" not in str(list(AuditEntry.objects.filter(pk=entry.pk).values()))


def test_a_province_keeps_personal_values_for_the_years_it_set(tree, people, client_for):
    team = create_team(actor=None, unit=tree.coc_leu, name="Tổ CNS Cốc Lếu")
    add_member(actor=None, team=team, full_name="Hờ Thị Súa", phone="0933000111")
    _age(AuditEntry.objects.all(), 2.5)
    client = client_for("province_officer")
    assert client.post("/nhat-ky/thoi-han/", {"province": tree.lao_cai.pk, "years": 2}).status_code == 302
    assert Retention.objects.get(unit=tree.lao_cai).years == 2
    call_command("scrub_audit", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(object_type="member", scrubbed=False).exists()
    # Another province's officer cannot set Lào Cai's; a commune officer sets none.
    assert (
        client_for("outsider")
        .post("/nhat-ky/thoi-han/", {"province": tree.lao_cai.pk, "years": 50})
        .status_code
        == 403
    )
    client_for("commune_officer").post("/nhat-ky/thoi-han/", {"province": tree.lao_cai.pk, "years": 50})
    assert Retention.objects.get(unit=tree.lao_cai).years == 2


def test_entries_within_the_default_are_kept(tree, people):
    team = create_team(actor=None, unit=tree.coc_leu, name="Tổ CNS Cốc Lếu")
    add_member(actor=None, team=team, full_name="Hờ Thị Súa", phone="0933000111")
    _age(AuditEntry.objects.all(), 4.9)
    call_command("scrub_audit", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(scrubbed=True).exists()


def test_a_deletion_request_scrubs_that_persons_entries_at_once(tree, people):
    team = create_team(actor=None, unit=tree.coc_leu, name="Tổ CNS Cốc Lếu")
    member = add_member(actor=None, team=team, full_name="Hờ Thị Súa", phone="0933000111")
    other = add_member(actor=None, team=team, full_name="Giàng Thị Dợ", phone="0933000222")
    assert scrub_person(object_type="member", object_id=member.pk) == 1
    assert AuditEntry.objects.get(object_id=str(member.pk), object_type="member").after["phone"] == GONE
    assert (
        AuditEntry.objects.get(object_id=str(other.pk), object_type="member").after["phone"] == "0933000222"
    )
