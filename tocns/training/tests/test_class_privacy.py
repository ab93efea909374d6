"""A class run by the province enrols people from many communes: each officer sees by name only the people
of their own scope, the others as a count."""

import datetime

from django.test import Client

from tocns.accounts.models import Role
from tocns.accounts.services import create_user, grant_role
from tocns.conftest import PASSWORD
from tocns.teams.services import add_member, create_team
from tocns.training.models import Course
from tocns.training.services import create_session, enrol


def test_a_commune_officer_sees_only_their_communes_people_in_a_province_class(tree, people, rosters):
    course = Course.objects.create(code="an-toan", area="safety", title="An toàn", pass_mark=50)
    session = create_session(
        actor=None,
        course=course,
        unit=tree.lao_cai,
        date=datetime.date(2026, 11, 20),
        place="Hội trường tỉnh",
        trainer="Chị Hoa",
        capacity=30,
    )
    na_lang = create_team(actor=None, unit=tree.na_lang, name="Tổ CNS Na Lang")
    other = add_member(actor=None, team=na_lang, full_name="Thào Mí Chứ", phone="0966000001")
    enrol(actor=None, session=session, members=[rosters.member, other])
    muong_khuong_officer = create_user(
        actor=None, username="canbo.muongkhuong", password=PASSWORD, full_name="Cán bộ MK", phone="0900000010"
    )
    grant_role(actor=None, user=muong_khuong_officer, role=Role.COMMUNE_OFFICER, unit=tree.muong_khuong)
    client = Client()
    client.force_login(muong_khuong_officer)
    page = client.get(f"/tap-huan/lop/{session.pk}/")
    assert page.status_code == 200
    assert "Thào Mí Chứ" in page.text  # their commune's
    assert "Lò Thị Mai" not in page.text and "Tổ CNS Cốc Lếu" not in page.text  # another commune's
    assert "và 1 người của các đơn vị khác" in page.text and "Đã ghi danh 2/30 người" in page.text
    province = Client()
    province.force_login(people.province_officer)
    full = province.get(f"/tap-huan/lop/{session.pk}/").text
    assert "Thào Mí Chứ" in full and "Lò Thị Mai" in full and "đơn vị khác" not in full
