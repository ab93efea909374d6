from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Member, Team


class DateInput(forms.DateInput):
    """The phone's own date picker; it sends ISO dates, which the form accepts beside dd/mm/yyyy."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TeamForm(forms.ModelForm):
    zalo_url = forms.URLField(label=_("Đường dẫn nhóm Zalo của thôn"), required=False, assume_scheme="https")

    class Meta:
        model = Team
        fields = ["name", "decision_number", "decision_date", "status", "dissolved_on", "zalo_url", "notes"]
        widgets = {
            "decision_date": DateInput(),
            "dissolved_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "full_name",
            "role",
            "phone",
            "phone_public",
            "gender",
            "birth_year",
            "affiliation",
            "affiliation_note",
            "has_smartphone",
            "skill_level",
            "joined_on",
        ]
        widgets = {
            "joined_on": DateInput(),
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1920, "max": 2015}),
            "skill_level": forms.Select(
                choices=[
                    ("", "—"),
                    # The same four levels, in the same words, as a member's self-assessment per skill area.
                    (1, _("1 · Chưa biết dùng")),
                    (2, _("2 · Dùng được khi có người chỉ")),
                    (3, _("3 · Tự dùng được")),
                    (4, _("4 · Hướng dẫn được người khác")),
                ]
            ),
        }
        help_texts = {
            "phone_public": _(
                "Chỉ đánh dấu khi chính thành viên đồng ý. Người dân sẽ thấy số này trên trang của tổ."
            ),
        }


class MemberAccountForm(MemberForm):
    """Officers may link a member to an existing sign-in account, which then gets the matching role."""

    account = forms.CharField(
        label=_("Tài khoản đăng nhập (tên hoặc số điện thoại)"),
        required=False,
        max_length=150,
        help_text=_("Để trống nếu thành viên không đăng nhập tocns."),
    )

    def clean_account(self):
        from tocns.accounts.selectors import find_user

        value = self.cleaned_data["account"].strip()
        if not value:
            return None
        user = find_user(value)
        if user is None:
            raise forms.ValidationError(_("Không tìm thấy tài khoản này."))
        return user


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Ngày rời tổ"), widget=DateInput())
