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

Rare words first (search_results, for pages): how many index rows each of the query's terms has is
counted first, no further than a few hundred. A query with a rare word is ranked on the few articles
holding its rarest words, which hold every match: the same results as reading every row (search). A
query of common words only, which thousands of articles hold, ranks no more than CANDIDATES articles: the
likeliest to come first, chosen on the rows of its rare terms and on the title rows of its common ones
(_likeliest), and says so (Results.complete), since more articles hold it than it ranked.

Callers pass the articles the user may read (handbook.scope.articles_for), so search never widens what
someone sees."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, Prefetch, Window, prefetch_related_objects
from django.db.models.functions import RowNumber

from tocns.catalogue import worked_on
from tocns.catalogue.models import DigitalService
from tocns.core.text import search_words

from . import scope, synonyms
from .models import Article, ArticleKind, ArticleTerm, SavedArticle, Step
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


def _all_terms(found: list[Concept]) -> set[str]:
    """Every index term ranking reads: the words and pairs of every wording, and the pairs where one thing
    meets the next."""
    terms = {t for c in found for way in c.ways for t in _way_terms(way)}
    return terms | {term for a, b in zip(found, found[1:], strict=False) for term, _, _ in _boundaries(a, b)}


BITS = 60  # terms per mask: a mask is a sum of distinct powers of two, kept under 2**63

# The most articles a page of search ranks: five pages of 20. A query of common words ("lừa đảo", "vneid")
# is held by thousands of articles, and reading and ranking every one of them is what made search slow
# (every index row of every term summed per article: 40 ms and more at 5,000 articles, growing with the
# handbook), when a reader looks at the first page or two.
CANDIDATES = 100


