from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .letterhead import recipient_lines
from .models import Letterhead, ReportText
from .services import LETTERHEAD_FIELDS, TEXT_FIELDS

MAX_TEXT = 8000  # a section of a few pages; more belongs in an attached document
MAX_RECIPIENTS = 30
MAX_RECIPIENT = 300


class LetterheadForm(forms.ModelForm):
    class Meta:
        model = Letterhead
        fields = LETTERHEAD_FIELDS
        widgets = {
            "body": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 8}),
        }

    def clean_recipients(self):
        lines = recipient_lines(self.cleaned_data["recipients"])
        if len(lines) - 1 > MAX_RECIPIENTS:  # the filing line is not counted
            raise forms.ValidationError(_("Nhiều nhất %(n)s nơi nhận.") % {"n": MAX_RECIPIENTS})
        if any(len(line) > MAX_RECIPIENT for line in lines):
            raise forms.ValidationError(
                _("Mỗi nơi nhận nhiều nhất %(n)s ký tự: xuống dòng giữa hai nơi nhận.") % {"n": MAX_RECIPIENT}
            )
        # Kept as typed lines without the dashes and the stops the report adds ("v.v." keeps its own).
        return "\n".join(line[2:-1] if not line.endswith("v.v.") else line[2:] for line in lines)

    def clean(self):
        data = super().clean()
        if data.get("authority") and not (data.get("authority_of") or "").strip():
            self.add_error("authority_of", _("Ghi ký thay mặt hoặc ký thay cho ai, ví dụ ỦY BAN NHÂN DÂN."))
        return data


class ReportTextForm(forms.ModelForm):
    class Meta:
        model = ReportText
        fields = TEXT_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT}) for name in TEXT_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            field = self.fields[name]
            # A browser sends a line break as two characters (CR LF) where the box counted one: count as
            # the person sees.
            field.to_python = lambda value, read=field.to_python: read(
                value.replace("\r\n", "\n") if isinstance(value, str) else value
            )
            self.fields[name].max_length = MAX_TEXT
            self.fields[name].validators.append(MaxLengthValidator(MAX_TEXT))
            self.fields[name].help_text = _("Mỗi ý một dòng.")
