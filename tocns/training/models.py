from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.core.fields import PathField


class SkillArea(models.TextChoices):
    """Areas of the basic digital-skills framework (QĐ 757/QĐ-BKHCN) that teams work in."""

    SMARTPHONE = "smartphone", _("Sử dụng điện thoại thông minh")
    PUBLIC_SERVICES = "public_services", _("Dịch vụ công trực tuyến")
    PAYMENT = "payment", _("Thanh toán trực tuyến")
    ECOMMERCE = "ecommerce", _("Thương mại điện tử")
    SAFETY = "safety", _("An toàn trên môi trường số")


class Course(models.Model):
    code = models.SlugField(_("mã"), max_length=60, unique=True)
    area = models.CharField(_("lĩnh vực kỹ năng"), max_length=20, choices=SkillArea.choices)
    title = models.CharField(_("tên khóa"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("điểm đạt (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_active = models.BooleanField(_("đang mở"), default=True)

    class Meta:
        ordering = ["area", "title"]
        verbose_name = _("khóa tập huấn")

    def __str__(self):
        return self.title


class Question(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("câu hỏi"))
    choices = models.JSONField(_("các phương án"))
    correct = models.PositiveSmallIntegerField(_("phương án đúng (tính từ 0)"))
    explanation = models.TextField(_("giải thích"), blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="one_question_per_number")]

    def __str__(self):
        return f"{self.course.code} #{self.number}"


class Session(models.Model):
    """A class held on a date at a place, organised by a unit (usually a commune or the province)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị tổ chức")
    )
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    date = models.DateField(_("ngày"))
    place = models.CharField(_("địa điểm"), max_length=200)
    trainer = models.CharField(_("giảng viên"), max_length=150)
    capacity = models.PositiveSmallIntegerField(_("số chỗ"), default=30, validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "course__title"]
        verbose_name = _("lớp tập huấn")

    def __str__(self):
        return f"{self.course} · {self.date:%d/%m/%Y} · {self.place}"


class Enrolment(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey("teams.Member", on_delete=models.PROTECT, related_name="enrolments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    # None until the class has happened; then True (came) or False (did not).
    attended = models.BooleanField(_("có mặt"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["member__full_name"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="one_enrolment_per_member")]

    def __str__(self):
        return f"{self.member} @ {self.session}"


class QuizAttempt(models.Model):
    member = models.ForeignKey("teams.Member", on_delete=models.PROTECT, related_name="quiz_attempts")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attempts")
    answers = models.JSONField()
    correct_count = models.PositiveSmallIntegerField()
    question_count = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()  # percent, rounded down
    passed = models.BooleanField()
    taken_at = models.DateTimeField(auto_now_add=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-taken_at"]

    def __str__(self):
        return f"{self.member} · {self.course} · {self.score}%"


class Certificate(models.Model):
    """Given when a member attended a class of the course and passed its quiz. The QR carries only the token."""

    member = models.ForeignKey("teams.Member", on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    token = models.CharField(max_length=40, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(_("lý do thu hồi"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "course"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_certificate",
            )
        ]

    def __str__(self):
        return f"{self.member} · {self.course}"


class SelfAssessment(models.Model):
    """How the member rates their own skill in an area (1 = chưa biết … 4 = hướng dẫn được người khác)."""

    member = models.ForeignKey("teams.Member", on_delete=models.CASCADE, related_name="self_assessments")
    area = models.CharField(max_length=20, choices=SkillArea.choices)
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "area"], name="one_assessment_per_area")]

    def __str__(self):
        return f"{self.member} · {self.area} · {self.level}"
