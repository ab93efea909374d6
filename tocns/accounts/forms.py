from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from tocns.units.models import Unit

from .models import Role
from .selectors import find_user


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Số điện thoại hoặc tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("Mật khẩu"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    # Not pre-ticked: a shared office computer must not stay signed in.
    remember = forms.BooleanField(label=_("Đây là điện thoại của tôi — giữ đăng nhập"), required=False)

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.user = authenticate(self.request, username=data["username"], password=data["password"])
        if self.user is None:
            raise forms.ValidationError(_("Số điện thoại/tên đăng nhập hoặc mật khẩu không đúng."))
        return data


class GrantRoleForm(forms.Form):
    user_login = forms.CharField(
        label=_("Số điện thoại hoặc tên đăng nhập của người được phân quyền"), max_length=150
    )
    role = forms.ChoiceField(label=_("Vai trò"))
    unit_code = forms.CharField(
        label=_("Mã đơn vị"),
        max_length=20,
        help_text=_("Mã ghi ở đầu trang của mỗi đơn vị, ví dụ 02647 hoặc 02647-001."),
    )

    def __init__(self, *args, roles: list[Role], units_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in roles if r != Role.ADMIN]
        self.units_qs = units_qs

    def clean_user_login(self):
        user = find_user(self.cleaned_data["user_login"])
        if user is None:
            raise forms.ValidationError(_("Không tìm thấy tài khoản này."))
        return user

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        unit = self.units_qs.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("Không có đơn vị mang mã này trong phạm vi của bạn."))
        return unit

    def clean(self):
        data = super().clean()
        unit: Unit | None = data.get("unit_code")
        role = data.get("role")
        if unit and role:
            needs = {
                Role.PROVINCE_OFFICER: {"province"},
                Role.COMMUNE_OFFICER: {"commune"},
                Role.TEAM_LEADER: {"village", "commune", "province"},
                Role.TEAM_MEMBER: {"village", "commune", "province"},
            }
            if unit.kind not in needs.get(role, {unit.kind}):
                raise forms.ValidationError(_("Vai trò này không gán được cho đơn vị cấp này."))
        return data