@dataclass(frozen=True)
class Results:
    """One page of search results. `total` is how many matches there are to page through (None when the
    page asked for is past the end); `complete` is False for a broad query, whose pages are the matches
    among its CANDIDATES likeliest articles (_candidates), not every article holding it."""

    total: int | None
    articles: list[Article]
    complete: bool = True


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
    statement is numbers this code made and names of columns.

    `candidates` (article ids) limits the rows read to those articles': one index seek per term and
    candidate, whatever the number of articles holding the term; the terms in `absent` (in no article) are
    not looked up."""

    def __init__(self, found: list[Concept], connection, *, candidates=None, absent=frozenset()):
        self.found = found
        self.quote = connection.ops.quote_name
        self.candidates = None if candidates is None else list(candidates)
        self.absent = absent
        self.seeks = self.candidates is not None and connection.vendor == "postgresql"
        self.no = "FALSE" if connection.vendor == "postgresql" else "0"
        self.terms = sorted(_all_terms(found))
        self.chunks = range(0, len(self.terms), BITS)
        self.prefixes = sorted({c.prefix for c in found if c.prefix})

    def _narrowing(self) -> tuple[str, list]:
        """The condition keeping only the candidates' rows."""
        if self.candidates is None:
            return "", []
        marks = ", ".join(["%s"] * len(self.candidates))
        return f" AND r.{self.quote('article_id')} IN ({marks})", self.candidates

    def _rows(self) -> tuple[str, list]:
        """The index rows of the query's terms (article, in title, bits of each chunk, 1 for each prefix)."""
        q, term = self.quote, ArticleTerm._meta.db_table
        narrowing, narrowing_params = self._narrowing()
        values, params, parts = [], [], []
        for n, t in enumerate(self.terms):
            if t not in self.absent:
                values.append("(" + ", ".join(["%s"] * (1 + len(self.chunks))) + ")")
                params += [t, *[(1 << (n - c)) if c <= n < c + BITS else 0 for c in self.chunks]]
        columns = [f"v.column{2 + i} AS m{i}" for i in range(len(self.chunks))]
        select = (
            f"SELECT r.{q('article_id')} AS article_id, r.{q('in_title')} AS in_title, "
            + ", ".join(columns + [f"0 AS p{i}" for i in range(len(self.prefixes))])
            + f" FROM (VALUES {', '.join(values)}) v "
        )
        if values and self.seeks:
            # PostgreSQL would read every row of each term and keep the candidates' (it expects fewer
            # rows than common words have): a lookup of each (term, candidate) instead, kept apart from
            # the rest of the statement (LIMIT 1: there is at most one).
            parts.append(
                select + "CROSS JOIN unnest(%s::bigint[]) c(id) CROSS JOIN LATERAL ("
                f"SELECT x.{q('article_id')}, x.{q('in_title')} FROM {q(term)} x "
                f"WHERE x.{q('term')} = v.column1 AND x.{q('article_id')} = c.id LIMIT 1) r"
            )
            params.append(self.candidates)
        elif values:
            parts.append(select + f"INNER JOIN {q(term)} r ON r.{q('term')} = v.column1" + narrowing)
            params += narrowing_params
        for n, prefix in enumerate(self.prefixes):
            flags = ", ".join([f"0 AS m{i}" for i in range(len(self.chunks))])
            flags += "".join(f", {int(i == n)} AS p{i}" for i in range(len(self.prefixes)))
            where = f" FROM {q(term)} r WHERE r.{q('term')} >= %s AND r.{q('term')} < %s"
            if self.candidates is None:
                parts.append(
                    f"SELECT r.{q('article_id')} AS article_id, r.{q('in_title')} AS in_title, {flags}{where}"
                )
                params += [prefix, _next_string(prefix)]
                continue
            # The candidates' words in the range: on SQLite through the index on (article, term), which
            # has no in_title, one seek per candidate reading no row of the table (PostgreSQL reads the
            # range once and keeps the candidates'); and those in titles, from the titles' index (the
            # unary + keeps the planner off the index on the article).
            parts.append(
                f"SELECT r.{q('article_id')} AS article_id, {self.no} AS in_title, {flags}{where}{narrowing}"
            )
            params += [prefix, _next_string(prefix), *narrowing_params]
            parts.append(
                f"SELECT r.{q('article_id')} AS article_id, r.{q('in_title')} AS in_title, {flags}{where}"
                f" AND r.{q('in_title')}{narrowing.replace(' AND r.', ' AND +r.', 1)}"
            )
            params += [prefix, _next_string(prefix), *narrowing_params]
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
        needed = _needed(self.found)
        held = self._count([(len(c.typed), self._concept(c, False)) for c in needed])
        pairs = list(zip(self.found, self.found[1:], strict=False))
        near = self._count([(1, self._next_to(a, b, title)) for a, b in pairs for title in (False, True)])
        in_title = self._count([(1, self._concept(c, True)) for c in unique])
        rows, params = self._rows()
        if not rows:
            raise EmptyResultSet  # no term of the query is in any article
        # The three keys once per article, named, so the statement states each once (it is parsed and
        # planned on every search: the long ones are most of its text).
        keys = (
            f"SELECT s.article_id, {held} AS held, {near or 0} AS near, {in_title} AS in_title "
            f"FROM (SELECT {self._sums()} FROM ({rows}) h GROUP BY h.article_id) s"
        )
        # The readable articles with their titles, joined to the keys: one read of the articles, which
        # both keeps out what the reader may not see and gives the title to rank by.
        readable, readable_params = articles.order_by().values("pk", "title").query.sql_with_params()
        title = f"a.{q('title')}"
        sql = (
            f"SELECT k.article_id, COUNT(*) OVER () FROM ({keys}) k "
            f"INNER JOIN ({readable}) a ON a.{q('pk')} = k.article_id WHERE k.held >= %s "
            f"ORDER BY k.held DESC, k.near DESC, k.in_title DESC, LENGTH({title}), {title}, a.{q('pk')}"
        )
        params += [*readable_params, _at_least(needed)]
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        return sql, params


def _needed(found: list[Concept]) -> list[Concept]:
    unique = list(dict.fromkeys(found))
    return [c for c in unique if c.needed] or unique


def _at_least(needed: list[Concept]) -> int:
    """How many of the needed words an article must hold, counted in typed words: "lừa đảo" missing is two
    words of "mở tài khoản lừa đảo" missing."""
    words = sum(len(c.typed) for c in needed)
    return words - (words - 1) // 3


