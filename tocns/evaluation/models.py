from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoreWeights(models.Model):
    """How a province weighs the parts of a team's score. Parts without data (no target, no household
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

    class Meta:
        verbose_name = _("trọng số đánh giá")

    def __str__(self):
        return f"{self.unit}"
