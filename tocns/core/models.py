from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import PathField


class ColumnChoice(models.Model):
    """What an officer said a header of their spreadsheet means, when the import did not recognise it:
    their next file with the same header ("Tên người tham gia") is read without asking again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="column_choices"
    )
    kind = models.CharField(_("loại tệp nhập"), max_length=20)  # "roster", "villages"
    header = models.CharField(_("tiêu đề cột (đã chuẩn hóa)"), max_length=200)  # excel_headers.header_key()
    column = models.CharField(_("cột tương ứng"), max_length=30)  # the import's column key, "full_name"
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "header"], name="one_choice_per_header")
        ]

    def __str__(self):
        return f"{self.header} → {self.column}"


class AreaStamp(models.Model):
    """A token that changes whenever anything a dashboard counts changes under an area: ``path`` is a
    commune's path (everything under it), a province's own path (the province itself: its weights, its
    plan, its own teams; every area of the province depends on it) or "/" (everything). Written in the same
    transaction as the change (``core.stamps.touch``), so the per-commune figures a province or national
    dashboard keeps (``reports.parts``) are used only while their stamps are those they were made under."""

    path = PathField(max_length=255, unique=True)
    token = models.BigIntegerField()

    def __str__(self):
        return f"{self.path} {self.token}"