def _ranked(
    articles, found: list[Concept], offset: int = 0, limit: int | None = None, **narrowing
) -> list[tuple[int, int]]:
    """(article id, number of matches) of the readable articles holding enough of the query, best first,
    from `offset`, at most `limit`: one statement. Only among `candidates` (ids) if given, not looking up
    the `absent` terms (_Ranking)."""
    connection = connections[articles.db]
    if narrowing.get("candidates") == []:
        return []
    try:
        sql, params = _Ranking(found, connection, **narrowing).sql(articles, offset, limit)
    except EmptyResultSet:  # articles.none(), pk__in=[]: nothing to read
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- rare words first ---------------------------------------------------------------------------------------


def _sources(concept: Concept) -> list[list[tuple[str, str]]]:
    """Where the articles holding a concept are listed in the index: for each of its wordings, the index
    terms an article holding it holds all of (("term", word) or ("term", pair) each), and for a word still
    being typed, the range of terms starting with it (("range", prefix)), which holds the word itself."""
    ways = [[("term", t) for t in _way_terms(way)] for way in concept.fewest if way != (concept.prefix,)]
    if concept.prefix:
        ways.append([("range", concept.prefix)])
    return ways


def _where(source: tuple[str, str]) -> tuple[str, list]:
    kind, value = source
    if kind == "term":
        return "term = %s", [value]
    return "term >= %s AND term < %s", [value, _next_string(value)]


