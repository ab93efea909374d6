"""Handbook search: diacritics, đ/d and word order do not matter; title matches rank first.

Every query word must be a word of the article (the last one may be the start of a word, for someone still
typing). Words are looked up in the ArticleTerm index (an index seek, not a scan of every article's text),
and the matches are ranked: whole phrase in the title first, then more query words in the title, then
shorter titles.
Callers pass the articles the user may read (handbook.scope.articles_for), so search never widens
what someone sees."""

from django.db.models import Case, Count, IntegerField, Q, Value, When, Window
from django.db.models.functions import Length

from tocns.core.text import search_words

from .models import Article, ArticleTerm


def _starting_with(prefix: str) -> Q:
    """Terms starting with the (possibly unfinished) last word, as a range an index can seek: from the
    prefix up to the next string ("hoa" → "hob"), which sorts right under any collation for the ASCII
    letters and digits terms are folded to. Past "z" or "9" there is no such neighbour: LIKE then."""
    if prefix[-1] in "z9":
        return Q(term__startswith=prefix)
    return Q(term__gte=prefix, term__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _matching(articles, words: list[str]):
    """The articles holding every word: the intersection of each word's articles (for the last, possibly
    unfinished word, the articles of every term starting with it). Each set is an index-only range of
    ArticleTerm, and an INTERSECT of them gives the planner a fair estimate of the matches, so it joins
    them to the articles by hashing rather than probing the index once per match."""
    *whole, last = words
    sets = [ArticleTerm.objects.filter(term=w).values("article_id") for w in sorted(set(whole))]
    if last not in whole:
        sets.append(ArticleTerm.objects.filter(_starting_with(last)).values("article_id"))
    first, *rest = sets
    return articles.filter(pk__in=first.intersection(*rest) if rest else first)


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
        .order_by("-phrase_in_title", "-title_hits", "title_length", "title", "pk")
    )


def search_page(articles, query: str, offset: int, limit: int) -> tuple[int | None, list[Article]]:
    """One page of search results and how many match in all (None when `offset` is past the end).

    The ranking statement selects only the ids, with the number of matches riding on each as COUNT(*)
    OVER (): the ORDER BY gathers every match anyway, where a separate COUNT would find them all a second
    time, and narrow rows keep that pass cheap. The page's articles (with their services) are then read
    by id, which costs what any page of 20 costs."""
    ranked = search(articles, query).annotate(matches=Window(Count("pk"))).values_list("pk", "matches")
    keys = list(ranked[offset : offset + limit])
    if not keys:
        return (0 if offset == 0 else None), []
    by_pk = Article.objects.defer("search_text").prefetch_related("services").in_bulk([pk for pk, _ in keys])
    return keys[0][1], [by_pk[pk] for pk, _ in keys]


def guides_by_service(articles):
    """{service: [articles]} for the handbook's front page and the phone's offline copy."""
    grouped: dict = {}
    for article in articles.prefetch_related("services"):
        for service in article.services.all():
            grouped.setdefault(service, []).append(article)
    return dict(sorted(grouped.items(), key=lambda item: (item[0].sort_order, item[0].code)))
