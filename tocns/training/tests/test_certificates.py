"""A certificate is the course completion certificate of the unit that organised the class: its name, a
number of its own, a signer its officer set; never a state document nor the QĐ 757 confirmation."""

import pytest
from django.utils import timezone

from tocns.audit.models import AuditEntry
from tocns.training.models import Certificate, CertificateSettings, Course, Question
from tocns.training.services import (
    complete_certificate,
    enrol,
    mark_attendance,
    save_certificate_settings,
    take_quiz,
)

from .conftest import open_class

YEAR = timezone.localdate().year


def certify(officer, session, member, course):
    """The member attends the class and passes the quiz."""
    enrol(actor=officer, session=session, members=[member])
    mark_attendance(actor=officer, session=session, present_ids={member.pk})
    take_quiz(
        actor=None,
        member=member,
        course=course,
        answers={q.number: q.correct for q in course.questions.all()},
    )
    return Certificate.objects.get(member=member, course=course, revoked_at__isnull=True)


def test_the_organising_unit_issues_numbers_and_signs(tree, people, rosters, course, session):
    save_certificate_settings(
        actor=people.commune_officer,
        unit=tree.phuong_lao_cai,
        data={"issuer_name": "", "signer_title": "Phó Chủ tịch UBND phường", "signer_name": "Nguyễn Văn Ký"},
    )
    first = certify(people.commune_officer, session, rosters.member, course)
    second = certify(people.commune_officer, session, rosters.leader, course)
    assert first.issuer == tree.phuong_lao_cai and first.issuer_name == "Phường Lào Cai"
    assert (first.number, second.number) == (f"1/{YEAR}", f"2/{YEAR}")
    assert (first.signer_title, first.signer_name) == ("Phó Chủ tịch UBND phường", "Nguyễn Văn Ký")

    # A province's class numbers its own certificates.
    phones = Course.objects.create(code="dien-thoai", area="smartphone", title="Dùng điện thoại")
    Question.objects.create(course=phones, number=1, text="?", choices=["A", "B", "C", "D"], correct=2)
    province_class = open_class(people.province_officer, phones, tree.lao_cai)
    third = certify(people.province_officer, province_class, rosters.member, phones)
    assert (third.issuer, third.number) == (tree.lao_cai, f"1/{YEAR}")

    # Who signs next does not change what an issued certificate says.
    save_certificate_settings(
        actor=people.commune_officer,
        unit=tree.phuong_lao_cai,
        data={"issuer_name": "UBND phường Lào Cai", "signer_title": "Chủ tịch", "signer_name": "Lê Thị Mới"},
    )
    first.refresh_from_db()
    assert first.signer_name == "Nguyễn Văn Ký" and first.issuer_name == "Phường Lào Cai"


def test_issuing_and_setting_the_signer_are_in_the_audit_log(tree, people, rosters, course, session):
    save_certificate_settings(
        actor=people.commune_officer,
        unit=tree.phuong_lao_cai,
        data={"issuer_name": "", "signer_title": "Tổ trưởng", "signer_name": "Ký Tên"},
    )
    save_certificate_settings(
        actor=people.commune_officer,
        unit=tree.phuong_lao_cai,
        data={"issuer_name": "", "signer_title": "Tổ trưởng", "signer_name": "Tên Khác"},
    )
    # The member passed the quiz first: the certificate comes when the officer marks them present.
    answers = {q.number: q.correct for q in course.questions.all()}
    take_quiz(actor=people.team_member, member=rosters.member, course=course, answers=answers)
    enrol(actor=people.commune_officer, session=session, members=[rosters.member])
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.member.pk})
    certificate = Certificate.objects.get(member=rosters.member)
    settings_entries = AuditEntry.objects.filter(object_type="certificatesettings").order_by("at", "pk")
    assert [e.action for e in settings_entries] == ["create", "update"]
    assert settings_entries.last().changed_fields() == [("người ký", "Ký Tên", "Tên Khác")]
    issued = AuditEntry.objects.get(object_type="certificate", object_id=str(certificate.pk), action="create")
    assert issued.actor == people.commune_officer
    assert issued.after["number"] == f"1/{YEAR}" and issued.after["issuer_name"] == "Phường Lào Cai"
    assert issued.unit_path == rosters.member.team.unit.path


def test_the_certificate_page_is_the_units_course_certificate_not_a_state_document(
    client_for, tree, people, rosters, course, session
):
    save_certificate_settings(
        actor=people.commune_officer,
        unit=tree.phuong_lao_cai,
        data={"issuer_name": "", "signer_title": "Phó Chủ tịch UBND phường", "signer_name": "Nguyễn Văn Ký"},
    )
    certificate = certify(people.commune_officer, session, rosters.member, course)
    page = client_for("team_member").get(f"/tap-huan/chung-nhan/{certificate.pk}/").content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in page and "Độc lập" not in page
    assert "Chứng nhận hoàn thành khóa tập huấn" in page
    assert "Phường Lào Cai" in page and f"Số: 1/{YEAR}" in page
    assert "Phó Chủ tịch UBND phường" in page and "Nguyễn Văn Ký" in page
    assert "không phải là xác nhận hoàn thành phổ cập kỹ năng số cơ bản theo Quyết định 757/QĐ-BKHCN" in page
    assert "VNeID" in page
    assert "<svg" in page and f"/chung-nhan/{certificate.token}" in page
    # The member sees no link to the signer's settings; the commune's officer does.
    assert "/tap-huan/nguoi-ky/" not in page
    officer = client_for("commune_officer").get(f"/tap-huan/chung-nhan/{certificate.pk}/").content.decode()
    assert f"/don-vi/{tree.phuong_lao_cai.code}/tap-huan/nguoi-ky/" in officer


