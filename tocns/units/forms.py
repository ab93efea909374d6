from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import MAX_HOUSEHOLDS


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Tên thôn/bản/tổ dân phố"), max_length=200)
    households = forms.IntegerField(label=_("Số hộ"), min_value=0, max_value=MAX_HOUSEHOLDS, required=False)


class VillageImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Tệp lớn quá %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload
