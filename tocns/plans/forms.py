from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.catalogue.models import DigitalService

from .models import Indicator, PlanStatus, SplitTo

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _services():
    return DigitalService.objects.in_use()


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=200)
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    status = forms.ChoiceField(label=_("Trạng thái"), choices=PlanStatus.choices, initial=PlanStatus.DRAFT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Chỉ tiêu"), choices=Indicator.choices)
    service = forms.ModelChoiceField(
        label=_("Dịch vụ số (với chỉ tiêu hoàn thành dịch vụ)"),
        queryset=DigitalService.objects.none(),
        required=False,
    )
    value = forms.IntegerField(
        label=_("Giá trị cả năm (số người, số lượt; hoặc % hộ)"), min_value=0, max_value=10_000_000
    )
    split_to = forms.ChoiceField(label=_("Chia cho"), choices=SplitTo.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services()

    def clean(self):
        data = super().clean()
        if data.get("indicator") == Indicator.SERVICE_COMPLETED and not data.get("service"):
            self.add_error("service", _("Chọn dịch vụ số cho chỉ tiêu này."))
        if data.get("indicator") == Indicator.HOUSEHOLDS_SHARE and (data.get("value") or 0) > 100:
            self.add_error("value", _("Tỉ lệ hộ không quá 100%."))
        return data


class ShareForm(forms.Form):
    value = forms.IntegerField(label=_("Phần giao"), min_value=0, max_value=10_000_000)


class TaskForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Tổ"), queryset=None)
    title = forms.CharField(
        label=_("Nhiệm vụ"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("Hướng dẫn 50 người kích hoạt VNeID trước 31/12")}),
    )
    deadline = forms.DateField(label=_("Hạn"), widget=DATE_WIDGET)
    indicator = forms.ChoiceField(
        label=_("Đo bằng chỉ tiêu (để trống nếu cán bộ tự đánh dấu xong)"),
        choices=[("", _("— không có chỉ tiêu —")), *Indicator.choices],
        required=False,
    )
    service = forms.ModelChoiceField(
        label=_("Dịch vụ số"), queryset=DigitalService.objects.none(), required=False
    )
    target_value = forms.IntegerField(
        label=_("Mức cần đạt"), min_value=1, max_value=10_000_000, required=False
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: f"{team.name} — {team.unit.name}"
        self.fields["service"].queryset = _services()
