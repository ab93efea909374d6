from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
