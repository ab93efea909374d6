import datetime
import uuid

import pytest
from django.utils import timezone

from tocns.activities.services import OutcomeInput, ReportInput, file_report
from tocns.evaluation import scoring
from tocns.teams.models import Team
from tocns.teams.services import add_member, create_team
from tocns.training.models import Course
from tocns.training.services import create_session, enrol, mark_attendance

TODAY = datetime.date(2026, 11, 23)  # a Monday; November 2026 touches 5 weeks (from Mon 26/10)


def report(actor, team, day, people=0):
    file_report(
        actor=actor,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=team.pk, date=day, people_reached=people, outcomes=[OutcomeInput("vneid", people, 0)]
        ),
    )


def scores_by_name(period_text, today=TODAY):
    period = scoring.Period.parse(period_text, today=today)
    result = scoring.score_teams(Team.objects.all(), period, dict(scoring.DEFAULT_WEIGHTS), today=today)
    return {s.team.name: s for s in result}


def entered_long_ago(day=datetime.date(2025, 1, 6)):
    """The fixture teams are entered "now" (the real day); the scores here are for TODAY, before that."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
    Team.objects.update(created_at=moment)


def entered_on(team, day):
    Team.objects.filter(pk=team.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
    )


@pytest.fixture
def frozen_today(monkeypatch):
    """Reports are checked against today's date; the scores are computed for a fixed day."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


def test_period_parsing():
    assert scoring.Period.parse("2026-10").start == datetime.date(2026, 10, 1)
    assert scoring.Period.parse("2026-10").end == datetime.date(2026, 10, 31)
    q3 = scoring.Period.parse("2026-Q3")
    assert (q3.start, q3.end, q3.label) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
        "Quý III/2026",
    )
    assert scoring.Period.parse("2026").end == datetime.date(2026, 12, 31)
    for bad in ["2026-Q5", "2026-13", "abc"]:
        with pytest.raises(ValueError):
            scoring.Period.parse(bad)


def test_each_class_with_its_reasons(frozen_today, tree, people, rosters):
    """Cốc Lếu (320 households) reports every week of November and reaches many people; Kim Tân reports
    once; Na Lang reported last in September; Lũng Cú never did."""
    admin = people.admin
    tree.kim_tan.households = 200
    tree.kim_tan.save()
    tree.na_lang.households = 150
    tree.na_lang.save()
    tree.lung_cu.households = None
    tree.lung_cu.save()
    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    add_member(actor=None, team=kim_tan, full_name="Hoàng Văn Kim", has_smartphone=False)
    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    add_member(actor=None, team=na_lang, full_name="Lò Văn Na", has_smartphone=True)
    for day in (3, 10, 17, 23):
        report(admin, rosters.coc_leu, datetime.date(2026, 11, day), people=10)
    report(admin, kim_tan, datetime.date(2026, 11, 5), people=1)
    report(admin, na_lang, datetime.date(2026, 9, 2), people=3)
    # Both Cốc Lếu members attended a class.
    course = Course.objects.create(code="c", area="safety", title="An toàn")
    session = create_session(
        actor=None,
        course=course,
        unit=tree.phuong_lao_cai,
        date=TODAY,
        place="Hội trường",
        trainer="X",
        capacity=10,
    )
    enrol(actor=None, session=session, members=[rosters.leader, rosters.member])
    mark_attendance(actor=None, session=session, present_ids={rosters.leader.pk, rosters.member.pk})

    entered_long_ago()
    scores = scores_by_name("2026-11")
    coc_leu, kim, na, lung_cu = (
        scores[n] for n in ["Tổ CNS Cốc Lếu", "Tổ CNS Kim Tân", "Tổ CNS Na Lang", "Tổ CNS Lũng Cú"]
    )
    assert coc_leu.klass == scoring.EFFECTIVE and coc_leu.score >= 70
    assert "có báo cáo 4/5 tuần" in coc_leu.reasons
    assert "hỗ trợ 40 người / 320 hộ" in coc_leu.reasons
    assert "2/2 thành viên đã tập huấn, 2/2 có điện thoại thông minh" in coc_leu.reasons
    assert kim.klass == scoring.WEAK and kim.score < 50
    assert "có báo cáo 1/5 tuần" in kim.reasons and "hỗ trợ 1 người / 200 hộ" in kim.reasons
    assert na.klass == scoring.PAPER and na.reasons[0] == "không có báo cáo từ 02/09"
    assert lung_cu.klass == scoring.PAPER and lung_cu.reasons[0] == "chưa từng báo cáo"
    # No household count: reach drops out and says why, instead of counting as zero.
    reach = next(p for p in lung_cu.parts if p.name == "reach")
    assert reach.value is None and reach.reason == "thôn chưa có số hộ"


