"""Handbook search: diacritics, đ/d and word order do not matter; title matches rank first.

Every query word must be a word of the article (the last one may be the start of a word, for someone still
typing). Words are looked up in the ArticleTerm index (an index seek, not a scan of every article's text),
and the matches are ranked: whole phrase in the title first, then more query words in the title, then
shorter titles.
Callers pass the articles the user may read (accounts.selectors.articles_for), so search never widens
what someone sees."""

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Length

from tocns.core.text import search_words

from .models import ArticleTerm


def _terms(word: str, *, prefix: bool):
    terms = ArticleTerm.objects.all()
    if prefix:
        # The last word may be unfinished ("kich hoa"): every term starting with it, as a range an index
        # can seek (terms are folded to ASCII letters and digits, which sort before "~").
        return terms.filter(term__gte=word, term__lt=word + "~")
    return terms.filter(term=word)


def search(articles, query: str):
    """The readable articles holding every word, best first; all in the database, so a page is one query
    and the count another, whatever the number of matches."""
    words = search_words(query)[:8]
    if not words:
        return articles.order_by("kind", "title")
    last = len(words) - 1
    for position, word in enumerate(words):
        articles = articles.filter(pk__in=_terms(word, prefix=position == last).values("article_id"))
    title_hits = (
        ArticleTerm.objects.filter(article=OuterRef("pk"), in_title=True, term__in=words)
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    phrase = " ".join(words)
    return articles.annotate(
        title_hits=Coalesce(Subquery(title_hits, output_field=IntegerField()), 0),
        phrase_in_title=Case(
            When(title_folded__contains=phrase, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        title_length=Length("title"),
    ).order_by("-phrase_in_title", "-title_hits", "title_length", "title")


def guides_by_service(articles):
    """{service: [articles]} for the handbook's front page and the phone's offline copy."""
    grouped: dict = {}
    for article in articles.prefetch_related("services"):
        for service in article.services.all():
            grouped.setdefault(service, []).append(article)
    return dict(sorted(grouped.items(), key=lambda item: (item[0].sort_order, item[0].code)))
