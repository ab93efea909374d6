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


def open_class(actor, course, unit, **details):
    """A class of the course held by the unit; date, place, trainer and capacity as given or a default."""
    defaults = {
        "date": datetime.date(2026, 11, 20),
        "place": "Hội trường phường",
        "trainer": "Cán bộ Sở KH&CN",
        "capacity": 10,
    }
    return create_session(actor=actor, course=course, unit=unit, **(defaults | details))


@pytest.fixture
def session(course, tree, people):
    return open_class(people.commune_officer, course, tree.phuong_lao_cai)
