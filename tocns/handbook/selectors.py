"""Handbook search: diacritics, đ/d and word order do not matter; words standing together rank first.

A query is cut into the things it asks for (`concepts`): its words, with the phrases of handbook.synonyms
taken as one thing in any of its wordings ("CCCD" is also "căn cước", "smartphone" also "điện thoại thông
minh", "cảnh sát" also "công an" when the query is about impersonation), and question words ("làm sao",
"ở đâu") marked as not needed. The last word may be the start of a word, for someone still typing.
An article must hold the needed words but one in three, counted in typed words: all of 1 to 3, 3 of 4,
4 of 5, 5 of 6, 5 of 7, 6 of 8 (at most 8 words are read), so one mistyped or missing word of a long
query does not lose the article.

Everything is read from the ArticleTerm index (words, and pairs of words next to each other), never from
the text, in one statement (_Ranking) that finds the index rows of the query's terms, sums them per
article and ranks:
1. more of the needed words held;
2. more of the query's neighbouring words standing next to each other, in order, in the text, and again
   in the title: a phrase beats the same words scattered;
3. more of the query's things in the title;
4. shorter titles, then title and id (a total order, so pages never overlap).
Callers pass the articles the user may read (handbook.scope.articles_for), so search never widens what
someone sees."""

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Window

from tocns.core.text import search_words

from . import synonyms
from .models import Article, ArticleTerm
from .services import pair_term

MAX_WORDS = 8
FILLERS = frozenset(tuple(phrase.split()) for phrase in synonyms.FILLERS)


@dataclass(frozen=True)
class Concept:
    """One thing a query asks for: a word, or a phrase with its other wordings (`ways`, each a tuple of
    words). `prefix` is the query's last word when any word starting with it counts too; `needed` is False
    for question words, which rank but are not required."""

    typed: tuple[str, ...]
    ways: tuple[tuple[str, ...], ...]
    prefix: str = ""
    needed: bool = True
    fewest: tuple[tuple[str, ...], ...] = field(default=(), compare=False)

    def __post_init__(self):
        # A wording holding another ("thẻ căn cước" holds "căn cước") adds nothing to finding the thing.
        fewest = tuple(w for w in self.ways if not any(_inside(other, w) for other in self.ways))
        object.__setattr__(self, "fewest", fewest)


def _inside(small: tuple, big: tuple) -> bool:
    return len(small) < len(big) and any(
        big[i : i + len(small)] == small for i in range(len(big) - len(small) + 1)
    )


def _about_impersonation(words: list[str]) -> bool:
    """The query is about someone pretending to be someone else ("giả danh", "công an giả")."""
    text = f" {' '.join(words)} "
    for phrase in synonyms.NOT_IMPERSONATION:
        text = text.replace(f" {phrase} ", " | ")
    return any(f" {phrase} " in text for phrase in synonyms.IMPERSONATION)


def _known(words: list[str]) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    groups = synonyms.GROUPS
    if _about_impersonation(words):
        groups += synonyms.WHEN_IMPERSONATION
    known: dict = {}
    for group in groups:
        ways = tuple(tuple(phrase.split()) for phrase in group)
        for way in ways:
            known.setdefault(way, ways)
    return known


def concepts(query: str) -> list[Concept]:
    """The things a query asks for, in its order; the longest phrase known at each word is taken."""
    words = search_words(query)[:MAX_WORDS]
    known = _known(words)
    longest = max(len(phrase) for phrase in [*known, *FILLERS])
    found: list[Concept] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            span = tuple(words[i : i + size])
            if span in known:
                found.append(Concept(span, known[span]))
                break
            if span in FILLERS:
                found.append(Concept(span, (span,), needed=False))
                break
        else:
            size = 1
            found.append(Concept(span, (span,)))
        i += size
    if found and len(found[-1].typed) == 1 and found[-1].needed:
        # The last word may be unfinished: any word starting with it, and the wordings it may become
        # ("smartph" → smartphone, điện thoại thông minh).
        last = found[-1]
        (word,) = last.typed
        ways = last.ways
        if len(word) >= 3:
            for phrase, group in known.items():
                if len(phrase) == 1 and phrase[0].startswith(word) and phrase not in ways:
                    ways += tuple(w for w in group if w not in ways)
        found[-1] = Concept(last.typed, ways, prefix=word)
    return found


