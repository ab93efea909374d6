from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from tocns.catalogue.models import DigitalService

from .models import ArticleKind, Audience

STEP_SEPARATOR = "\n\n"


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    slug = forms.SlugField(
        label=_("Đường dẫn"), max_length=120, help_text=_("chữ thường không dấu, nối bằng gạch ngang")
    )
    kind = forms.ChoiceField(label=_("Loại bài"), choices=ArticleKind.choices)
    audience = forms.ChoiceField(label=_("Ai được đọc"), choices=Audience.choices)
    summary = forms.CharField(label=_("Tóm tắt"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    steps = forms.CharField(
        label=_("Các bước / nội dung"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Mỗi bước một đoạn, cách nhau bằng một dòng trống."),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Dịch vụ số liên quan"),
        queryset=DigitalService.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sources = forms.CharField(
        label=_("Nguồn"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một nguồn: Tên nguồn | https://địa-chỉ"),
    )
    last_checked = forms.DateField(
        label=_("Ngày kiểm tra lần cuối"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_steps(self):
        steps = [s.strip() for s in self.cleaned_data["steps"].replace("\r\n", "\n").split(STEP_SEPARATOR)]
        return [s for s in steps if s]

    def clean_sources(self):
        sources, check = [], URLValidator(schemes=["http", "https"])
        for line in self.cleaned_data["sources"].splitlines():
            if not line.strip():
                continue
            title, _sep, url = line.partition("|")
            title, url = title.strip(), url.strip()
            if not title or not url:
                raise forms.ValidationError(_("Mỗi nguồn cần tên và địa chỉ, cách nhau bằng dấu |."))
            try:
                check(url)
            except forms.ValidationError:
                raise forms.ValidationError(_("Địa chỉ nguồn không hợp lệ: %(url)s") % {"url": url}) from None
            sources.append({"title": title, "url": url})
        if not sources:
            raise forms.ValidationError(_("Bài viết cần ít nhất một nguồn."))
        return sources

    @classmethod
    def initial_for(cls, article) -> dict:
        return {
            "title": article.title,
            "slug": article.slug,
            "kind": article.kind,
            "audience": article.audience,
            "summary": article.summary,
            "steps": STEP_SEPARATOR.join(s.text for s in article.steps.all()),
            "services": list(article.services.all()),
            "sources": "\n".join(f"{s['title']} | {s['url']}" for s in article.sources),
            "last_checked": article.last_checked,
        }


class StepImageForm(forms.Form):
    number = forms.IntegerField(label=_("Bước số"), min_value=1)
    image = forms.FileField(
        label=_("Ảnh minh họa"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