def test_passing_class_between_50_and_70(frozen_today, tree, people, rosters):
    for day in (10, 23):
        report(people.admin, rosters.coc_leu, datetime.date(2026, 11, day), people=6)
    score = scores_by_name("2026-11")["Tổ CNS Cốc Lếu"]
    # regularity 2/5 (40), reach 12/320*100 = 3.75 of 5 = 0.75 (30), capacity (0 trained + 2 phones)/4 (10)
    assert score.score == round(100 * (0.4 * 40 + 0.75 * 30 + 0.5 * 10) / 80) == 54
    assert score.klass == scoring.PASSING


def test_province_weights_change_the_score(frozen_today, tree, people, rosters):
    from tocns.evaluation.models import ScoreWeights

    report(people.admin, rosters.coc_leu, datetime.date(2026, 11, 23), people=40)
    before = scores_by_name("2026-11")["Tổ CNS Cốc Lếu"].score
    ScoreWeights.objects.create(unit=tree.lao_cai, regularity=0, reach=100, targets=0, capacity=0, citizen=0)
    weights = scoring.weights_for(tree.coc_leu)
    assert weights["reach"] == 100
    period = scoring.Period.parse("2026-11", today=TODAY)
    after = {s.team.name: s for s in scoring.score_teams(Team.objects.all(), period, weights, today=TODAY)}
    assert after["Tổ CNS Cốc Lếu"].score == 100 != before


def test_targets_handed_to_a_team_count_when_given(frozen_today, tree, people, rosters):
    from tocns.catalogue.models import DigitalService
    from tocns.plans.models import Indicator, PlanStatus
    from tocns.plans.services import add_target, create_plan

    plan = create_plan(
        actor=None, unit=tree.phuong_lao_cai, year=2026, title="KH 2026", status=PlanStatus.ACTIVE
    )
    add_target(
        actor=None,
        plan=plan,
        indicator=Indicator.SERVICE_COMPLETED,
        service=DigitalService.objects.get(code="vneid"),
        value=12,
    )
    # By 23/11, 327/365 of the year has gone: on pace needs 12 × 327/365 ≈ 10.8 → 11 activations.
    file_report(
        actor=people.admin,
        report_id=uuid.uuid4(),
        data=ReportInput(team=rosters.coc_leu.pk, date=TODAY, outcomes=[OutcomeInput("vneid", 12, 11)]),
    )
    score = scores_by_name("2026")["Tổ CNS Cốc Lếu"]
    targets = next(p for p in score.parts if p.name == "targets")
    assert targets.value == 1.0 and targets.reason == "đạt 1/1 chỉ tiêu được giao (theo tiến độ năm)"
    # A team with no share is not marked down for it.
    assert (
        next(p for p in scores_by_name("2026")["Tổ CNS Lũng Cú"].parts if p.name == "targets").value is None
    )


