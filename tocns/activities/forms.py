from django import forms
from django.utils.translation import gettext_lazy as _

from tocns.catalogue.models import DigitalService


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Ảnh hoạt động"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )


class ServiceForm(forms.ModelForm):
    class Meta:
        model = DigitalService
        fields = [
            "code",
            "name",
            "short_name",
            "completed_label",
            "description",
            "content",
            "sort_order",
            "retired_on",
        ]
        widgets = {"retired_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code is what the API, imports and reports refer to: it never changes once made.
            self.fields["code"].disabled = True
