import pytest

from tocns.training.models import Certificate, QuizAttempt
from tocns.training.services import enrol, grade, mark_attendance

from .conftest import right_answers


@pytest.mark.parametrize(
    ("right", "score", "passed"), [(10, 100, True), (7, 70, True), (6, 60, False), (0, 0, False)]
)
def test_score_and_pass_mark(course, right, score, passed):
    answers = {int(k[1:]): int(v) for k, v in right_answers(course, right).items()}
    assert grade(course, answers) == (right, 10, score, passed)


def test_unanswered_questions_count_as_wrong(course):
    assert grade(course, {1: 0, 2: 1}) == (2, 10, 20, False)


def test_member_takes_the_quiz_and_sees_explanations(client_for, rosters, course):
    client = client_for("team_member")
    page = client.post("/tap-huan/khoa/an-toan/kiem-tra/", right_answers(course, 8))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đạt" in html and "Đúng 8/10 câu (80%)" in html
    attempt = QuizAttempt.objects.get()
    assert attempt.member == rosters.member and attempt.passed and attempt.score == 80
    # Passing alone is not enough for a certificate: attending a class is.
    assert not Certificate.objects.exists()
    assert "Chứng nhận sẽ được cấp khi" in html


def test_someone_not_on_a_roster_cannot_take_a_quiz(client_for, course):
    assert client_for("commune_officer").get("/tap-huan/khoa/an-toan/kiem-tra/").status_code == 403


def test_certificate_when_attended_and_passed_then_verified_and_revoked(
    client_for, rosters, course, session, people
):
    enrol(actor=people.commune_officer, session=session, members=[rosters.member, rosters.leader])
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.member.pk})
    client_for("team_member").post("/tap-huan/khoa/an-toan/kiem-tra/", right_answers(course, 9))
    certificate = Certificate.objects.get()
    assert certificate.member == rosters.member and len(certificate.token) >= 24

    anonymous = client_for("anonymous")
    valid = anonymous.get(f"/chung-nhan/{certificate.token}").content.decode()
    assert "Chứng nhận hợp lệ" in valid and "Lò Thị Mai" in valid and "An toàn trên mạng" in valid
    assert "0912345679" not in valid  # nothing else personal

    sheet = client_for("commune_officer").get(f"/tap-huan/chung-nhan/{certificate.pk}/").content.decode()
    assert "<svg" in sheet and f"/chung-nhan/{certificate.token}" in sheet

    client_for("commune_officer").post(f"/tap-huan/chung-nhan/{certificate.pk}/", {"reason": "Cấp nhầm"})
    revoked = anonymous.get(f"/chung-nhan/{certificate.token}").content.decode()
    assert "Chứng nhận đã bị thu hồi" in revoked and "Lò Thị Mai" not in revoked
    random = anonymous.get("/chung-nhan/khong-phai-ma-that-123").content.decode()
    assert "Không tìm thấy chứng nhận" in random


def test_absent_member_gets_no_certificate(rosters, course, session, people):
    from tocns.training.services import take_quiz

    enrol(actor=people.commune_officer, session=session, members=[rosters.leader])
    mark_attendance(actor=people.commune_officer, session=session, present_ids=set())
    take_quiz(
        actor=people.team_leader, member=rosters.leader, course=course, answers={n: 0 for n in range(1, 11)}
    )
    assert not Certificate.objects.exists()


def test_only_officers_over_the_member_revoke(client_for, rosters, course, session, people):
    enrol(actor=people.commune_officer, session=session, members=[rosters.member])
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.member.pk})
    client_for("team_member").post("/tap-huan/khoa/an-toan/kiem-tra/", right_answers(course, 10))
    certificate = Certificate.objects.get()
    assert (
        client_for("team_member").post(f"/tap-huan/chung-nhan/{certificate.pk}/", {"reason": "x"}).status_code
        == 403
    )
    assert client_for("outsider").get(f"/tap-huan/chung-nhan/{certificate.pk}/").status_code == 404
