from django.core.management import call_command
from django.db.models import F

from tocns.accounts.models import RoleAssignment, User
from tocns.activities.models import Activity, Outcome
from tocns.teams.models import Member, Team
from tocns.units.models import Unit


def test_seed_demo_builds_lao_cai_with_labelled_synthetic_data_and_one_user_per_role(db, capsys):
    call_command("load_courses")
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
    # Most of a year of reports: most teams report, some went silent, some never did (teams on paper).
    from tocns.activities import selectors as activity_selectors

    reported = activity_selectors.teams_with_last_report(Team.objects.all())
    silent_since = activity_selectors.silent_since()
    never = reported.filter(last_report__isnull=True).count()
    silent = reported.filter(last_report__lte=silent_since).count()
    assert Activity.objects.count() > 5000
    assert 0.1 < never / Team.objects.count() < 0.35 and silent > 50
    assert not Outcome.objects.filter(completed__gt=F("guided")).exists()
    assert not Activity.objects.exclude(unit_path__startswith=lao_cai.path).exists()
    # Training: classes in communes, about a third of members attended, certificates only for those who
    # attended and passed.
    from tocns.training.models import Certificate, Enrolment, QuizAttempt

    attended = Enrolment.objects.filter(attended=True).values("member").distinct().count()
    assert 0.2 < attended / Member.objects.count() < 0.5
    for certificate in Certificate.objects.all()[:200]:
        assert Enrolment.objects.filter(
            member=certificate.member, session__course=certificate.course, attended=True
        ).exists()
        assert QuizAttempt.objects.filter(
            member=certificate.member, course=certificate.course, passed=True
        ).exists()
    # Each issued by the commune that ran a class of it, numbered 1, 2, 3 … per commune, and its
    # counter where the next one issued will follow on.
    from tocns.training.models import CertificateCounter

    assert not Certificate.objects.filter(number="").exists()
    for counter in CertificateCounter.objects.all():
        numbers = sorted(
            int(n.split("/")[0])
            for n in Certificate.objects.filter(issuer=counter.unit).values_list("number", flat=True)
        )
        assert numbers and numbers[-1] <= counter.last and len(set(numbers)) == len(numbers)

    counts = (Unit.objects.count(), Team.objects.count(), Member.objects.count(), User.objects.count())
    activities = Activity.objects.count()
    call_command("seed_demo")
    assert (
        Unit.objects.count(),
        Team.objects.count(),
        Member.objects.count(),
        User.objects.count(),
    ) == counts
    assert Activity.objects.count() == activities