def test_targets_scoped_by_path_equal_those_of_the_teams_given(frozen_today, tree, people, rosters):
    """Dashboards score a unit's teams by path, reading the shares of plans under or above it; that
    must give what scoring the same teams by id gives: a commune plan's shares, a province plan split
    straight to teams, and nothing from another province's plan."""
    from tocns.catalogue.models import DigitalService
    from tocns.plans.models import Indicator, PlanStatus
    from tocns.plans.services import add_target, create_plan

    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    vneid = DigitalService.objects.get(code="vneid")
    for unit, indicator, value, split_to in (
        (tree.phuong_lao_cai, Indicator.SERVICE_COMPLETED, 6, None),
        (tree.lao_cai, Indicator.ACTIVITIES, 3, "teams"),  # one report each, on pace with one filed
        (tree.dong_van, Indicator.ACTIVITIES, 6, None),
    ):
        plan = create_plan(actor=None, unit=unit, year=2026, title="KH 2026", status=PlanStatus.ACTIVE)
        service = vneid if indicator == Indicator.SERVICE_COMPLETED else None
        add_target(
            actor=None, plan=plan, indicator=indicator, service=service, value=value, split_to=split_to
        )
    entered_long_ago()  # October is scored too: the teams must have existed then
    report(people.admin, rosters.coc_leu, TODAY, people=12)
    report(people.admin, kim_tan, TODAY - datetime.timedelta(days=3), people=2)
    # Cốc Lếu's VNeID share is 3 of the commune's 6 (by households): on pace at 327/365 of the year.
    file_report(
        actor=people.admin,
        report_id=uuid.uuid4(),
        data=ReportInput(team=rosters.coc_leu.pk, date=TODAY, outcomes=[OutcomeInput("vneid", 3, 3)]),
    )
    period = scoring.Period.parse("2026", today=TODAY)
    weights = dict(scoring.DEFAULT_WEIGHTS)

    def targets(teams, path=None, period=period):
        scores = scoring.score_teams(teams, period, weights, today=TODAY, path=path)
        return {s.team.name: s.inputs.targets for s in scores}

    # Targets count from 1 January whatever the period: the year (whose own report sums are reused) and
    # November (read on their own) end today alike.
    november = scoring.Period.parse("2026-11", today=TODAY)
    province = Team.objects.filter(unit__path__startswith=tree.lao_cai.path)
    assert targets(province, tree.lao_cai.path) == targets(province, tree.lao_cai.path, november)

    for unit in (tree.lao_cai, tree.phuong_lao_cai, tree.muong_khuong, tree.dong_van):
        teams = Team.objects.filter(unit__path__startswith=unit.path)
        assert targets(teams, unit.path) == targets(teams), unit.name
    by_id = targets(Team.objects.filter(unit__path__startswith=tree.lao_cai.path))
    # Cốc Lếu and Kim Tân: a VNeID share (met by Cốc Lếu's 3 activations) and an activities share met by
    # their reports; Na Lang: the activities share only, and no report.
    assert by_id == {"Tổ CNS Cốc Lếu": (2, 2), "Tổ CNS Kim Tân": (1, 2), "Tổ CNS Na Lang": (0, 1)}
    # A period that ended before today judges the year up to its end (October: no report yet).
    october = scoring.Period.parse("2026-10", today=TODAY)
    assert targets(province, tree.lao_cai.path, october) == {
        "Tổ CNS Cốc Lếu": (0, 2),
        "Tổ CNS Kim Tân": (0, 2),
        "Tổ CNS Na Lang": (0, 1),
    }


def test_a_new_team_is_new_until_its_grace_period_ends_then_on_paper(frozen_today, tree, people, rosters):
    """Teams entered 10 and 59 days ago without a report are "mới thành lập", one entered 61 days ago is
    "chỉ trên giấy"; a new team that reported is judged by its score like any other. A province that gives
    90 days keeps the 61-day-old team new. The classes add up to the teams scored."""
    kim_tan = create_team(actor=None, unit=tree.kim_tan, name="Tổ CNS Kim Tân")
    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    lung_cu = rosters.lung_cu
    entered_long_ago()
    entered_on(rosters.coc_leu, TODAY - datetime.timedelta(days=10))
    entered_on(kim_tan, TODAY - datetime.timedelta(days=59))
    entered_on(na_lang, TODAY - datetime.timedelta(days=61))
    entered_on(lung_cu, TODAY - datetime.timedelta(days=5))
    report(people.admin, lung_cu, TODAY - datetime.timedelta(days=1), people=2)

    scores = scores_by_name("2026-11")
    assert scores["Tổ CNS Cốc Lếu"].klass == scoring.NEW
    assert scores["Tổ CNS Cốc Lếu"].class_label == "Mới thành lập"
    entered = TODAY - datetime.timedelta(days=10)
    assert (
        scores["Tổ CNS Cốc Lếu"].reasons[0]
        == f"chưa có báo cáo đầu tiên (có trên hệ thống từ {entered:%d/%m/%Y})"
    )
    assert scores["Tổ CNS Kim Tân"].klass == scoring.NEW
    assert scores["Tổ CNS Na Lang"].klass == scoring.PAPER
    assert scores["Tổ CNS Lũng Cú"].klass in scoring.WORKING
    counts = {key: n for key, _label, n in scoring.class_counts(list(scores.values()))}
    assert sum(counts.values()) == len(scores) == Team.objects.count()

    from tocns.evaluation.models import ScoreWeights

    ScoreWeights.objects.create(unit=tree.lao_cai, grace_days=90)
    weights = scoring.weights_for(tree.kim_tan)
    assert weights["grace_days"] == 90
    period = scoring.Period.parse("2026-11", today=TODAY)
    later = {s.team.name: s for s in scoring.score_teams(Team.objects.all(), period, weights, today=TODAY)}
    assert later["Tổ CNS Na Lang"].klass == scoring.NEW
