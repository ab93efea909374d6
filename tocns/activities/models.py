import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.units.fields import PathField


class DigitalServiceQuerySet(models.QuerySet):
    def in_use(self):
        return self.filter(retired_on__isnull=True)


class DigitalService(models.Model):
    """A platform teams guide people to. The code is stable (API and reports use it); retiring a
    service hides it from new reports while old outcomes keep pointing at it."""

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=150)
    short_name = models.CharField(_("tên ngắn"), max_length=40)
    completed_label = models.CharField(
        _("kết quả hoàn thành gọi là"),
        max_length=60,
        default=_("hoàn thành"),
        help_text=_("ví dụ: đã kích hoạt"),
    )
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    retired_on = models.DateField(_("ngừng dùng từ"), null=True, blank=True)

    objects = DigitalServiceQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("dịch vụ số")

    def __str__(self):
        return self.short_name


class ActivityKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Hướng dẫn tại nhà")
    MEETING = "meeting", _("Tuyên truyền / họp thôn")
    HELP_DESK = "help_desk", _("Điểm hỗ trợ")
    TRAINING = "training", _("Tập huấn cho người dân")
    ONLINE = "online", _("Trực tuyến")


class Activity(models.Model):
    """One report of work a team did. The id is made on the phone, so a report sent twice is stored once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="activities")
    # Copied from the team's unit when written: the scope filter and the per-unit counts need no join.
    unit_path = PathField(max_length=255, db_index=True)
    village = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thôn"),
    )
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("hình thức"), max_length=20, choices=ActivityKind.choices)
    participants = models.ManyToManyField(
        "teams.Member", blank=True, related_name="activities", verbose_name=_("thành viên tham gia")
    )
    people_reached = models.PositiveIntegerField(_("số người được hỗ trợ"), default=0)
    households_reached = models.PositiveIntegerField(_("số hộ"), default=0)
    hours = models.DecimalField(
        _("số giờ"), max_digits=5, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("hoạt động")
        indexes = [
            models.Index(fields=["team", "-date"]),
            models.Index(fields=["unit_path", "date"]),
            # The feed and the supervision page list the newest reports of a scope: read backwards from
            # here until enough match, instead of sorting all of a province's (measured at scale 1.0:
            # a province's newest 30 in 3.7 ms instead of 47, the country's in 0.2 ms instead of 330).
            models.Index(fields=["-date", "-created_at"], name="activity_newest_first"),
        ]

    def __str__(self):
        return f"{self.team} · {self.date:%d/%m/%Y} · {self.get_kind_display()}"


class Outcome(models.Model):
    """Per activity and service: people guided, and how many of them completed (e.g. activated VNeID)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outcomes")
    service = models.ForeignKey(DigitalService, on_delete=models.PROTECT, related_name="outcomes")
    guided = models.PositiveIntegerField(_("số người được hướng dẫn"), default=0)
    completed = models.PositiveIntegerField(_("số người hoàn thành"), default=0)

    class Meta:
        ordering = ["service__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "service"], name="one_outcome_per_service"),
            models.CheckConstraint(
                condition=models.Q(completed__lte=models.F("guided")), name="completed_le_guided"
            ),
        ]

    def __str__(self):
        return f"{self.service}: {self.guided}/{self.completed}"


class Photo(models.Model):
    """A photo of an activity, re-encoded on upload (no location metadata) and served only in scope."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="activity-photos/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return f"{self.activity} · {self.image.name}"
