import datetime

import pytest

from tocns.training.models import Course, Question
from tocns.training.services import create_session


@pytest.fixture
def course(db):
    course = Course.objects.create(code="an-toan", area="safety", title="An toàn trên mạng", pass_mark=70)
    for number, correct in enumerate([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], start=1):
        Question.objects.create(
            course=course, number=number, text=f"Câu {number}?", choices=["A", "B", "C"], correct=correct
        )
    return course


def right_answers(course, how_many: int) -> dict[str, str]:
    """POST data answering the first how_many questions right and the rest wrong."""
    data = {}
    for q in course.questions.all():
        data[f"q{q.number}"] = str(q.correct if q.number <= how_many else (q.correct + 1) % 3)
    return data


@pytest.fixture
def session(course, tree, people):
    return create_session(
        actor=people.commune_officer,
        course=course,
        unit=tree.phuong_lao_cai,
        date=datetime.date(2026, 11, 20),
        place="Hội trường phường",
        trainer="Cán bộ Sở KH&CN",
        capacity=10,
    )
