from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ScoreWeights


class WeightsForm(forms.ModelForm):
    class Meta:
        model = ScoreWeights
        fields = ["regularity", "reach", "targets", "capacity", "citizen", "grace_days"]

    def clean(self):
        data = super().clean()
        if sum(data.get(f) or 0 for f in self.Meta.fields if f != "grace_days") == 0:
            raise forms.ValidationError(_("Cần ít nhất một trọng số lớn hơn 0."))
        return data
