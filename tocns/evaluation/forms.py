from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import ScoreWeights


class WeightsForm(forms.ModelForm):
    # The form's own bounds and words: a positive-integer field would first say "from 0".
    grace_days = forms.IntegerField(
        label=capfirst(ScoreWeights._meta.get_field("grace_days").verbose_name),
        help_text=ScoreWeights._meta.get_field("grace_days").help_text,
        min_value=7,
        max_value=365,
        error_messages={
            "min_value": _("Ít nhất 7 ngày: tổ mới cần thời gian để có báo cáo đầu tiên."),
            "max_value": _("Nhiều nhất 365 ngày."),
            "invalid": _("Ghi số ngày, ví dụ 60."),
        },
    )

    class Meta:
        model = ScoreWeights
        fields = ["regularity", "reach", "targets", "capacity", "citizen", "grace_days"]

    def clean(self):
        data = super().clean()
        if sum(data.get(f) or 0 for f in self.Meta.fields if f != "grace_days") == 0:
            raise forms.ValidationError(_("Cần ít nhất một trọng số lớn hơn 0."))
        return data
