"""The courses a fresh install ships (content/courses.json): quizzes a guesser cannot pass by the look of the
answers, every course placed in the ministry's contents and tagged with the QĐ 757 framework's groups."""

import json
import re
from collections import Counter

import pytest

from tocns.training.models import Course, FrameworkGroup, SkillArea
from tocns.training.services import CONTENT, load_courses

COURSES = json.loads(CONTENT.read_text(encoding="utf-8"))
QUESTIONS = [question for course in COURSES for question in course["questions"]]


def _right(question) -> str:
    return question["choices"][question["correct"]]


def test_every_question_has_four_different_choices_and_an_explanation():
    for question in QUESTIONS:
        choices = [choice.strip() for choice in question["choices"]]
        assert len(choices) == 4, question["text"]
        assert all(choices) and len(set(choices)) == 4, question["text"]
        assert question["correct"] in range(4), question["text"]
        assert question["explanation"].strip(), question["text"]


def test_no_choice_gives_itself_away():
    """No "all of the above", no answer that repeats the question, no distractor a third the right one's
    length or less (a throwaway a reader skips)."""
    giveaways = re.compile(r"tất cả|cả (hai|ba) (đều|ý|phương án)|đều (đúng|sai)|các ý trên", re.IGNORECASE)
    for question in QUESTIONS:
        lengths = [len(choice) for choice in question["choices"]]
        assert not any(giveaways.search(choice) for choice in question["choices"]), question["text"]
        assert min(lengths) * 3 > max(lengths), question["text"]
        assert all(choice not in question["text"] for choice in question["choices"]), question["text"]


def test_the_right_answer_is_not_told_by_its_length():
    """Across all quizzes the right answer is the longest choice (or ties for it) no more often than chance,
    one question in four, give or take; nor is it the shortest more often."""
    count = len(QUESTIONS)
    longest = sum(1 for q in QUESTIONS if len(_right(q)) == max(len(c) for c in q["choices"]))
    shortest = sum(1 for q in QUESTIONS if len(_right(q)) == min(len(c) for c in q["choices"]))
    assert longest <= 0.3 * count, f"the right answer is the longest in {longest} of {count} questions"
    assert shortest <= 0.3 * count, f"the right answer is the shortest in {shortest} of {count} questions"


def test_the_right_answer_is_spread_over_the_four_positions():
    positions = Counter(question["correct"] for question in QUESTIONS)
    count = len(QUESTIONS)
    for position in range(4):
        assert 0.2 * count <= positions[position] <= 0.3 * count, positions
    for course in COURSES:
        in_course = Counter(question["correct"] for question in course["questions"])
        assert len(in_course) == 4, course["code"]  # every position used in every quiz
        assert max(in_course.values()) <= len(course["questions"]) / 2, course["code"]


def test_courses_cover_the_ministrys_contents_and_every_framework_group():
    assert {course["area"] for course in COURSES} == set(SkillArea.values)
    groups = Counter(group for course in COURSES for group in course["framework_groups"])
    assert set(groups) == set(FrameworkGroup.values)
    for course in COURSES:
        assert course["framework_groups"], course["code"]
        assert set(course["framework_groups"]) <= set(FrameworkGroup.values), course["code"]
    by_group = {g: {c["code"] for c in COURSES if g in c["framework_groups"]} for g in FrameworkGroup.values}
    assert "tim-kiem-danh-gia-thong-tin" in by_group[FrameworkGroup.INFORMATION]
    assert "tri-tue-nhan-tao-co-ban" in by_group[FrameworkGroup.AI]


def test_course_areas_are_named_as_the_catalogue_names_the_ministrys_contents():
    """One name per thing: a course area that is one of the ministry's five contents reads as the catalogue
    (and the reports) write it."""
    from tocns.catalogue.models import Content

    same = {
        "public_services": Content.PUBLIC_SERVICES,
        "ecommerce": Content.SHOPPING,
        "payment": Content.PAYMENT,
        "safety": Content.SAFETY,
        "other": Content.OTHER,
    }
    for area, content in same.items():
        assert str(SkillArea(area).label) == str(content.label)


def test_text_is_plain_vietnamese():
    english = re.compile(r"\b(smartphone|deepfake|online|tocns|click|link gốc)\b", re.IGNORECASE)
    for course in COURSES:
        texts = [course["title"], course["description"]]
        for question in course["questions"]:
            texts += [question["text"], question["explanation"], *question["choices"]]
        found = [match.group(0) for text in texts for match in english.finditer(text)]
        assert not found, (course["code"], found)


@pytest.mark.django_db
def test_loading_keeps_what_is_there_but_tags_courses_loaded_before_the_tags():
    assert load_courses() == {"created": len(COURSES), "updated": 0, "unchanged": 0}
    for course in Course.objects.all():
        course.full_clean()
    Course.objects.filter(code="an-toan-so-phong-chong-lua-dao").update(framework_groups=[], title="Sửa tay")
    assert load_courses() == {"created": 0, "updated": 0, "unchanged": len(COURSES)}
    safety = Course.objects.get(code="an-toan-so-phong-chong-lua-dao")
    assert safety.title == "Sửa tay"  # what an editor changed stays
    assert safety.framework_group_labels() == [
        "Tìm kiếm, đánh giá thông tin",
        "Giao tiếp và hợp tác trên môi trường số",
        "An toàn số",
    ]


@pytest.mark.django_db
def test_an_unknown_framework_group_is_refused():
    from django.core.exceptions import ValidationError

    course = Course(code="x", area="other", title="X", framework_groups=["ai", "bay"])
    with pytest.raises(ValidationError):
        course.full_clean()
    course.framework_groups = ["ai", "ai"]
    with pytest.raises(ValidationError):
        course.full_clean()
