from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoreWeights(models.Model):
    """How a province weighs the parts of a team's score, and its grace period (see scoring). Parts without data (no target, no household
    count, no citizen ratings) drop out and the others are rescaled, so a score is never lowered for
    something nobody could measure."""

    unit = models.OneToOneField("units.Unit", on_delete=models.CASCADE, related_name="score_weights")
    regularity = models.PositiveSmallIntegerField(
        _("đều đặn"), default=40, validators=[MaxValueValidator(100)]
    )
    reach = models.PositiveSmallIntegerField(
        _("độ phủ người dân"), default=30, validators=[MaxValueValidator(100)]
    )
    targets = models.PositiveSmallIntegerField(
        _("đạt chỉ tiêu"), default=20, validators=[MaxValueValidator(100)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("năng lực"), default=10, validators=[MaxValueValidator(100)]
    )
    citizen = models.PositiveSmallIntegerField(
        _("người dân xác nhận"), default=0, validators=[MaxValueValidator(100)]
    )
    grace_days = models.PositiveSmallIntegerField(
        _("số ngày tổ mới thành lập được chờ báo cáo đầu tiên"),
        default=60,
        validators=[
            MinValueValidator(7, _("Ít nhất 7 ngày: tổ mới cần thời gian để có báo cáo đầu tiên.")),
            MaxValueValidator(365, _("Nhiều nhất 365 ngày.")),
        ],
        help_text=_(
            "Tổ chưa có báo cáo nào trong chừng ấy ngày là “chỉ trên giấy”; tổ thành lập chưa đủ số ngày "
            "này và chưa báo cáo là “mới thành lập”."
        ),
    )

    class Meta:
        verbose_name = _("trọng số đánh giá")

    def __str__(self):
        return f"{self.unit}"
