"""The digital services teams guide people to (VNeID, online public services, VssID …): a shared list that
activity reports, plans' targets, handbook guides and the dashboards refer to, so it sits below all of them
(it moved here from activities, which handbook and plans would otherwise have had to import)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Content(models.TextChoices):
    """The five contents of the teams' work with the people, as the ministry lists them (Công văn
    793/BTTTT-THH): reports give their results by these, with tocns's services below each."""

    PUBLIC_SERVICES = "public_services", _("Sử dụng dịch vụ công trực tuyến")
    SHOPPING = "shopping", _("Mua sắm trực tuyến")
    PAYMENT = "payment", _("Thanh toán trực tuyến")
    SAFETY = "safety", _("Tự bảo vệ mình trên môi trường mạng")
    OTHER = "other", _("Sử dụng các nền tảng số khác")


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
    content = models.CharField(
        _("thuộc nội dung"),
        max_length=20,
        choices=Content.choices,
        default=Content.OTHER,
        help_text=_("Nội dung hướng dẫn người dân mà báo cáo xếp dịch vụ này vào."),
    )
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    retired_on = models.DateField(_("ngừng dùng từ"), null=True, blank=True)

    objects = DigitalServiceQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("dịch vụ số")

    def __str__(self):
        return self.short_name
