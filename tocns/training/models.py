from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.core.fields import PathField


class SkillArea(models.TextChoices):
    """What a course is about: the ministry's five contents of the teams' work with the people (Công văn
    793/BTTTT-THH, named as catalogue.Content names them), after the use of a smartphone that each of them
    needs first. These are not the groups of the basic digital-skills framework of QĐ 757/QĐ-BKHCN: a
    course names the groups it works on in ``Course.framework_groups``."""

    SMARTPHONE = "smartphone", _("Sử dụng điện thoại thông minh")
    PUBLIC_SERVICES = "public_services", _("Sử dụng dịch vụ công trực tuyến")
    ECOMMERCE = "ecommerce", _("Mua sắm trực tuyến")
    PAYMENT = "payment", _("Thanh toán trực tuyến")
    SAFETY = "safety", _("Tự bảo vệ mình trên môi trường mạng")
    OTHER = "other", _("Sử dụng các nền tảng số khác")


class FrameworkGroup(models.TextChoices):
    """The skill groups of the basic digital-skills framework (Khung kiến thức, kỹ năng số cơ bản, QĐ
    757/QĐ-BKHCN of 29/4/2025), artificial intelligence being one of its focuses. A course works on some
    of them; passing it is not the framework's confirmation, which people get on VNeID."""

    DEVICES = "devices", _("Sử dụng thiết bị và phần mềm")
    INFORMATION = "information", _("Tìm kiếm, đánh giá thông tin")
    COMMUNICATION = "communication", _("Giao tiếp và hợp tác trên môi trường số")
    CONTENT = "content", _("Sáng tạo nội dung số")
    SAFETY = "safety", _("An toàn số")
    PROBLEMS = "problems", _("Giải quyết vấn đề")
    AI = "ai", _("Sử dụng trí tuệ nhân tạo")


def validate_framework_groups(value) -> None:
    if not isinstance(value, list) or any(group not in FrameworkGroup.values for group in value):
        raise ValidationError(_("Nhóm kỹ năng phải lấy trong danh sách của khung kỹ năng số cơ bản."))
    if len(set(value)) != len(value):
        raise ValidationError(_("Mỗi nhóm kỹ năng chỉ ghi một lần."))


class Course(models.Model):
    code = models.SlugField(_("mã"), max_length=60, unique=True)
    area = models.CharField(_("nội dung"), max_length=20, choices=SkillArea.choices)
    title = models.CharField(_("tên khóa"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    framework_groups = models.JSONField(
        _("nhóm kỹ năng số cơ bản"), default=list, blank=True, validators=[validate_framework_groups]
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("điểm đạt (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_active = models.BooleanField(_("đang mở"), default=True)

    class Meta:
        ordering = ["area", "title"]
        verbose_name = _("khóa tập huấn")

    def __str__(self):
        return self.title

    def framework_group_labels(self) -> list[str]:
        """The framework's groups the course works on, in the framework's order."""
        return [str(label) for value, label in FrameworkGroup.choices if value in self.framework_groups]


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
    """Given when a member attended a class of the course and passed its quiz: a course completion
    certificate of the unit that organised the class, not a state document and not the confirmation of
    basic digital skills under QĐ 757/QĐ-BKHCN (that is on VNeID). The issuing unit, its name, the number
    and the signer are fixed when it is issued, so a reprint says what the first print said. The QR carries
    only the token."""

    member = models.ForeignKey("teams.Member", on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    token = models.CharField(max_length=40, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    # Empty on certificates made in bulk (the demo data) until services.complete_certificate fills them.
    issuer = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị cấp"),
    )
    issuer_name = models.CharField(_("tên đơn vị cấp"), max_length=200, blank=True)
    number = models.CharField(_("số chứng nhận"), max_length=30, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    signer_name = models.CharField(_("họ và tên người ký"), max_length=150, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(_("lý do thu hồi"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("chứng nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "course"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_certificate",
            ),
            models.UniqueConstraint(
                fields=["issuer", "number"], condition=~models.Q(number=""), name="one_certificate_per_number"
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.course}"


class CertificateSettings(models.Model):
    """How a unit that organises classes signs their certificates, set by one of its officers. Without a
    row: the unit's own name and no signer's name, which the officer fills in."""

    unit = models.OneToOneField("units.Unit", on_delete=models.CASCADE, related_name="+")
    issuer_name = models.CharField(
        _("tên đơn vị cấp"),
        max_length=200,
        blank=True,
        help_text=_("Tên in ở đầu chứng nhận. Bỏ trống để dùng tên đơn vị."),
    )
    signer_title = models.CharField(
        _("chức vụ người ký"),
        max_length=150,
        blank=True,
        help_text=_("Ví dụ: Tổ trưởng Tổ công nghệ số cộng đồng, Phó Chủ tịch Ủy ban nhân dân."),
    )
    signer_name = models.CharField(_("họ và tên người ký"), max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("người ký chứng nhận")

    def __str__(self):
        return f"{self.unit}"


class CertificateCounter(models.Model):
    """The last certificate number a unit gave in a year: numbers run 1, 2, 3 … per unit and year."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_counter_per_unit_year")]

    def __str__(self):
        return f"{self.unit} {self.year}: {self.last}"


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
