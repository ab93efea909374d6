import functools

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.core.fields import PathField

ACTION_LABELS = {
    "create": _("tạo mới"),
    "update": _("sửa"),
    "import": _("nhập từ Excel"),
    "rename": _("đổi tên"),
    "merge": _("sáp nhập"),
    "grant": _("phân quyền"),
    "revoke": _("thu hồi"),
    "leave": _("rời tổ"),
    "reissue_card": _("cấp lại thẻ"),
    "issue_code": _("cấp mã kích hoạt"),
    "activate": _("kích hoạt tài khoản, tự đặt mật khẩu"),
    "code_locked": _("khóa mã kích hoạt vì nhập sai nhiều lần"),
    "disable": _("vô hiệu hóa tài khoản"),
    "enable": _("mở lại tài khoản"),
    "password_change": _("đổi mật khẩu"),
    "end_session": _("kết thúc phiên đăng nhập"),
    "address_locked": _("tạm chặn địa chỉ mạng vì thử mã/mật khẩu nhiều lần"),
}
FIELD_LABELS = {
    "code": _("mã"),
    "name": _("tên"),
    "kind": _("cấp"),
    "division_type": _("loại"),
    "parent": _("cấp trên"),
    "valid_from": _("hiệu lực từ"),
    "valid_to": _("hiệu lực đến"),
    "households": _("số hộ"),
    "user": _("tài khoản"),
    "role": _("vai trò"),
    "unit": _("đơn vị"),
    "revoked_at": _("thu hồi lúc"),
    "username": _("tên đăng nhập"),
    "full_name": _("họ và tên"),
    "phone": _("số điện thoại"),
    "is_active": _("đang hoạt động"),
    "device": _("thiết bị"),
    "team": _("tổ"),
    "audit_retention_years": _("số năm giữ thông tin cá nhân trong nhật ký"),
    "date": _("ngày"),
    "village": _("thôn"),
    "people_reached": _("số người được hỗ trợ"),
    "households_reached": _("số hộ"),
    "hours": _("số giờ"),
    "note": _("ghi chú"),
    "outcomes": _("kết quả (được hướng dẫn, hoàn thành)"),
    "participants": _("người tham gia"),
    "photos": _("số ảnh"),
    "short_name": _("tên ngắn"),
    "completed_label": _("kết quả gọi là"),
    "sort_order": _("thứ tự"),
    "retired_on": _("ngừng dùng từ"),
    "content": _("thuộc nội dung"),
    "grace_days": _("số ngày chờ báo cáo đầu tiên"),
    "body_above": _("cơ quan cấp trên"),
    "number_suffix": _("ký hiệu văn bản"),
    "place": _("địa điểm"),
    "authority": _("thẩm quyền ký"),
    "authority_of": _("ký thay mặt / ký thay cho"),
    "signer_title": _("chức vụ người ký"),
    "signer_name": _("người ký"),
    "recipients": _("nơi nhận"),
    "period": _("kỳ báo cáo"),
    "difficulties": _("khó khăn, vướng mắc"),
    "next_tasks": _("nhiệm vụ thời gian tới"),
    "proposals": _("đề xuất, kiến nghị"),
    "course": _("khóa tập huấn"),
    "enrolled": _("ghi danh"),
    "present": _("có mặt"),
    "issuer_name": _("tên đơn vị cấp"),
    "number": _("số chứng nhận"),
    "revoked_reason": _("lý do thu hồi"),
}
# Where one field name means different things on different objects.
OBJECT_FIELD_LABELS = {
    ("activity", "kind"): _("hình thức"),
    ("letterhead", "body"): _("cơ quan ban hành"),
    ("letterhead", "place"): _("địa danh"),
}


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after. Append-only."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=30)
    object_type = models.CharField(_("đối tượng"), max_length=40)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    # Path of the unit the change concerns: officers read the entries under their own units.
    unit_path = PathField(max_length=255, db_index=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # Past its province's retention the entry keeps what was done and when, not to whom (audit.retention).
    scrubbed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký thay đổi")

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    def _model(self):
        """The model the entry is about (its type is the model's name), or None for one that is gone."""
        return _model_named(self.object_type)

    @property
    def object_label(self) -> str:
        """What was changed, in words: "thành viên", "tổ", "đơn vị"."""
        model = self._model()
        return str(model._meta.verbose_name) if model is not None else ""

    @property
    def sentence(self) -> str:
        """Who did what to what: "canbo.xa sửa thành viên “Lò Thị Mai”"."""
        label, action = self.object_label, str(self.action_label)
        # "phân quyền" is both the act and the thing: said once.
        what = (
            f"{label} “{self.object_repr}”"
            if label and not action.endswith(label)
            else f"“{self.object_repr}”"
        )
        return f"{self.actor_name} {action} {what}"

    def _label(self, key: str, model) -> str:
        label = OBJECT_FIELD_LABELS.get((self.object_type, key)) or FIELD_LABELS.get(key)
        if label is None and model is not None:
            try:
                label = getattr(model._meta.get_field(key), "verbose_name", None)  # a relation has none
            except FieldDoesNotExist:
                label = None
        return str(label or key.replace("_", " "))

    def changed_fields(self) -> list[tuple[str, str, str]]:
        """(label, before, after) for each field that changed, as a person reads them: Vietnamese labels,
        "có"/"không" for yes and no, years and counts as written ("1990", not "1.990"), "—" for nothing."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        model = self._model()
        return [
            (self._label(k, model), _shown(before.get(k)), _shown(after.get(k)))
            for k in keys
            if before.get(k) != after.get(k)
        ]


@functools.cache
def _model_named(name: str):
    """A model by its name, looked up once per name (a page of the log shows fifty entries)."""
    return next((m for m in apps.get_models() if m._meta.model_name == name), None)


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("có"))
    if value is False:
        return str(_("không"))
    if isinstance(value, list | tuple):
        return "; ".join(_shown(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return str(value)


class Retention(models.Model):
    """How long a province keeps personal values (names, phones, birth years…) in its audit log; entries
    older than that keep only what was done, when and on what kind of object. Without a row: the default
    (settings.AUDIT_RETENTION_YEARS)."""

    unit = models.OneToOneField("units.Unit", on_delete=models.CASCADE, related_name="audit_retention")
    years = models.PositiveSmallIntegerField(
        _("số năm giữ thông tin cá nhân trong nhật ký"),
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    class Meta:
        verbose_name = _("thời hạn lưu nhật ký")

    def __str__(self):
        return f"{self.unit}: {self.years}"
