"""Writes on handbook articles. Every save becomes a numbered version, so nothing an editor wrote is lost."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from tocns.catalogue.models import DigitalService
from tocns.core.images import PhotoError, reencode
from tocns.core.text import fold, search_words

from .models import Article, ArticleStatus, ArticleTerm, ArticleVersion, Step


@dataclass
class ArticleInput:
    slug: str
    title: str
    summary: str
    kind: str
    audience: str
    last_checked: object
    steps: list[str]
    sources: list[dict] = field(default_factory=list)
    services: list[str] = field(default_factory=list)


def search_text(article: Article, steps: list[str], service_names: list[str]) -> str:
    return fold(" ".join([article.title, article.summary, *steps, *service_names]))


PAIR = "~"  # the mark of a pair of words in the index; sorts after every letter and digit (models.TermField)
TERM_LENGTH = 60


def pair_term(first: str, second: str) -> str:
    """The index term of two words next to each other: "~gia danh"."""
    return f"{PAIR}{first} {second}"


def _pairs(words: list[str]) -> list[str]:
    pairs = (pair_term(a, b) for a, b in zip(words, words[1:], strict=False))
    return [p for p in pairs if len(p) <= TERM_LENGTH]


def terms_of(title_folded: str, text_folded: str) -> list[tuple[str, bool]]:
    """(term, in title) for the search index, from the folded title and the folded full text: every word, as
    search_words cuts a query, so "(vneid)," is indexed as vneid, and every pair of words next to each other,
    punctuation aside ("~gia danh", "~danh cong", "~cong an"), which is how search knows the words of a
    query stand together and in order in an article without reading its text."""
    title_words = search_words(title_folded)
    text_words = search_words(text_folded)
    in_title = {w[:TERM_LENGTH] for w in title_words} | set(_pairs(title_words))
    terms = dict.fromkeys(w[:TERM_LENGTH] for w in text_words)
    terms.update(dict.fromkeys(_pairs(text_words)))
    terms.update(dict.fromkeys(sorted(in_title)))
    return [(t, t in in_title) for t in terms]


def index_terms(article: Article) -> None:
    ArticleTerm.objects.filter(article=article).delete()
    ArticleTerm.objects.bulk_create(
        ArticleTerm(article=article, term=w, in_title=t)
        for w, t in terms_of(article.title_folded, article.search_text)
    )


def _content(article: Article, steps: list[Step]) -> dict:
    return {
        "title": article.title,
        "summary": article.summary,
        "kind": article.kind,
        "audience": article.audience,
        "last_checked": article.last_checked.isoformat(),
        "sources": article.sources,
        "services": sorted(article.services.values_list("code", flat=True)),
        "steps": [s.text for s in steps],
    }


def _snapshot(article: Article, actor) -> ArticleVersion:
    article.version += 1
    Article.objects.filter(pk=article.pk).update(version=article.version)
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        status=article.status,
        content=_content(article, list(article.steps.order_by("number"))),
        saved_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def save_article(
    *, actor, data: ArticleInput, article: Article | None = None, publish: bool | None = None
) -> Article:
    """Create or change an article. publish=True/False changes its status; None keeps it (new: draft)."""
    steps = [text.strip() for text in data.steps if text.strip()]
    if not steps:
        raise ValidationError({"steps": _("Bài viết cần ít nhất một bước hoặc một đoạn nội dung.")})
    services = list(DigitalService.objects.filter(code__in=data.services))
    unknown = set(data.services) - {s.code for s in services}
    if unknown:
        raise ValidationError(
            {"services": _("Không có dịch vụ mã: %(codes)s") % {"codes": ", ".join(sorted(unknown))}}
        )
    article = article or Article()
    for name in ("slug", "title", "summary", "kind", "audience", "last_checked", "sources"):
        setattr(article, name, getattr(data, name))
    if publish is not None:
        article.status = ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT
    article.title_folded = fold(article.title)
    article.search_text = search_text(
        article, steps, [s.short_name for s in services] + [s.name for s in services]
    )
    article.updated_by = actor if actor is not None and actor.is_authenticated else None
    article.full_clean(exclude=["version"])
    article.save()
    article.services.set(services)
    kept = {s.number: s for s in article.steps.all()}
    for number, text in enumerate(steps, start=1):
        step = kept.pop(number, None) or Step(article=article, number=number)
        step.text = text
        step.save()
    for leftover in kept.values():
        leftover.delete()
    index_terms(article)
    _snapshot(article, actor)
    return article


@transaction.atomic
def set_status(*, actor, article: Article, publish: bool) -> Article:
    article.status = ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT
    article.updated_by = actor if actor is not None and actor.is_authenticated else None
    article.save(update_fields=["status", "updated_by", "updated_at"])
    _snapshot(article, actor)
    return article


@transaction.atomic
def set_step_image(*, actor, step: Step, upload) -> Step:
    """A screenshot or photo for one step, re-encoded like activity photos (no location data)."""
    from django.conf import settings

    if upload.size > settings.PHOTO_MAX_BYTES:
        raise PhotoError(_("Ảnh lớn hơn %(mb)s MB.") % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)})
    data, width, height = reencode(upload.read())
    step.image.save(f"{step.article.slug}-{step.number}.jpg", ContentFile(data), save=False)
    step.image_width, step.image_height = width, height
    step.save()
    _snapshot(step.article, actor)
    return step
