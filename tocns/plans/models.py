"""Annual programmes: a unit's plan, its targets, the shares of each target handed down to the units or
teams below, and dated tasks for teams. Progress is never stored: it is read from the running totals
(activities.models), so a report made a second ago already counts (see selectors)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.core.fields import PathField


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    ACTIVE = "active", _("Đang thực hiện")


class Indicator(models.TextChoices):
    SERVICE_COMPLETED = "service_completed", _("Số người hoàn thành một dịch vụ số")
    ACTIVITIES = "activities", _("Số lượt hoạt động (báo cáo)")
    HOUSEHOLDS_SHARE = "households_share", _("Tỉ lệ hộ được hỗ trợ (%)")


class SplitTo(models.TextChoices):
    UNITS = "units", _("Các đơn vị cấp dưới")
    TEAMS = "teams", _("Các tổ công nghệ số")


class Plan(models.Model):
    """A province's or a commune's programme for a year. A plan made by cascading a parent plan keeps
    the parent, and its inherited targets point at the parent's share they come from."""

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    # Copied from the unit: scope filters need no join (as Activity.unit_path).
    unit_path = PathField(max_length=255, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    title = models.CharField(_("tên kế hoạch"), max_length=200)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("kế hoạch cấp trên"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("kế hoạch")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "unit"],
                condition=models.Q(parent__isnull=False),
                name="one_child_plan_per_unit",
            )
        ]
        indexes = [models.Index(fields=["unit_path", "year"])]

    def __str__(self):
        return f"{self.title} ({self.year})"


class Target(models.Model):
    """One figure the plan aims at for the year. `value` is a count, or a percentage for
    households_share (which is not split by sum: every share gets the same percentage)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("chỉ tiêu"), max_length=20, choices=Indicator.choices)
    service = models.ForeignKey(
        "catalogue.DigitalService",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dịch vụ số"),
    )
    value = models.PositiveIntegerField(_("giá trị"))
    split_to = models.CharField(_("giao cho"), max_length=10, choices=SplitTo.choices, default=SplitTo.UNITS)
    # Set on a target inherited from the parent plan: its value is that share's and follows it.
    source_share = models.OneToOneField(
        "TargetShare",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inherited_target",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("chỉ tiêu")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(indicator="service_completed", service__isnull=False)
                | (~models.Q(indicator="service_completed") & models.Q(service__isnull=True)),
                name="service_only_for_service_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(indicator="households_share") | models.Q(value__lte=100),
                name="share_target_at_most_100",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.value}"

    @property
    def is_percentage(self) -> bool:
        return self.indicator == Indicator.HOUSEHOLDS_SHARE

    @property
    def label(self) -> str:
        if self.indicator == Indicator.SERVICE_COMPLETED and self.service_id:
            return _("Hoàn thành %(service)s") % {"service": self.service}
        return str(self.get_indicator_display())


class TargetShare(models.Model):
    """The part of a target handed to one unit below (commune under a province, village under a
    commune) or to one team. `manual` shares were set by hand and are kept when the others are re-split."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    value = models.PositiveIntegerField(_("phần giao"))
    manual = models.BooleanField(_("giao tay"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("phần chỉ tiêu giao")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, team__isnull=True)
                | models.Q(unit__isnull=True, team__isnull=False),
                name="share_to_unit_or_team",
            ),
            models.UniqueConstraint(
                fields=["target", "unit"], condition=models.Q(unit__isnull=False), name="one_share_per_unit"
            ),
            models.UniqueConstraint(
                fields=["target", "team"], condition=models.Q(team__isnull=False), name="one_share_per_team"
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.value}"

    @property
    def recipient(self):
        return self.unit if self.unit_id else self.team


class Task(models.Model):
    """Work for one team by a date. Its status is computed from the team's reports (see selectors);
    the only status typed in is "done" for a task without an indicator."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ"))
    title = models.CharField(_("nhiệm vụ"), max_length=300)
    deadline = models.DateField(_("hạn"))
    indicator = models.CharField(_("chỉ tiêu"), max_length=20, choices=Indicator.choices, blank=True)
    service = models.ForeignKey(
        "catalogue.DigitalService",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dịch vụ số"),
    )
    target_value = models.PositiveIntegerField(_("mức cần đạt"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("nhiệm vụ")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(indicator="", target_value__isnull=True, service__isnull=True)
                | (~models.Q(indicator="") & models.Q(target_value__isnull=False)),
                name="task_value_with_indicator",
            )
        ]

    def __str__(self):
        return self.title
