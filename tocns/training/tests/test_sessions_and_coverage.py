import json

import pytest
from django.core.exceptions import ValidationError

from tocns.audit.models import AuditEntry
from tocns.teams.services import add_member, create_team
from tocns.training.models import Enrolment
from tocns.training.services import assess_self, enrol, mark_attendance


def test_commune_officer_opens_a_class_enrols_a_team_and_marks_attendance(client_for, rosters, course, tree):
    client = client_for("commune_officer")
    response = client.post(
        f"/don-vi/{tree.phuong_lao_cai.code}/tap-huan/lop-moi/",
        {
            "course": course.pk,
            "date": "2026-12-01",
            "place": "Nhà văn hóa",
            "trainer": "Chị Hoa",
            "capacity": 20,
        },
    )
    assert response.status_code == 302
    session_url = response["Location"]
    client.post(session_url, {"action": "enrol", "team": rosters.coc_leu.pk})
    assert Enrolment.objects.count() == 2
    client.post(session_url, {"action": "attendance", "present": [rosters.member.pk]})
    attended = dict(Enrolment.objects.values_list("member__full_name", "attended"))
    assert attended == {"Lò Thị Mai": True, "Nguyễn Văn Tổ": False}
    assert AuditEntry.objects.filter(object_type="session").count() == 3


def test_village_member_sees_the_communes_class_but_cannot_run_it(client_for, session, rosters):
    client = client_for("team_member")
    page = client.get(f"/tap-huan/lop/{session.pk}/")
    assert page.status_code == 200 and not page.context["can_run"]
    assert client.post(f"/tap-huan/lop/{session.pk}/", {"action": "attendance"}).status_code == 403
    assert client_for("outsider").get(f"/tap-huan/lop/{session.pk}/").status_code == 404


def test_officer_cannot_enrol_a_team_of_another_commune(client_for, session, rosters):
    response = client_for("commune_officer").post(
        f"/tap-huan/lop/{session.pk}/", {"action": "enrol", "team": rosters.lung_cu.pk}
    )
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_capacity_is_respected(session, rosters, people):
    session.capacity = 1
    session.save()
    with pytest.raises(ValidationError):
        enrol(actor=people.commune_officer, session=session, members=[rosters.member, rosters.leader])
    assert not Enrolment.objects.exists()


def test_coverage_per_unit_and_who_still_needs_training(client_for, tree, rosters, session, people):
    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    add_member(actor=None, team=kim_tan, full_name="Hoàng Văn Kim")
    enrol(actor=people.commune_officer, session=session, members=[rosters.member, rosters.leader])
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.member.pk})
    page = client_for("commune_officer").get(f"/don-vi/{tree.phuong_lao_cai.code}/tap-huan/")
    coverage = page.context["coverage"]
    assert (coverage.members, coverage.trained) == (3, 1)
    assert dict((area, n) for area, _label, n in coverage.by_area)["safety"] == 1
    assert [m.full_name for m in page.context["needing"]] == ["Nguyễn Văn Tổ", "Hoàng Văn Kim"]
    assert "33%" in page.content.decode()
    # The province sees the same numbers per commune, and they add up.
    province = client_for("province_officer").get(f"/don-vi/{tree.lao_cai.code}/tap-huan/")
    rows = {r.unit.code: r for r in province.context["children"]}
    assert (rows[tree.phuong_lao_cai.code].members, rows[tree.phuong_lao_cai.code].trained) == (3, 1)
    assert sum(r.members for r in province.context["children"]) == province.context["coverage"].members
    assert client_for("outsider").get(f"/don-vi/{tree.phuong_lao_cai.code}/tap-huan/").status_code == 404


def test_skill_profile_shows_self_assessment_and_what_is_confirmed(
    client_for, rosters, session, course, people
):
    client = client_for("team_member")
    response = client.post(f"/tap-huan/thanh-vien/{rosters.member.pk}/", {"safety": "3", "payment": "2"})
    assert response.status_code == 302
    enrol(actor=people.commune_officer, session=session, members=[rosters.member])
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.member.pk})
    skills = {s.area: s for s in client.get(f"/tap-huan/thanh-vien/{rosters.member.pk}/").context["skills"]}
    assert skills["safety"].self_level == 3 and skills["safety"].trained and not skills["safety"].quiz_passed
    assert skills["payment"].self_level == 2 and not skills["payment"].trained
    # Another member of the team may look but not assess for her; an outsider cannot look.
    assert client_for("team_leader").get(f"/tap-huan/thanh-vien/{rosters.member.pk}/").status_code == 200
    leader_posts = client_for("team_member").post(
        f"/tap-huan/thanh-vien/{rosters.leader.pk}/", {"safety": "1"}
    )
    assert leader_posts.status_code == 403
    assert client_for("outsider").get(f"/tap-huan/thanh-vien/{rosters.member.pk}/").status_code == 404