def test_the_public_check_names_the_issuer_and_number_and_unknown_tokens_are_404(
    client_for, people, rosters, course, session
):
    certificate = certify(people.commune_officer, session, rosters.member, course)
    anonymous = client_for("anonymous")
    valid = anonymous.get(f"/chung-nhan/{certificate.token}")
    assert valid.status_code == 200 and valid["Cache-Control"] == "no-store"
    text = valid.content.decode()
    assert "Chứng nhận hợp lệ" in text and "Phường Lào Cai" in text and f"Số: 1/{YEAR}" in text
    assert "không phải là xác nhận hoàn thành phổ cập kỹ năng số cơ bản" in text
    unknown = anonymous.get("/chung-nhan/khong-phai-ma-that-123")
    assert unknown.status_code == 404 and "Không tìm thấy chứng nhận" in unknown.content.decode()
    assert anonymous.get("/chung-nhan/" + "x" * 80).status_code == 404


def test_a_certificate_made_in_bulk_gets_its_issuer_and_number_when_first_shown(
    client_for, tree, people, rosters, course, session
):
    """The demo data writes certificates without going through maybe_certify; one issued last year is
    numbered in last year's series."""
    certify(people.commune_officer, session, rosters.member, course)  # takes number 1 of this year
    enrol(actor=people.commune_officer, session=session, members=[rosters.leader])
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.leader.pk})
    bulk = Certificate.objects.create(member=rosters.leader, course=course, token="t" * 24)
    Certificate.objects.filter(pk=bulk.pk).update(
        issued_at=bulk.issued_at.replace(year=YEAR - 1, month=6, day=15)
    )
    assert bulk.number == ""
    page = client_for("commune_officer").get(f"/tap-huan/chung-nhan/{bulk.pk}/").content.decode()
    bulk.refresh_from_db()
    assert (bulk.issuer, bulk.number) == (tree.phuong_lao_cai, f"1/{YEAR - 1}")
    assert f"Số: 1/{YEAR - 1}" in page
    assert complete_certificate(bulk).number == f"1/{YEAR - 1}"  # numbered once
    assert (
        AuditEntry.objects.filter(object_type="certificate", object_id=str(bulk.pk), action="update").count()
        == 1
    )


@pytest.mark.parametrize(
    ("user", "status"), [("commune_officer", 200), ("team_leader", 404), ("outsider", 404)]
)
def test_who_may_open_the_signer_settings(client_for, tree, user, status):
    assert (
        client_for(user).get(f"/don-vi/{tree.phuong_lao_cai.code}/tap-huan/nguoi-ky/").status_code == status
    )


def test_the_village_leader_reads_but_cannot_set_the_villages_signer(client_for, tree, rosters):
    url = f"/don-vi/{tree.coc_leu.code}/tap-huan/nguoi-ky/"
    assert client_for("team_leader").get(url).status_code == 403
    assert client_for("team_leader").post(url, {"signer_name": "X"}).status_code == 403
    assert not CertificateSettings.objects.exists()


def test_an_officer_sets_the_signer_with_blank_defaults(client_for, tree):
    client = client_for("commune_officer")
    url = f"/don-vi/{tree.phuong_lao_cai.code}/tap-huan/nguoi-ky/"
    form = client.get(url).content.decode()
    assert 'placeholder="Phường Lào Cai"' in form and "Chưa lưu" in form
    response = client.post(
        url, {"issuer_name": "", "signer_title": " Tổ trưởng ", "signer_name": "Lò Văn Ký"}
    )
    assert response.status_code == 302
    saved = CertificateSettings.objects.get(unit=tree.phuong_lao_cai)
    assert (saved.issuer_name, saved.signer_title, saved.signer_name) == ("", "Tổ trưởng", "Lò Văn Ký")
    assert "Chưa lưu" not in client.get(url).content.decode()


def test_the_class_page_tells_its_officer_who_issues_and_signs(client_for, tree, people, session):
    page = client_for("commune_officer").get(f"/tap-huan/lop/{session.pk}/").content.decode()
    assert "Chứng nhận của lớp này do Phường Lào Cai cấp." in page and "Chưa có tên người ký." in page
    assert f"/don-vi/{tree.phuong_lao_cai.code}/tap-huan/nguoi-ky/" in page
    save_certificate_settings(
        actor=people.commune_officer,
        unit=tree.phuong_lao_cai,
        data={"issuer_name": "", "signer_title": "Chủ tịch UBND phường", "signer_name": "Lê Văn Ký"},
    )
    page = client_for("commune_officer").get(f"/tap-huan/lop/{session.pk}/").content.decode()
    assert "Người ký: Chủ tịch UBND phường Lê Văn Ký." in page
    member_view = client_for("team_member").get(f"/tap-huan/lop/{session.pk}/").content.decode()
    assert "/tap-huan/nguoi-ky/" not in member_view


def test_course_pages_name_the_ministrys_content_and_the_framework_groups(client_for, db):
    from django.core.management import call_command

    call_command("load_courses")
    client = client_for("team_member")
    course = client.get("/tap-huan/khoa/tri-tue-nhan-tao-co-ban/").content.decode()
    assert "Sử dụng các nền tảng số khác" in course
    assert "Sử dụng trí tuệ nhân tạo" in course and "Tìm kiếm, đánh giá thông tin" in course
    assert "không phải là xác nhận hoàn thành phổ cập kỹ năng số cơ bản" in course
    listing = client.get("/tap-huan/").content.decode()
    assert "Công văn 793/BTTTT-THH" in listing
    assert "Nhóm kỹ năng: Tìm kiếm, đánh giá thông tin; Giao tiếp và hợp tác trên môi trường số" in listing
    assert "năm lĩnh vực" not in listing and "smartphone" not in listing.lower()
