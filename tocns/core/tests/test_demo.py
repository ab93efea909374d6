from django.core.management import call_command

from tocns.accounts.models import RoleAssignment, User
from tocns.teams.models import Member, Team
from tocns.units.models import Unit


def test_seed_demo_builds_lao_cai_with_labelled_synthetic_data_and_one_user_per_role(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    lao_cai = Unit.objects.get(code="15")
    villages = Unit.objects.filter(path__startswith=lao_cai.path, kind="village")
    assert villages.count() > 800
    assert not villages.filter(is_synthetic=False).exists()
    assert all("(mô phỏng)" in name for name in villages.values_list("name", flat=True))
    assert Unit.objects.filter(parent=lao_cai, kind="commune", is_official=True).count() == 99
    assert (
        Team.objects.count() > 500 and Member.objects.filter(full_name__contains="(mô phỏng)").count() > 3000
    )
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {"admin", "province_officer", "commune_officer", "team_leader", "team_member"}
    leader = Member.objects.get(user__username="demo.totruong")
    assert leader.role == "leader" and leader.team.members.filter(role="leader").count() == 1
    assert "tocns-demo" in out

    counts = (Unit.objects.count(), Team.objects.count(), Member.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (
        Unit.objects.count(),
        Team.objects.count(),
        Member.objects.count(),
        User.objects.count(),
    ) == counts
