"""What a unit's officers set for the reports it issues: its letterhead and signature (Letterhead), and the
text only they can write for a period (ReportText). The figures come from the running totals
(activities.models) and the scores (evaluation)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.evaluation.scoring import Period


class Authority(models.TextChoices):
    """How the signer signs (Nghị định 30/2020/NĐ-CP, Điều 13)."""

    DIRECT = "", _("Ký trực tiếp (người đứng đầu)")
    ON_BEHALF = "TM.", _("TM. — thay mặt tập thể")
    DEPUTY = "KT.", _("KT. — cấp phó ký thay người đứng đầu")
    BY_ORDER = "TL.", _("TL. — thừa lệnh")
    AUTHORISED = "TUQ.", _("TUQ. — thừa ủy quyền")


class Letterhead(models.Model):
    """How a province's or a commune's report is headed and signed. Without one, reports.letterhead gives
    the 2025 structure's defaults (a province: UBND tỉnh / Sở Khoa học và Công nghệ; a commune, phường or
    đặc khu: its Ủy ban nhân dân)."""

    unit = models.OneToOneField("units.Unit", on_delete=models.CASCADE, related_name="letterhead")
    body_above = models.CharField(
        _("cơ quan cấp trên"),
        max_length=200,
        blank=True,
        help_text=_("Dòng trên tên cơ quan ban hành, ví dụ: UBND TỈNH LÀO CAI. Bỏ trống nếu không có."),
    )
    body = models.CharField(
        _("cơ quan ban hành"),
        max_length=300,
        help_text=_("Ví dụ: SỞ KHOA HỌC VÀ CÔNG NGHỆ. Xuống dòng để ngắt như trên văn bản giấy."),
    )
    number_suffix = models.CharField(
        _("ký hiệu văn bản"), max_length=40, help_text=_("Phần sau số, ví dụ: BC-SKHCN hoặc BC-UBND.")
    )
    place = models.CharField(
        _("địa danh"), max_length=100, help_text=_("Ghi trước “ngày … tháng … năm …”, ví dụ: Mường Khương.")
    )
    authority = models.CharField(
        _("thẩm quyền ký"), max_length=5, choices=Authority.choices, default=Authority.DIRECT, blank=True
    )
    authority_of = models.CharField(
        _("ký thay mặt / ký thay cho"),
        max_length=150,
        blank=True,
        help_text=_("Sau TM., KT., TL., TUQ.: ví dụ ỦY BAN NHÂN DÂN, GIÁM ĐỐC."),
    )
    signer_title = models.CharField(
        _("chức vụ người ký"), max_length=150, help_text=_("Ví dụ: PHÓ GIÁM ĐỐC.")
    )
    signer_name = models.CharField(_("họ và tên người ký"), max_length=150, blank=True)
    recipients = models.TextField(
        _("nơi nhận"),
        help_text=_("Mỗi dòng một nơi nhận; dòng cuối luôn là “Lưu: VT”."),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("mẫu văn bản báo cáo")

    def __str__(self):
        return f"{self.unit}"


class ReportText(models.Model):
    """What an officer writes in a unit's report for a period: difficulties and their causes, the next
    tasks, proposals. The page prefills them from the previous period."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("kỳ báo cáo"), max_length=10)  # evaluation.scoring.Period.code
    difficulties = models.TextField(_("khó khăn, vướng mắc và nguyên nhân"), blank=True)
    next_tasks = models.TextField(_("nhiệm vụ trọng tâm thời gian tới"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("nội dung báo cáo của kỳ")
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="one_report_text_per_period")]

    def __str__(self):
        return f"{self.unit}, {Period.parse(self.period).label}"
