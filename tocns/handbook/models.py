from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    GUIDE = "guide", _("Hướng dẫn từng bước")
    QA = "qa", _("Hỏi – đáp")
    SCAM_ALERT = "scam_alert", _("Cảnh báo lừa đảo")
    HANDOUT = "handout", _("Tờ rơi")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Mọi người (không cần đăng nhập)")
    MEMBERS = "members", _("Thành viên tổ")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã đăng")


class Article(models.Model):
    """A handbook entry. Every save keeps a numbered version; readers only ever see what is published."""

    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.GUIDE)
    title = models.CharField(_("tiêu đề"), max_length=200)
    summary = models.CharField(_("tóm tắt"), max_length=500)
    audience = models.CharField(
        _("ai được đọc"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    services = models.ManyToManyField(
        "catalogue.DigitalService", blank=True, related_name="articles", verbose_name=_("dịch vụ số")
    )
    # [{"title": ..., "url": ...}]: every fact a guide states names where it comes from.
    sources = models.JSONField(_("nguồn"), default=list, blank=True)
    last_checked = models.DateField(_("kiểm tra lần cuối"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=0)
    # Folded copies (no diacritics, đ→d, lower case) that search reads; rebuilt on every save.
    title_folded = models.CharField(max_length=200, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("bài cẩm nang")
        indexes = [models.Index(fields=["status", "audience"])]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.audience == Audience.PUBLIC


class Step(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("nội dung"))
    image = models.FileField(upload_to="handbook/%Y/", blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="one_step_per_number")]

    def __str__(self):
        return f"{self.article} #{self.number}"


class ArticleVersion(models.Model):
    """What the article said at one save: title, summary, steps, sources, status — never changed later."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ArticleStatus.choices)
    content = models.JSONField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="one_version_per_number")]

    def __str__(self):
        return f"{self.article} v{self.number}"


class SavedArticle(models.Model):
    """An article a member asked to keep on their phone ("Lưu để xem khi không có mạng"): the phone's offline
    list carries it besides the guides of their team's services. A few per person (selectors.SAVED_MAX), so
    what a phone downloads stays small; kept on the server, so it follows the member to a new phone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="one_save_per_article")]

    def __str__(self):
        return f"{self.user_id}: {self.article_id}"


class TermField(models.CharField):
    """A search term, compared byte by byte on PostgreSQL (collation "C"), as SQLite compares it already.

    Search reads a range of terms for a word still being typed ("hoa" up to "hob"), and pairs of words are
    stored under a leading "~", past every letter and digit, so that range never holds them. Under the
    database's own collation (en_US.UTF-8 …) punctuation and spaces count for nothing: "~hoa ban" would
    sort as "hoaban", inside the range of "hoab"."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql" and not self.db_collation:
            params["collation"] = "C"
        return params


class ArticleTerm(models.Model):
    """The search index: one row per folded word of an article (title, summary, steps, services), and one per
    pair of words next to each other in it ("~gia danh", see services.terms_of), so a phrase is found
    without reading the text. Looking terms up here is an index seek; scanning every article's text with
    LIKE '%word%' is not, and at thousands of articles that scan alone costs more than the whole search
    may."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="terms")
    term = TermField(max_length=60)
    in_title = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "term"], name="one_term_per_article")]
        # in_title too, so ranking reads the index alone, never the table.
        indexes = [models.Index(fields=["term", "article", "in_title"], name="handbook_term_lookup")]

    def __str__(self):
        return self.term
