"""Handbook search: diacritics, đ/d and word order do not matter; title matches rank first.

Every query word must be a word of the article (the last one may be the start of a word, for someone still
typing). Words are looked up in the ArticleTerm index (an index seek, not a scan of every article's text),
and the matches are ranked: whole phrase in the title first, then more query words in the title, then
shorter titles.
Callers pass the articles the user may read (accounts.selectors.articles_for), so search never widens
what someone sees."""

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Length

from tocns.core.text import search_words

from .models import ArticleTerm


def _starting_with(prefix: str) -> Q:
    """Terms starting with the (possibly unfinished) last word, as a range an index can seek: from the
    prefix up to the next string ("hoa" → "hob"), which sorts right under any collation for the ASCII
    letters and digits terms are folded to. Past "z" or "9" there is no such neighbour: LIKE then."""
    if prefix[-1] in "z9":
        return Q(term__startswith=prefix)
    return Q(term__gte=prefix, term__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _matching(articles, words: list[str]):
    """The articles holding every word. Whole words: one grouped pass over their index entries, an article
    matching when it has an entry for each (a word is indexed once per article, so a plain count does).
    The last word, which may be unfinished, is a range of terms checked on its own."""
    *whole, last = words
    whole = sorted(set(whole) | ({last} if last in whole else set()))
    if whole:
        articles = articles.filter(
            pk__in=ArticleTerm.objects.filter(term__in=whole)
            .values("article_id")
            .annotate(found=Count("pk"))
            .filter(found=len(whole))
            .values("article_id")
        )
    if last not in whole:
        articles = articles.filter(
            pk__in=ArticleTerm.objects.filter(_starting_with(last)).values("article_id")
        )
    return articles


def search(articles, query: str):
    """The readable articles holding every word, best first; all in the database, so a page is one query
    and the count another, whatever the number of matches."""
    words = search_words(query)[:8]
    if not words:
        return articles.order_by("kind", "title")
    articles = _matching(articles, words)
    # Ranking reads only the short folded title of the matches (a substring test per word is cheaper
    # there than a lookup in the index per match and word).
    title_hits = sum(
        (
            Case(When(title_folded__contains=w, then=Value(1)), default=Value(0), output_field=IntegerField())
            for w in words
        ),
        Value(0, output_field=IntegerField()),
    )
    phrase = " ".join(words)
    # The folded full text is for matching only; a page of results never shows it.
    return (
        articles.defer("search_text")
        .annotate(
            title_hits=title_hits,
            phrase_in_title=Case(
                When(title_folded__contains=phrase, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            title_length=Length("title"),
        )
        .order_by("-phrase_in_title", "-title_hits", "title_length", "title")
    )


def guides_by_service(articles):
    """{service: [articles]} for the handbook's front page and the phone's offline copy."""
    grouped: dict = {}
    for article in articles.prefetch_related("services"):
        for service in article.services.all():
            grouped.setdefault(service, []).append(article)
    return dict(sorted(grouped.items(), key=lambda item: (item[0].sort_order, item[0].code)))