def test_self_assessment_levels_are_1_to_4(rosters):
    with pytest.raises(ValidationError):
        assess_self(member=rosters.member, levels={"safety": 5})


def test_fresh_install_has_a_course_per_skill_area_with_a_quiz(db):
    from django.core.management import call_command

    from tocns.training.models import Course, SkillArea
    from tocns.training.services import CONTENT

    call_command("load_courses")
    assert set(Course.objects.values_list("area", flat=True)) == set(SkillArea.values)
    for course in Course.objects.all():
        questions = list(course.questions.all())
        assert len(questions) >= 5 and course.pass_mark == 70
        assert all(0 <= q.correct < len(q.choices) for q in questions)
    call_command("load_courses")
    assert Course.objects.count() == len(json.loads(CONTENT.read_text(encoding="utf-8")))


def test_attendance_keeps_the_members_trained_flag(session, rosters, people):
    """Member.trained (read by the dashboards' capacity figures) follows the attendance marks."""
    from tocns.teams.models import Member

    def trained():
        return dict(
            Member.objects.filter(pk__in=[rosters.member.pk, rosters.leader.pk]).values_list("pk", "trained")
        )

    enrol(actor=people.commune_officer, session=session, members=[rosters.member, rosters.leader])
    assert trained() == {rosters.member.pk: False, rosters.leader.pk: False}
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.member.pk})
    assert trained() == {rosters.member.pk: True, rosters.leader.pk: False}
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.leader.pk})
    assert trained() == {rosters.member.pk: False, rosters.leader.pk: True}


def test_coverage_equals_the_count_from_enrolments(tree, rosters, course, session, people):
    """The page counts Member.trained and attendance per area; the definition is a lookup of each
    member's attended enrolments (selectors.trained_q), which this compares with."""
    import datetime

    from tocns.teams.models import Member
    from tocns.training import selectors
    from tocns.training.models import Course
    from tocns.training.tests.conftest import open_class

    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    kim = add_member(actor=None, team=kim_tan, full_name="Hoàng Văn Kim")
    add_member(actor=None, team=kim_tan, full_name="Lường Thị Chưa Học")
    phones = Course.objects.create(
        code="dien-thoai", area="smartphone", title="Dùng điện thoại", pass_mark=70
    )

    def run(course, present, members):
        held = open_class(
            people.commune_officer, course, tree.phuong_lao_cai, date=datetime.date(2026, 11, 21)
        )
        enrol(actor=people.commune_officer, session=held, members=members)
        mark_attendance(actor=people.commune_officer, session=held, present_ids={m.pk for m in present})

    enrol(actor=people.commune_officer, session=session, members=[rosters.member, rosters.leader, kim])
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.member.pk, kim.pk})
    run(course, [rosters.member], [rosters.member])  # a second safety class: still one member
    run(phones, [kim], [kim, rosters.leader])  # the leader enrolled but absent
    members = Member.objects.filter(team__unit__path__startswith=tree.phuong_lao_cai.path)
    coverage = selectors.coverage(members)
    current = members.current()
    assert coverage.members == current.count() == 4
    assert coverage.trained == current.filter(selectors.trained_q()).count() == 2
    assert coverage.by_area == [
        (area, label, current.filter(selectors.trained_q(area)).count())
        for area, label, _n in coverage.by_area
    ]
    assert {a: n for a, _l, n in coverage.by_area} == {
        **{a: 0 for a, _l, _n in coverage.by_area},
        "safety": 2,
        "smartphone": 1,
    }
    needing = [m.full_name for m in selectors.needing_training(members)]
    assert needing == [
        m.full_name for m in selectors.needing_training(members).exclude(selectors.trained_q())
    ]
    assert sorted(needing) == ["Lường Thị Chưa Học", "Nguyễn Văn Tổ"]
