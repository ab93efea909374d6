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


class RoleOnUnitForm(forms.Form):
    """A role on a unit in the officer's scope, of a kind that role fits (a commune officer on a commune)."""

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

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        unit = self.units_qs.typed_code(code)
        if unit is None:
            raise forms.ValidationError(_("Không có đơn vị mang mã này trong phạm vi của bạn."))
        return unit

    def clean(self):
        data = super().clean()
        unit: Unit | None = data.get("unit_code")
        role = data.get("role")
        if unit and role and not role_fits(role, unit):
            raise forms.ValidationError(_("Vai trò này không gán được cho đơn vị cấp này."))
        return data


class GrantRoleForm(RoleOnUnitForm):
    user_login = forms.CharField(
        label=_("Số điện thoại hoặc tên đăng nhập của người được phân quyền"), max_length=150
    )
    field_order = ["user_login", "role", "unit_code"]

    def clean_user_login(self):
        user = find_user(self.cleaned_data["user_login"])
        if user is None:
            raise forms.ValidationError(_("Không tìm thấy tài khoản này."))
        return user


class NewPasswordForm(forms.Form):
    """The person's own password, set with a one-time code (Django's password rules apply)."""

    password1 = forms.CharField(
        label=_("Mật khẩu mới (ít nhất 8 ký tự)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # Not pre-ticked: a phone borrowed to activate must not stay signed in.
    remember = forms.BooleanField(label=_("Đây là điện thoại của tôi — giữ đăng nhập"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        return check_new_password(self, super().clean())


def check_new_password(form, data: dict) -> dict:
    """The two new passwords agree and pass the password rules (length, not a common one)."""
    from django.contrib.auth import password_validation

    first, second = data.get("password1"), data.get("password2")
    if first and second and first != second:
        form.add_error("password2", _("Hai lần nhập mật khẩu không giống nhau."))
    elif first:
        try:
            password_validation.validate_password(first, form.user)
        except forms.ValidationError as error:
            form.add_error("password1", error)
    return data


class CodeForm(NewPasswordForm):
    """Typing the code from the slip: the phone it was issued for, the 8 characters, a new password."""

    phone = forms.CharField(
        label=_("Số điện thoại của bạn"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("Mã kích hoạt (8 ký tự, trên phiếu hoặc tin nhắn)"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "one-time-code"}),
    )
    field_order = ["phone", "code", "password1", "password2", "remember"]


class AccountForm(RoleOnUnitForm):
    """One account made by an officer: the person's name, phone (their sign-in name), role and unit."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(
        label=_("Số điện thoại (dùng để đăng nhập)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    field_order = ["full_name", "phone", "role", "unit_code"]

    def clean_phone(self):
        from .models import User
        from .phones import normalize_phone

        phone = normalize_phone(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(_("Số điện thoại không hợp lệ (cần 10 chữ số, bắt đầu bằng 0)."))
        owner = User.objects.filter(phone_q(phone)).first()
        if owner is not None:
            raise forms.ValidationError(
                _("Số điện thoại này đã có tài khoản (%(name)s). Mỗi số điện thoại chỉ có một tài khoản.")
                % {"name": owner}
            )
        return phone


def phone_q(phone: str):
    from django.db.models import Q

    return Q(phone=phone) | Q(username=phone)


ROLE_UNIT_KINDS = {
    Role.PROVINCE_OFFICER: {"province"},
    Role.COMMUNE_OFFICER: {"commune"},
    Role.TEAM_LEADER: {"village", "commune", "province"},
    Role.TEAM_MEMBER: {"village", "commune", "province"},
}


def role_fits(role: str, unit: Unit) -> bool:
    return unit.kind in ROLE_UNIT_KINDS.get(role, {unit.kind})


class PasswordForm(forms.Form):
    """Changing one's password: the current one, then the new one twice."""

    old_password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    password1 = NewPasswordForm.base_fields["password1"]
    password2 = NewPasswordForm.base_fields["password2"]

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError(_("Mật khẩu hiện tại không đúng."))
        return self.cleaned_data["old_password"]

    def clean(self):
        return check_new_password(self, super().clean())

    def save(self):
        self.user.set_password(self.cleaned_data["password1"])
        self.user.save(update_fields=["password"])
        return self.user
