import datetime

import pytest

from tocns.audit.models import AuditEntry
from tocns.conftest import make_unit
from tocns.plans import services
from tocns.plans.models import Indicator, Plan, PlanStatus, Target, Task
from tocns.teams.services import create_team
from tocns.units.models import UnitKind

from .conftest import report


@pytest.fixture
def commune_plan(vneid_target, province_plan, rosters, tree):
    """Phường Lào Cai's plan, inherited from the province, with its VNeID share split to its teams."""
    services.cascade_to_children(actor=None, plan=province_plan)
    return province_plan.children.get(unit=tree.phuong_lao_cai)


def test_province_officer_makes_a_plan_adds_a_target_and_cascades(client_for, tree, vneid, this_year):
    client = client_for("province_officer")
    response = client.post(
        f"/ke-hoach/moi/?don-vi={tree.lao_cai.code}",
        {"title": "Chương trình năm", "year": this_year, "status": "active"},
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert response["Location"] == f"/ke-hoach/{plan.pk}/"
    response = client.post(
        f"/ke-hoach/{plan.pk}/chi-tieu/moi/",
        {"indicator": "service_completed", "service": vneid.pk, "value": 1000, "split_to": "units"},
    )
    assert response.status_code == 302
    assert sorted(Target.objects.get().shares.values_list("value", flat=True)) == [137, 863]
    assert client.post(f"/ke-hoach/{plan.pk}/giao-xuong/").status_code == 302
    assert Plan.objects.filter(parent=plan).count() == 2
    page = client.get(f"/ke-hoach/{plan.pk}/")
    html = page.content.decode()
    assert "Phường Lào Cai" in html and "863" in html and "1.000" in html
    listing = client.get(f"/don-vi/{tree.lao_cai.code}/ke-hoach/")
    assert [p.title for p in listing.context["plans"]] == ["Chương trình năm"]
    assert AuditEntry.objects.filter(object_type="plan").count() == 3


def test_a_target_form_error_is_shown_in_vietnamese(client_for, province_plan):
    response = client_for("province_officer").post(
        f"/ke-hoach/{province_plan.pk}/chi-tieu/moi/",
        {"indicator": "service_completed", "value": 10, "split_to": "units"},
    )
    assert response.status_code == 200
    assert "Chọn dịch vụ số" in response.content.decode()


def test_editing_a_share_by_hand_and_the_overflow_refusal(client_for, vneid_target, province_plan, tree):
    client = client_for("province_officer")
    share = vneid_target.shares.get(unit=tree.muong_khuong)
    url = f"/ke-hoach/{province_plan.pk}/phan-giao/{share.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"value": 200}).status_code == 302
    assert dict(vneid_target.shares.values_list("unit__code", "value")) == {"02647": 800, "02953": 200}
    refused = client.post(url, {"value": 1200})
    assert refused.status_code == 200 and "vượt chỉ tiêu" in refused.content.decode()
    assert dict(vneid_target.shares.values_list("unit__code", "value")) == {"02647": 800, "02953": 200}
    assert client.post(url, {"action": "release"}).status_code == 302
    assert dict(vneid_target.shares.values_list("unit__code", "value")) == {"02647": 863, "02953": 137}


def test_tasks_are_given_and_marked_done(client_for, commune_plan, rosters, this_year):
    client = client_for("commune_officer")
    response = client.post(
        f"/ke-hoach/{commune_plan.pk}/nhiem-vu/moi/",
        {"team": rosters.coc_leu.pk, "title": "Họp dân phổ biến VNeID", "deadline": f"{this_year}-12-31"},
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert client.post(f"/ke-hoach/{commune_plan.pk}/nhiem-vu/{task.pk}/xong/").status_code == 302
    page = client.get(f"/ke-hoach/{commune_plan.pk}/")
    assert [row.status for row in page.context["page"].tasks] == ["done"]
    # A team of another province cannot be given a task here.
    response = client.post(
        f"/ke-hoach/{commune_plan.pk}/nhiem-vu/moi/",
        {"team": rosters.lung_cu.pk, "title": "X", "deadline": f"{this_year}-12-31"},
    )
    assert response.status_code == 200 and Task.objects.count() == 1


def test_outsider_gets_404_everywhere(client_for, commune_plan, province_plan, vneid_target, tree):
    client = client_for("outsider")
    share = vneid_target.shares.first()
    for url in [
        f"/ke-hoach/{province_plan.pk}/",
        f"/ke-hoach/{commune_plan.pk}/",
        f"/don-vi/{tree.lao_cai.code}/ke-hoach/",
        f"/ke-hoach/moi/?don-vi={tree.lao_cai.code}",
        f"/ke-hoach/{province_plan.pk}/chi-tieu/moi/",
        f"/ke-hoach/{province_plan.pk}/phan-giao/{share.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/ke-hoach/{province_plan.pk}/giao-xuong/").status_code == 404
    assert client_for("no_role").get(f"/ke-hoach/{province_plan.pk}/").status_code == 404


def test_team_member_reads_the_plans_that_give_their_team_work_but_cannot_edit(
    client_for, commune_plan, province_plan, tree, rosters
):
    client = client_for("team_member")
    page = client.get(f"/ke-hoach/{commune_plan.pk}/")
    assert page.status_code == 200 and not page.context["can_edit"]
    assert "Tổ CNS Cốc Lếu" in page.content.decode()
    assert client.get(f"/ke-hoach/{commune_plan.pk}/chi-tieu/moi/").status_code == 403
    assert client.post(f"/ke-hoach/{commune_plan.pk}/giao-xuong/").status_code == 403
    share = commune_plan.targets.get().shares.get(team=rosters.coc_leu)
    assert client.post(f"/ke-hoach/{commune_plan.pk}/phan-giao/{share.pk}/", {"value": 1}).status_code == 403
    listing = client.get(f"/don-vi/{tree.phuong_lao_cai.code}/ke-hoach/")
    assert [p.pk for p in listing.context["plans"]] == [commune_plan.pk]
    # The province's plan gives their team neither a share nor a task: not theirs to see.
    assert client.get(f"/ke-hoach/{province_plan.pk}/").status_code == 404
    # Until then: a task for their team makes it visible.
    services.add_task(
        actor=None,
        plan=province_plan,
        team=rosters.coc_leu,
        title="Báo cáo quý",
        deadline=datetime.date(province_plan.year, 12, 31),
    )
    assert client.get(f"/ke-hoach/{province_plan.pk}/").status_code == 200
    # A draft is not shown below.
    services.set_plan_status(actor=None, plan=commune_plan, status=PlanStatus.DRAFT)
    assert client.get(f"/ke-hoach/{commune_plan.pk}/").status_code == 404


def test_commune_officer_reads_the_province_plan_and_edits_their_own(client_for, commune_plan, province_plan):
    client = client_for("commune_officer")
    province_page = client.get(f"/ke-hoach/{province_plan.pk}/")
    assert province_page.status_code == 200 and not province_page.context["can_edit"]
    assert client.get(f"/ke-hoach/{province_plan.pk}/chi-tieu/moi/").status_code == 403
    own = client.get(f"/ke-hoach/{commune_plan.pk}/")
    assert own.status_code == 200 and own.context["can_edit"]
    assert client.get(f"/ke-hoach/{commune_plan.pk}/chi-tieu/moi/").status_code == 200


def test_post_only_urls_refuse_get(client_for, province_plan):
    client = client_for("province_officer")
    assert client.get(f"/ke-hoach/{province_plan.pk}/giao-xuong/").status_code == 405
    assert client.get(f"/ke-hoach/{province_plan.pk}/trang-thai/").status_code == 405


def _grow(tree, n, this_year, plan, vneid):
    """n more communes, each with a village, a team, a report and a task on the plan."""
    from tocns.teams.models import Team

    for i in range(n):
        code = f"03{len(Team.objects.all()):03d}"
        commune = make_unit(code, f"Xã {code}", UnitKind.COMMUNE, tree.lao_cai)
        village = make_unit(f"{code}-001", f"Thôn {code}", UnitKind.VILLAGE, commune, households=50 + i)
        team = create_team(actor=None, unit=village, name=f"Tổ {code}")
        services.add_task(
            actor=None,
            plan=plan,
            team=team,
            title=f"Nhiệm vụ {code}",
            deadline=datetime.date(this_year, 12, 31),
            indicator=Indicator.SERVICE_COMPLETED,
            service=vneid,
            target_value=10,
        )
    for target in plan.targets.all():
        services.split_target(target)


def test_plan_page_queries_do_not_grow_with_shares_and_tasks(
    client_for,
    province_plan,
    vneid_target,
    people,
    rosters,
    tree,
    vneid,
    this_year,
    django_assert_max_num_queries,
):
    services.add_target(actor=None, plan=province_plan, indicator=Indicator.ACTIVITIES, value=120)
    services.add_target(actor=None, plan=province_plan, indicator=Indicator.HOUSEHOLDS_SHARE, value=60)
    services.cascade_to_children(actor=None, plan=province_plan)
    report(people.team_member, rosters.coc_leu, completed=4, households=3)
    _grow(tree, 2, this_year, province_plan, vneid)
    client = client_for("province_officer")
    url = f"/ke-hoach/{province_plan.pk}/"
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _grow(tree, 12, this_year, province_plan, vneid)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert len(page.context["page"].tasks) == 14
    assert len(page.context["page"].targets[0].shares) == 16


def test_index_lists_the_plans_a_user_may_read(client_for, commune_plan, province_plan, tree):
    officer = client_for("commune_officer").get("/ke-hoach/")
    assert {p.pk for p in officer.context["plans"]} == {province_plan.pk, commune_plan.pk}
    assert [u.code for u in officer.context["roots"]] == [tree.phuong_lao_cai.code]
    member = client_for("team_member").get("/ke-hoach/")
    assert [p.pk for p in member.context["plans"]] == [commune_plan.pk] and not member.context["roots"]
    assert list(client_for("outsider").get("/ke-hoach/").context["plans"]) == []


def test_share_rows_show_each_share_with_its_progress_link_and_edit(
    client_for, vneid_target, province_plan, people, rosters, tree
):
    """The share tables (plan_tables.share_rows): names escaped, value, hand-set tag, figure, bar, lateness,
    the link to the lower plan and the edit link; a households target in percent."""
    from tocns.plans.tests.conftest import report

    services.set_share(actor=None, share=vneid_target.shares.get(unit=tree.muong_khuong), value=200)
    services.add_target(actor=None, plan=province_plan, indicator=Indicator.HOUSEHOLDS_SHARE, value=60)
    services.cascade_to_children(actor=None, plan=province_plan)
    team = rosters.coc_leu
    team.name = "Tổ <b>Cốc Lếu</b>"
    team.save()
    report(people.team_leader, team, completed=40, households=16)
    page = client_for("province_officer").get(f"/ke-hoach/{province_plan.pk}/").content.decode()
    child = Plan.objects.get(parent=province_plan, unit=tree.phuong_lao_cai)
    vneid_rows = page.split('id="chi-tieu-')[1]
    assert (
        "Phường Lào Cai<br>" in vneid_rows
        and f'<a href="/ke-hoach/{child.pk}/">kế hoạch cấp dưới</a>' in vneid_rows
    )
    muong = vneid_target.shares.get(unit=tree.muong_khuong)
    edit = f'<a href="/ke-hoach/{province_plan.pk}/phan-giao/{muong.pk}/">Sửa</a>'
    assert f'<td class="num">200<br><span class="tag">giao tay</span><br>{edit}</td>' in vneid_rows
    assert "40 / 800 (5%)" in vneid_rows and 'aria-valuenow="5"' in vneid_rows
    assert '<span class="tag warn">chậm</span>' in vneid_rows
    households_rows = page.split('id="chi-tieu-')[2]
    assert '<td class="num">60%<br><a href="' in households_rows
    # Phường Lào Cai: 16 of its 600 households reached, 2,7% against 60%.
    assert "2,7% / 60% (4%)" in households_rows
    # The commune's plan lists its teams, their names escaped, with their village; a team leader reads it.
    commune_page = client_for("team_leader").get(f"/ke-hoach/{child.pk}/").content.decode()
    assert 'Tổ &lt;b&gt;Cốc Lếu&lt;/b&gt;<br><span class="muted">Tổ dân phố Cốc Lếu</span>' in commune_page
    assert "/phan-giao/" not in commune_page  # no edit link for who cannot edit


def test_a_long_list_of_shares_is_folded_under_how_many_and_how_many_are_behind(
    client_for, province_plan, vneid, tree
):
    client = client_for("province_officer")
    services.add_target(
        actor=None, plan=province_plan, indicator=Indicator.SERVICE_COMPLETED, service=vneid, value=26
    )
    page = client.get(f"/ke-hoach/{province_plan.pk}/").content.decode()
    assert '<details class="shares" open>' in page and "Phần giao cho 2 đơn vị" in page  # two communes: open
    for n in range(11):
        make_unit(f"0299{n:02d}", f"Xã Mới {n}", UnitKind.COMMUNE, tree.lao_cai)
    target = province_plan.targets.get()
    services.split_target(target)
    page = client.get(f"/ke-hoach/{province_plan.pk}/").content.decode()
    assert '<details class="shares">' in page and '<details class="shares" open>' not in page
    behind = sum(
        1 for s in target.shares.all() if s.value > 0
    )  # nothing reported: every share above 0 is behind
    assert f'Phần giao cho 13 đơn vị · <span class="tag warn">{behind} chậm tiến độ</span>' in page
    assert page.count("/phan-giao/") == 13  # every share still on the page, behind the fold
