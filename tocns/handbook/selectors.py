"""Handbook search: diacritics, đ/d and word order do not matter; title matches rank first.

Every query word must be a word of the article (the last one may be the start of a word, for someone still
typing). Words are looked up in the ArticleTerm index (an index seek, not a scan of every article's text),
and the matches are ranked: whole phrase in the title first, then more query words in the title, then
shorter titles.
Callers pass the articles the user may read (accounts.selectors.articles_for), so search never widens
what someone sees."""

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Value, When
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


def _matching(words: list[str]):
    """Ids of the articles holding every word, as one grouped pass over the words' index entries: each
    entry is labelled with the query word it stands for, and an article matches when it has them all."""
    *whole, last = words
    whole = sorted(set(whole))
    if last in whole:
        terms = ArticleTerm.objects.filter(term__in=whole)
        label = F("term")
    else:
        terms = ArticleTerm.objects.filter(Q(term__in=whole) | _starting_with(last))
        label = Case(
            When(term__in=whole, then=F("term")), default=Value("~" + last), output_field=CharField()
        )
    needed = len(whole) + (last not in whole)
    return (
        terms.annotate(word=label)
        .values("article_id")
        .annotate(found=Count("word", distinct=True))
        .filter(found=needed)
        .values("article_id")
    )


def search(articles, query: str):
    """The readable articles holding every word, best first; all in the database, so a page is one query
    and the count another, whatever the number of matches."""
    words = search_words(query)[:8]
    if not words:
        return articles.order_by("kind", "title")
    articles = articles.filter(pk__in=_matching(words))
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