def _next_string(prefix: str) -> str:
    """The end of the range of terms starting with `prefix` ("hoa" → "hob"). Terms compare byte by byte
    (models.TermField), so the range is exact, and pairs of words, which start with "~" (after every letter
    and digit), are never in a word's range."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _way_terms(way: tuple[str, ...]) -> list[str]:
    """The index terms an article holds when it holds a wording: the word, or the pairs of a phrase."""
    if len(way) == 1:
        return list(way)
    return [pair_term(a, b) for a, b in zip(way, way[1:], strict=False)]


def _boundaries(first: Concept, second: Concept) -> list[tuple[str, tuple, tuple]]:
    """(pair term, wording before, wording after) for every way `first` may be followed by `second`: the
    last word of the one next to the first word of the other."""
    return [(pair_term(a[-1], b[0]), a, b) for a in first.ways for b in second.ways]


BITS = 60  # terms per mask: a mask is a sum of distinct powers of two, kept under 2**63


class _Ranking:
    """The statement that finds and ranks the matches of a query, written out here: the ORM cannot select
    from a subquery, and ranking reads each article's sums many times, which as annotations it would
    compute again on every row each time.

    Which of the query's terms an article holds is kept as the bits of a few numbers. The terms are a
    VALUES list, each with its bit (2**n), joined to the index on the term: every term is an index-only
    seek of its own, and no CASE runs per row. Each index row is one term of one article (no article holds
    a term twice), so the SUM of the bits over an article's rows has the bit of every term it holds set; the
    SUM over its rows in the title does the same for the title. A word still being typed is a range of
    terms (any number of rows per article), read apart and counted with a MAX. The ranking then reads those
    few numbers once per article. Every value from the query is a parameter; the SQL written into the
    statement is numbers this code made and names of columns."""

    def __init__(self, found: list[Concept], connection):
        self.found = found
        self.quote = connection.ops.quote_name
        terms = {t for c in found for way in c.ways for t in _way_terms(way)}
        terms |= {term for a, b in zip(found, found[1:], strict=False) for term, _, _ in _boundaries(a, b)}
        self.terms = sorted(terms)
        self.chunks = range(0, len(self.terms), BITS)
        self.prefixes = sorted({c.prefix for c in found if c.prefix})

    def _rows(self) -> tuple[str, list]:
        """The index rows of the query's terms (article, in title, bits of each chunk, 1 for each prefix)."""
        q, term = self.quote, ArticleTerm._meta.db_table
        values, params = [], []
        for n, t in enumerate(self.terms):
            values.append("(" + ", ".join(["%s"] * (1 + len(self.chunks))) + ")")
            params += [t, *[(1 << (n - c)) if c <= n < c + BITS else 0 for c in self.chunks]]
        columns = [f"v.column{2 + i} AS m{i}" for i in range(len(self.chunks))]
        parts = [
            f"SELECT r.{q('article_id')} AS article_id, r.{q('in_title')} AS in_title, "
            + ", ".join(columns + [f"0 AS p{i}" for i in range(len(self.prefixes))])
            + f" FROM (VALUES {', '.join(values)}) v INNER JOIN {q(term)} r ON r.{q('term')} = v.column1"
        ]
        for n, prefix in enumerate(self.prefixes):
            flags = [f"{int(i == n)} AS p{i}" for i in range(len(self.prefixes))]
            parts.append(
                f"SELECT r.{q('article_id')}, r.{q('in_title')}, "
                + ", ".join([f"0 AS m{i}" for i in range(len(self.chunks))] + flags)
                + f" FROM {q(term)} r WHERE r.{q('term')} >= %s AND r.{q('term')} < %s"
            )
            params += [prefix, _next_string(prefix)]
        return " UNION ALL ".join(parts), params

    def _sums(self) -> str:
        """Per article: m<i> the bits of the terms it holds, t<i> of those in its title (SUM of bigint is
        numeric on PostgreSQL, so cast back); p<i>, q<i> whether a word starts with the prefix."""
        sums = ["h.article_id"]
        for i in range(len(self.chunks)):
            sums.append(f"CAST(SUM(h.m{i}) AS BIGINT) AS m{i}")
            sums.append(f"CAST(SUM(CASE WHEN h.in_title THEN h.m{i} ELSE 0 END) AS BIGINT) AS t{i}")
        for i in range(len(self.prefixes)):
            sums.append(f"MAX(h.p{i}) AS p{i}")
            sums.append(f"MAX(CASE WHEN h.in_title THEN h.p{i} ELSE 0 END) AS q{i}")
        return ", ".join(sums)

    def _holds(self, terms: list[str], title: bool) -> str:
        """The article holds every one of the terms (in its title, if `title`)."""
        bits: dict[int, int] = {}
        for term in terms:
            chunk, n = divmod(self.terms.index(term), BITS)
            bits[chunk] = bits.get(chunk, 0) | (1 << n)
        column = "t" if title else "m"
        return " AND ".join(f"(s.{column}{c} & {b}) = {b}" for c, b in sorted(bits.items()))

    def _concept(self, concept: Concept, title: bool) -> str:
        ways = [self._holds(_way_terms(way), title) for way in concept.fewest]
        if concept.prefix:
            ways.append(f"s.{'q' if title else 'p'}{self.prefixes.index(concept.prefix)} = 1")
        return " OR ".join(f"({way})" for way in ways)

    def _next_to(self, first: Concept, second: Concept, title: bool) -> str:
        """`first` followed by `second`. A phrase's pair at the boundary only counts where the article holds
        the whole phrase too: "mã xác nhận" then "Zalo" is not the "nhắn, Zalo" of "tin nhắn, Zalo"."""
        ways = []
        for term, before, after in _boundaries(first, second):
            terms = [term] + [t for way in (before, after) if len(way) > 1 for t in _way_terms(way)]
            ways.append(self._holds(terms, title))
        return " OR ".join(f"({way})" for way in ways)

    @staticmethod
    def _count(conditions: list[tuple[int, str]]) -> str:
        return " + ".join(f"{weight} * (CASE WHEN {c} THEN 1 ELSE 0 END)" for weight, c in conditions)

    def sql(self, articles, offset: int, limit: int | None) -> tuple[str, list]:
        q = self.quote
        unique = list(dict.fromkeys(self.found))
        needed = [c for c in unique if c.needed] or unique
        # Counted in typed words: "lừa đảo" missing is two words of "mở tài khoản lừa đảo" missing.
        words = sum(len(c.typed) for c in needed)
        at_least = words - (words - 1) // 3
        held = self._count([(len(c.typed), self._concept(c, False)) for c in needed])
        pairs = list(zip(self.found, self.found[1:], strict=False))
        near = self._count([(1, self._next_to(a, b, title)) for a, b in pairs for title in (False, True)])
        in_title = self._count([(1, self._concept(c, True)) for c in unique])
        ranks = ", ".join(f"{rank} DESC" for rank in (held, near, in_title) if rank)
        rows, params = self._rows()
        # The readable articles with their titles, joined to the sums: one read of the articles, which
        # both keeps out what the reader may not see and gives the title to rank by.
        readable, readable_params = articles.order_by().values("pk", "title").query.sql_with_params()
        title = f"a.{q('title')}"
        sql = (
            f"SELECT s.article_id, COUNT(*) OVER () FROM "
            f"(SELECT {self._sums()} FROM ({rows}) h GROUP BY h.article_id) s "
            f"INNER JOIN ({readable}) a ON a.{q('pk')} = s.article_id "
            f"WHERE {held} >= %s "
            f"ORDER BY {ranks}, LENGTH({title}), {title}, a.{q('pk')}"
        )
        params += [*readable_params, at_least]
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        return sql, params


