from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamStatus(models.TextChoices):
    # Not "đang hoạt động": that is for the teams that report (evaluation.scoring), not for being on the list.
    ACTIVE = "active", _("Hiện có")
    DISSOLVED = "dissolved", _("Đã giải thể")


class Team(models.Model):
    """A Tổ CNS attached to a unit (usually a village; communes and provinces have teams too)."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="teams", verbose_name=_("đơn vị")
    )
    name = models.CharField(_("tên tổ"), max_length=200)
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=TeamStatus.choices, default=TeamStatus.ACTIVE
    )
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    zalo_url = models.URLField(_("đường dẫn nhóm Zalo của thôn"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tổ công nghệ số cộng đồng")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Tổ trưởng")
    DEPUTY = "deputy", _("Tổ phó")
    MEMBER = "member", _("Thành viên")


class Affiliation(models.TextChoices):
    """Where a member comes from in the village, as rosters say it. "village_head" was once labelled
    "Trưởng thôn / Bí thư chi bộ"; the party secretary has had a choice of their own since 0004."""

    PARTY = "party", _("Bí thư chi bộ / Đảng viên")
    VILLAGE_HEAD = "village_head", _("Trưởng thôn")
    POLICE = "police", _("Công an")
    YOUTH_UNION = "youth_union", _("Đoàn thanh niên")
    WOMEN_UNION = "women_union", _("Hội phụ nữ")
    FARMERS_UNION = "farmers_union", _("Hội nông dân")
    VETERANS = "veterans", _("Hội cựu chiến binh")
    TEACHER = "teacher", _("Giáo viên")
    VILLAGE_HEALTH = "village_health", _("Y tế thôn bản")
    POST_TELECOM = "post_telecom", _("Bưu điện / viễn thông")
    ELDER = "elder", _("Người có uy tín")
    BUSINESS = "business", _("Doanh nghiệp / hợp tác xã")
    OTHER = "other", _("Khác")


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")
    OTHER = "other", _("Khác")


class MemberQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


class Member(models.Model):
    """A person on a team's roster. Nobody is deleted: leaving sets left_on, so history stays."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("năm sinh"), null=True, blank=True, validators=[MinValueValidator(1920), MaxValueValidator(2015)]
    )
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    # Shown to citizens only with the member's explicit consent, recorded with its time (never pre-ticked).
    phone_public = models.BooleanField(_("đồng ý hiển thị số điện thoại cho người dân"), default=False)
    phone_public_consent_at = models.DateTimeField(null=True, blank=True)
    role = models.CharField(
        _("vai trò trong tổ"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    affiliation = models.CharField(
        _("thành phần"), max_length=20, choices=Affiliation.choices, default=Affiliation.OTHER
    )
    # What the roster said when it was none of the choices ("Chi hội người cao tuổi"): kept as written.
    affiliation_note = models.CharField(_("thành phần (ghi rõ)"), max_length=100, blank=True)
    has_smartphone = models.BooleanField(_("có điện thoại thông minh"), default=False)
    # Has attended at least one class: kept by training.services.mark_attendance (see sync_trained), so
    # a province's capacity figures count a flag instead of looking up every member's enrolments.
    trained = models.BooleanField(_("đã tập huấn"), default=False, editable=False)
    skill_level = models.PositiveSmallIntegerField(
        _("trình độ kỹ năng số (1–4)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    joined_on = models.DateField(_("ngày tham gia"), null=True, blank=True)
    left_on = models.DateField(_("ngày rời tổ"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["left_on", "role", "full_name"]
        verbose_name = _("thành viên tổ")
        # Covering: a province's member counts per team (team_refs, crews_of) come from the index alone.
        indexes = [
            models.Index(
                fields=["team", "left_on", "birth_year", "has_smartphone", "role", "trained"],
                name="member_counts_covering",
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class MemberCard(models.Model):
    """A printed ID card. Its token is in the QR; a reissued card or a member who left revokes it."""

    class RevokedReason(models.TextChoices):
        REISSUED = "reissued", _("Đã cấp thẻ mới thay thế")
        LEFT = "left", _("Thành viên đã rời tổ")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cards")
    token = models.CharField(max_length=40, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=10, choices=RevokedReason.choices, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.member} ({self.issued_at:%d/%m/%Y})"
