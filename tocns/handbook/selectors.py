"""Handbook search: diacritics, đ/d and word order do not matter; title matches rank first.

Callers pass the articles the user may read (accounts.selectors.articles_for), so search never widens
what someone sees."""

from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Length

from tocns.core.text import search_words


def search(articles, query: str):
    words = search_words(query)[:8]
    if not words:
        return articles.order_by("kind", "title")
    for word in words:
        articles = articles.filter(search_text__contains=word)
    phrase = " ".join(words)
    title_hits = sum(
        (
            Case(When(title_folded__contains=w, then=Value(1)), default=Value(0), output_field=IntegerField())
            for w in words
        ),
        Value(0, output_field=IntegerField()),
    )
    return articles.annotate(
        title_hits=title_hits,
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