def _counted(connection, most: dict[tuple[str, str], int]) -> dict:
    """How many index rows each source has, counting no further than its `most` (a common word's
    thousands are not read): one statement."""
    table = connection.ops.quote_name(ArticleTerm._meta.db_table)
    sources = sorted(most)
    columns, params = [], []
    for n, source in enumerate(sources):
        where, where_params = _where(source)
        columns.append(f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT %s) x{n})")
        params += [*where_params, most[source]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        return dict(zip(sources, cursor.fetchone(), strict=True))


def _holders(connection, sources: list[tuple[str, str]], newest: int | None = None) -> tuple[set, bool]:
    """The ids of the articles in the sources' index rows, and whether every row was read: all of them, or
    at most the `newest` of each source (the highest ids)."""
    table = connection.ops.quote_name(ArticleTerm._meta.db_table)
    parts, params = [], []
    for n, source in enumerate(sources):
        where, where_params = _where(source)
        part = f"SELECT {n} AS source, article_id FROM {table} WHERE {where}"
        if newest is not None:
            part = f"SELECT * FROM ({part} ORDER BY article_id DESC LIMIT %s) x{n}"
            where_params = [*where_params, newest]
        parts.append(part)
        params += where_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    per_source = Counter(source for source, _ in rows)
    return {pk for _, pk in rows}, newest is None or all(n < newest for n in per_source.values())


# A query whose rarest things at most EXACT_HOLDERS articles hold is ranked on all of them (every match
# found), as long as that looks up no more than SEEKS (article, term) pairs in the index: "mật khẩu zalo"
# (500 articles hold "zalo", 4 terms), not "kích hoạt định danh" (1,300 hold "kích", 8 terms).
EXACT_HOLDERS, SEEKS = 1000, 4000
# A query whose terms have at most SCAN_ROWS index rows in all is ranked reading every one of them ("zalo").
SCAN_ROWS = 2000
# A term in at most RARE_ROWS index rows is read whole when choosing a broad query's candidates, which are
# scored by the rows read (_likeliest): a needed word held (shared among a phrase's pairs), a pair of the
# query's neighbouring words standing together, a needed word in the title.
RARE_ROWS = 500
HELD, NEAR, IN_TITLE = 1000, 100, 10


def _query_terms(found: list[Concept], counted: dict | None = None) -> dict[str, tuple[int, int]]:
    """{index term: (weight of each row of it, more if the row is a title's)} for every term ranking reads:
    the words and pairs of the things asked for, and the pairs where one thing meets the next. Given how
    many rows each has (`counted`), for choosing candidates: a phrase by its rarest pair alone (an article
    holding the phrase holds that pair), and no word still being typed (its range is read instead)."""
    weights: dict[str, tuple[int, int]] = {}

    def add(term, text, title):
        before = weights.get(term, (0, 0))
        weights[term] = (before[0] + text, before[1] + title)

    for concept in _needed(found):
        for way in concept.fewest:
            terms = _way_terms(way)
            if counted is not None:
                if concept.prefix and way == concept.typed:
                    continue
                terms = [min(terms, key=lambda t: (counted[("term", t)], t))]
            for term in terms:
                share = len(concept.typed) * 60 // len(terms)  # 60 divides by the pairs of any phrase
                add(term, HELD * share // 60, IN_TITLE * share // 60)
    for first, second in zip(found, found[1:], strict=False):
        for term, _, _ in _boundaries(first, second):
            add(term, NEAR, NEAR)
    return weights


def _likeliest(articles, found: list[Concept], counted: dict, limit: int) -> list[int]:
    """The `limit` readable articles likeliest to rank first for a broad query, without reading the
    thousands of index rows of its common words: scored on the rows of its rare terms (RARE_ROWS at most
    each: rare words, and the pairs of a phrase or of neighbouring words, which are seldom common) and on
    the title rows of the others (the partial index handbook_term_in_title), then shorter titles, title
    and id, as search ranks. One statement."""
    connection = connections[articles.db]
    q = connection.ops.quote_name
    table = q(ArticleTerm._meta.db_table)
    weight = f"CAST(v.column2 + CASE WHEN r.{q('in_title')} THEN v.column3 ELSE 0 END AS INTEGER)"
    terms = _query_terms(found, counted)
    ranges = []  # (prefix, whole, weight of a row, of a title's row)
    for concept in _needed(found):
        if not concept.prefix:
            continue
        if counted.get(("term", concept.prefix), 0) > RARE_ROWS:
            # A common word typed whole ("so" of "hồ sơ"): its own title rows, not those of every word
            # starting with it.
            before = terms.get(concept.prefix, (0, 0))
            terms[concept.prefix] = (before[0], before[1] + IN_TITLE * len(concept.typed))
            continue
        whole = counted[("range", concept.prefix)] <= RARE_ROWS
        text = HELD * len(concept.typed) if whole else 0
        ranges.append((concept.prefix, whole, text, text + IN_TITLE * len(concept.typed)))
    terms = {t: weights for t, weights in terms.items() if counted.get(("term", t)) != 0}  # in no article
    parts, params = [], []
    for whole in (True, False):
        chosen = [t for t in sorted(terms) if (counted.get(("term", t), RARE_ROWS + 1) <= RARE_ROWS) == whole]
        if chosen:
            parts.append(
                f"SELECT r.{q('article_id')} AS article_id, {weight} AS w, 0 AS p "
                f"FROM (VALUES {', '.join(['(%s, %s, %s)'] * len(chosen))}) v "
                f"INNER JOIN {table} r ON r.{q('term')} = v.column1"
                + ("" if whole else f" AND r.{q('in_title')}")
            )
            # A common term's title rows only say it is in the title: no more (the article holding it is
            # no news, nearly every one does).
            params += [value for t in chosen for value in (t, terms[t][0] if whole else 0, terms[t][1])]
    for prefix, whole, text, title in ranges:
        parts.append(
            f"SELECT r.{q('article_id')} AS article_id, 0 AS w, "
            f"CASE WHEN r.{q('in_title')} THEN {title} ELSE {text} END AS p "
            f"FROM {table} r WHERE r.{q('term')} >= %s AND r.{q('term')} < %s"
            + ("" if whole else f" AND r.{q('in_title')}")
        )
        params += [prefix, _next_string(prefix)]
    sums = (
        f"SELECT h.article_id, SUM(h.w) + MAX(h.p) AS score FROM ({' UNION ALL '.join(parts)}) h "
        "GROUP BY h.article_id"
    )
    readable, readable_params = articles.order_by().values("pk", "title").query.sql_with_params()
    order = f"ORDER BY s.score DESC, LENGTH(a.{q('title')}), a.{q('title')}, a.{q('pk')} LIMIT %s"
    if connection.vendor == "sqlite":
        # SQLite joins in the order written before a CROSS JOIN: the readable articles' ids and titles
        # are then read from the index handbook_article_listing (a few pages in all), not from each
        # article's row (a page each, as wide as its text).
        sql = f"SELECT s.article_id FROM ({readable}) a CROSS JOIN ({sums}) s ON s.article_id = a.{q('pk')} "
        params = [*readable_params, *params]
    else:
        sql = f"SELECT s.article_id FROM ({sums}) s INNER JOIN ({readable}) a ON a.{q('pk')} = s.article_id "
        params = [*params, *readable_params]
    with connection.cursor() as cursor:
        cursor.execute(sql + order, [*params, limit])
        return [row[0] for row in cursor.fetchall()]


def _candidates(articles, found: list[Concept]) -> tuple[list[int] | None, bool, frozenset]:
    """The articles worth ranking for the query (None: all of them), whether they include every match, and
    the query's terms that no article holds.

    Rare words first: the needed things are taken from the rarest, until an article holding none of those
    taken would miss more words than a match may (_at_least); every match holds one of them. When those few
    things are held by at most CANDIDATES articles (a query with a rare word: "homestay", "chữ ký số"),
    those articles are the candidates, and every match is among them. Otherwise the query is broad (common
    words only): the candidates are the CANDIDATES articles likeliest to rank first (_likeliest), then, if
    fewer are scored, the newest articles holding the rarest things. How many index rows each term has is
    counted first, no further than RARE_ROWS + 1."""
    connection = connections[articles.db]
    needed = _needed(found)
    missable = sum(len(c.typed) for c in needed) - _at_least(needed)
    sources = {c: _sources(c) for c in needed}
    # The pairs where one thing meets the next only rank: counted as far as telling a rare one.
    most = {("term", t): RARE_ROWS + 1 for t in _all_terms(found)}
    most |= {("term", t): EXACT_HOLDERS + 1 for c in found for way in c.ways for t in _way_terms(way)}
    most |= {s: EXACT_HOLDERS + 1 for ways in sources.values() for way in ways for s in way}
    counted = _counted(connection, most)
    absent = frozenset(value for (kind, value), n in counted.items() if kind == "term" and not n)
    if all(counted[s] < most[s] for s in most) and sum(counted.values()) <= SCAN_ROWS:
        return None, True, absent  # reading every row of the query costs less than seeking candidates'

    def rarest(way):
        return min(way, key=lambda s: (counted[s], s))

    holding = {c: sum(counted[rarest(way)] for way in sources[c]) for c in needed}
    taken, weight = [], 0
    for concept in sorted(needed, key=lambda c: (holding[c], needed.index(c))):
        taken.append(concept)
        weight += len(concept.typed)
        if weight > missable:
            break
    first = sorted({rarest(way) for c in taken for way in sources[c]})
    holders = sum(holding[c] for c in taken)
    looked_up = len(_all_terms(found) - absent) + sum(1 for c in found if c.prefix)
    if holders <= CANDIDATES or holders <= EXACT_HOLDERS and holders * looked_up <= SEEKS:
        ids, _ = _holders(connection, first)
        return sorted(ids), True, absent
    try:
        best = _likeliest(articles, found, counted, CANDIDATES)
    except EmptyResultSet:
        return [], True, absent
    if len(best) == CANDIDATES:
        return best, False, absent
    more, every = _holders(connection, first, newest=CANDIDATES)
    rest = sorted(more - set(best), reverse=True)
    # Every article holding the rarest things read, and all of them kept: every match is a candidate.
    return best + rest[: CANDIDATES - len(best)], every and len(rest) <= CANDIDATES - len(best), absent


def search_results(articles, query: str, offset: int, limit: int) -> Results:
    """One page of the search: the readable articles holding (nearly) every needed thing of the query,
    best first (with no query, all of them by kind and title).

    The ranking statement runs on the candidates alone (_candidates) and selects only the ids, with the
    number of matches riding on each as COUNT(*) OVER (); the page's articles are then read by id, which
    costs what any page of 20 costs."""
    found = concepts(query)
    complete = True
    if found:
        candidates, complete, absent = _candidates(articles, found)
        keys = _ranked(articles, found, offset, limit, candidates=candidates, absent=absent)
    else:
        ranked = articles.order_by("kind", "title").annotate(matches=Window(Count("pk")))
        keys = list(ranked.values_list("pk", "matches")[offset : offset + limit])
    if not keys:
        return Results(0 if offset == 0 else None, [], complete)
    by_pk = Article.objects.defer("search_text").in_bulk([pk for pk, _ in keys])
    return Results(keys[0][1], [by_pk[pk] for pk, _ in keys], complete)


def search(articles, query: str) -> list[Article]:
    """Every readable article holding (nearly) every needed thing of the query, best first (with no query,
    all of them by kind and title). Reads every index row of the query's terms: a query of common words
    costs as many rows as articles hold them. Pages use search_results, which ranks no more than
    CANDIDATES; for a query with a rare word both give the same articles in the same order."""
    found = concepts(query)
    if not found:
        return list(articles.defer("search_text").order_by("kind", "title"))
    ids = [pk for pk, _ in _ranked(articles, found)]
    by_pk = Article.objects.defer("search_text").in_bulk(ids)
    return [by_pk[pk] for pk in ids]


def search_page(articles, query: str, offset: int, limit: int) -> tuple[int | None, list[Article]]:
    """(how many to page through, the page's articles, with their services): search_results without saying
    whether it is all, for the API."""
    results = search_results(articles, query, offset, limit)
    prefetch_related_objects(results.articles, "services")
    return results.total, results.articles


def search_count(articles, query: str) -> int:
    """How many there are to page through (what search_results carries on its rows, for a page past the
    end)."""
    if not concepts(query):
        return articles.count()
    return search_results(articles, query, 0, 1).total or 0


# --- the front page -----------------------------------------------------------------------------------------


def count_by_kind(articles) -> dict[str, int]:
    """{kind: how many of the articles}, counted in the index handbook_article_listing (no article's row
    is read)."""
    return dict(articles.order_by().values_list("kind").annotate(n=Count("pk")))


def services_counted(articles) -> list[DigitalService]:
    """The digital services the articles are about, in the catalogue's order, each with `count`: how many
    of the articles are about it."""
    through = Article.services.through
    counts = dict(
        through.objects.filter(article__in=articles.order_by().values("pk"))
        .order_by()
        .values_list("digitalservice_id")
        .annotate(n=Count("article_id"))
    )
    services = list(DigitalService.objects.filter(pk__in=counts))
    for service in services:
        service.count = counts[service.pk]
    return services


# --- the phone's offline copy -------------------------------------------------------------------------------

OFFLINE_GUIDES = 20  # guides of the member's services a phone keeps without being asked
SAVED_MAX = 30  # articles a member may save to read offline; saving one more lets the oldest saved go


def offline_articles(user) -> list[Article]:
    """What the user's phone keeps for reading without signal: the articles they saved (the newest
    SAVED_MAX), then at most OFFLINE_GUIDES guides of the services their teams work on (catalogue.worked_on,
    answered by activities), taken in turns from
    each service, the most worked on first, so that each has its best guides on the phone. The handbook
    counts no reads: within a service, the guides checked most recently come first (then by title).
    Nothing for someone not signed in (a citizen's browser keeps nothing). Step images come prefetched
    (only the steps that have one)."""
    if not user.is_authenticated:
        return []
    readable = scope.articles_for(user)
    saved = list(
        SavedArticle.objects.filter(user=user, article__in=readable)
        .order_by("-saved_at", "-pk")
        .values_list("article_id", flat=True)[:SAVED_MAX]
    )
    services = worked_on.services_worked_on(user)
    rank = {pk: n for n, pk in enumerate(services)}
    turns = (
        Article.services.through.objects.filter(
            digitalservice_id__in=services, article__in=readable.filter(kind=ArticleKind.GUIDE)
        )
        .annotate(
            turn=Window(
                RowNumber(),
                partition_by=[F("digitalservice_id")],
                order_by=[
                    F("article__last_checked").desc(),
                    F("article__title").asc(),
                    F("article_id").asc(),
                ],
            )
        )
        .filter(turn__lte=OFFLINE_GUIDES)
        .values_list("article_id", "digitalservice_id", "turn")
    )
    guides: dict[int, None] = {}
    for article_id, _service, _turn in sorted(turns, key=lambda row: (row[2], rank[row[1]])):
        guides[article_id] = None
        if len(guides) == OFFLINE_GUIDES:
            break
    ids = list(dict.fromkeys([*saved, *guides]))
    with_images = Step.objects.exclude(image="").only("article_id", "number", "image")
    by_pk = Article.objects.defer("search_text").prefetch_related(Prefetch("steps", with_images)).in_bulk(ids)
    return [by_pk[pk] for pk in ids]