def _ranked(
    articles, found: list[Concept], offset: int = 0, limit: int | None = None
) -> list[tuple[int, int]]:
    """(article id, number of matches) of the readable articles holding enough of the query, best first,
    from `offset`, at most `limit`: one statement."""
    connection = connections[articles.db]
    try:
        sql, params = _Ranking(found, connection).sql(articles, offset, limit)
    except EmptyResultSet:  # articles.none(), pk__in=[]: nothing to read
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def search(articles, query: str) -> list[Article]:
    """The readable articles holding (nearly) every needed thing of the query, best first (with no query,
    all of them by kind and title)."""
    found = concepts(query)
    if not found:
        return list(articles.defer("search_text").order_by("kind", "title"))
    ids = [pk for pk, _ in _ranked(articles, found)]
    by_pk = Article.objects.defer("search_text").in_bulk(ids)
    return [by_pk[pk] for pk in ids]


def search_page(articles, query: str, offset: int, limit: int) -> tuple[int | None, list[Article]]:
    """One page of search results and how many match in all (None when `offset` is past the end).

    The ranking statement selects only the ids, with the number of matches riding on each as COUNT(*)
    OVER (): the ORDER BY gathers every match anyway, where a separate COUNT would find them all a second
    time, and narrow rows keep that pass cheap. The page's articles (with their services) are then read
    by id, which costs what any page of 20 costs."""
    found = concepts(query)
    if found:
        keys = _ranked(articles, found, offset, limit)
    else:
        ranked = articles.order_by("kind", "title").annotate(matches=Window(Count("pk")))
        keys = list(ranked.values_list("pk", "matches")[offset : offset + limit])
    if not keys:
        return (0 if offset == 0 else None), []
    by_pk = Article.objects.defer("search_text").prefetch_related("services").in_bulk([pk for pk, _ in keys])
    return keys[0][1], [by_pk[pk] for pk, _ in keys]


def search_count(articles, query: str) -> int:
    """How many readable articles search finds (what search_page carries on its rows, for a page past the
    end)."""
    found = concepts(query)
    if not found:
        return articles.count()
    first = _ranked(articles, found, 0, 1)
    return first[0][1] if first else 0


def guides_by_service(articles):
    """{service: [articles]} for the handbook's front page and the phone's offline copy."""
    grouped: dict = {}
    for article in articles.prefetch_related("services"):
        for service in article.services.all():
            grouped.setdefault(service, []).append(article)
    return dict(sorted(grouped.items(), key=lambda item: (item[0].sort_order, item[0].code)))
