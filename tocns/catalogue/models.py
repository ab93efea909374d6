"""The digital services teams guide people to (VNeID, online public services, VssID …): a shared list that
activity reports, plans' targets, handbook guides and the dashboards refer to, so it sits below all of them
(it moved here from activities, which handbook and plans would otherwise have had to import)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
