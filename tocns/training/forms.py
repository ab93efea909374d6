from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CertificateSettings, Course, Session, SkillArea

LEVELS = [
    ("", _("— chưa tự đánh giá —")),
    (1, _("1 · Chưa biết dùng")),
    (2, _("2 · Dùng được khi có người chỉ")),
    (3, _("3 · Tự dùng được")),
    (4, _("4 · Hướng dẫn được người khác")),
]


class SessionForm(forms.ModelForm):
    course = forms.ModelChoiceField(label=_("Khóa tập huấn"), queryset=Course.objects.filter(is_active=True))

    class Meta:
        model = Session
        fields = ["course", "date", "place", "trainer", "capacity"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class SelfAssessmentForm(forms.Form):
    def __init__(self, *args, current: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for area, label in SkillArea.choices:
            self.fields[area] = forms.TypedChoiceField(
                label=label, choices=LEVELS, coerce=int, required=False, empty_value=None
            )
            if current and area in current:
                self.initial[area] = current[area]

    def levels(self) -> dict[str, int]:
        return {area: level for area, level in self.cleaned_data.items() if level}


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=200)


class CertificateSettingsForm(forms.ModelForm):
    class Meta:
        model = CertificateSettings
        fields = ["issuer_name", "signer_title", "signer_name"]

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_name"].widget.attrs["placeholder"] = unit.name
