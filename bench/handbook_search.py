"""How long the handbook search page waits on the database with 5,000 published articles, against the floor.

The handbook's search box (``tocns/handbook/views.py:index`` with ``?q=``) runs, for one page of results:
``articles_for(user)`` (the published articles the reader may see) and ``counted_page`` over
``selectors.search_page(articles, query, offset, 20)``: one statement ranks the matching ids (each query
word, its synonyms and the pairs of neighbouring words looked up in the ``ArticleTerm`` index; an article
may miss one word in three; ranked by words held, words in order, words in the title, title length, title,
id: see docs/architecture.md, Handbook) with the number of matches riding on each row as
``COUNT(*) OVER ()`` for "N bài khớp", then the 20 articles of the page by id, then the prefetch of their
services (skipped when the page is empty). This script runs exactly that, in this process, and times it;
template rendering, the session and the sign-in are not part of it (the reader's roles are loaded once
beforehand, as they are once per request).

Everything is thrown away afterwards: a temp ``TOCNS_VAR_DIR`` with a new SQLite database (or, with
``--database-url``, a database ``tocns_bench_<random>`` created on that PostgreSQL server and dropped at
the end), ``migrate`` (which seeds the 10 digital services), the 12 real articles of
``tocns/handbook/content`` through ``load_content()``, and ``--articles`` synthetic published articles
(plus 1 in 100 as many drafts) written with ``bulk_create``: Vietnamese titles, summaries and 3-8 steps
composed from phrase lists about VNeID, dịch vụ công, VssID, sổ sức khỏe, thanh toán QR, lừa đảo, Zalo...
(about 1-2 KB of text each), mostly for everyone and about 1 in 7 for members only, tied to one or two
digital services. ``title_folded`` and ``search_text`` are filled with the app's own ``fold`` and
``handbook.services.search_text``, so the rows are what ``save_article`` would store; steps and the
article-service rows are bulk-created too (synthetic articles get no version history: search never reads
it). On PostgreSQL the tables are VACUUMed and ANALYZEd after loading, as autovacuum soon would after a
bulk load (the vacuum sets the visibility map, without which index-only scans still visit the table); on SQLite nothing
is run (the app never runs ANALYZE there either).

Measured for two readers - an anonymous citizen (public articles only) and a team member (a user with the
TEAM_MEMBER role on a village: members' articles too) - each series 10 warm-ups, then ``--runs`` rounds in
which every series runs once, in a new random order each round (so a burst of other load on the machine
falls on all series alike); ``time.perf_counter()`` around building the queryset and getting the page
(count + 20 rows + their services); percentiles by the nearest-rank method:

a. floor     - a page of 20 readable articles by primary key with the same prefetch, and their count
               (the Paginator's COUNT and slice), no search: the least the page can cost;
b. search    - ``selectors.search_page`` exactly as the page runs it, for each query: "kich hoat dinh danh",
               "lua dao", "thanh toan qr an toan", "vneid", "dich vu cong truc tuyen nop ho so", a rare
               word ("homestay", in about 1 in 400 articles), a query matching nothing ("tien ao bitcoin")
               and "a" (matches nearly every article);
c. like only - what search did before the word index: one ``search_text LIKE '%word%'`` filter per
               word, unranked, ordered by primary key, counted and paged as the floor is (substrings, so
               it matches a few more articles than (b)).

The table shows matches, the number of SQL statements one page makes, p50/p95/max in ms, p95 over the
reader's floor p95, and "exec" - the median share of the time spent inside ``cursor.execute`` (timed with
``connection.execute_wrapper``; on SQLite the remaining rows are fetched outside it, which for these
queries is little). With ``--explain`` (and always when the goal is missed) the statements of the slowest
search series are shown with their median times and their plans: ``EXPLAIN QUERY PLAN`` on SQLite,
``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL.

Results are checked against the rows themselves: for every query and reader the number of matches must be
the number of readable articles whose ``search_text`` holds every folded query word as a word (punctuation
aside; the last word may be the start of one), every result must hold them, the page's ranking keys must be
the best 20 computed in Python, the page the view shows (``search_page``) must be the first 20 results of
``selectors.search`` with their number, an anonymous reader must never get a
members' article or a draft, and for "kich hoat dinh danh" the real article ``kich-hoat-vneid-muc-2`` must
be among the results.

Goal: the p95 of every search series under 30 ms on this machine. Exit status 1 when the goal is missed,
2 when results are wrong (checked before the goal).

Run from the project root:

    .venv/bin/python bench/handbook_search.py
    .venv/bin/python bench/handbook_search.py --articles 20000 --runs 100 --explain
    .venv/bin/python bench/handbook_search.py --json var/handbook_search.json
    .venv/bin/python bench/handbook_search.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._handbook_topics import (  # noqa: E402  (bench runs as a script)
    GENERIC,
    PLACES,
    QUALIFIERS,
    RARE_SENTENCE,
    SUMMARY_OPENINGS,
    TOPICS,
)
from bench._support import throwaway_instance  # noqa: E402  (bench runs as a script)

GOAL_MS = 30.0
PAGE_SIZE = 20  # what views.index gives the Paginator
WARM_UPS = 10
CHECKED_QUERY = "kich hoat dinh danh"
CHECKED_SLUG = "kich-hoat-vneid-muc-2"
RARE_WORD = "homestay"
QUERIES = [
    CHECKED_QUERY,
    "lua dao",
    "thanh toan qr an toan",
    "vneid",
    "dich vu cong truc tuyen nop ho so",
    RARE_WORD,
    "tien ao bitcoin",
    "a",
]


# --- data -------------------------------------------------------------------------------------------------


def make_articles(count: int, drafts: int, rng: random.Random) -> tuple[int, int]:
    """`count` published and `drafts` draft synthetic articles, with their steps and services, in bulk.

    Returns (rows written, characters of search_text in all)."""
    from tocns.catalogue.models import DigitalService
    from tocns.core.text import fold
    from tocns.handbook.models import Article, ArticleKind, ArticleStatus, Audience, Step
    from tocns.handbook.services import search_text

    services = {s.code: s for s in DigitalService.objects.all()}
    keys = list(TOPICS)
    weights = [TOPICS[k].weight for k in keys]
    articles, plans = [], []
    for number in range(count + drafts):
        topic = TOPICS[rng.choices(keys, weights)[0]]
        second = TOPICS[rng.choices(keys, weights)[0]] if rng.random() < 0.3 else None
        codes = set(topic.services) | (set(second.services) if second else set())
        chosen = sorted((services[c] for c in codes), key=lambda s: (s.sort_order, s.code))  # as save_article
        title = rng.choice(topic.titles) + rng.choice(QUALIFIERS)
        if rng.random() < 0.25:
            title += f" ({rng.choice(PLACES)})"
        pool = topic.sentences + (second.sentences if second else []) + GENERIC
        summary = rng.choice(SUMMARY_OPENINGS) + " ".join(rng.sample(topic.sentences, 2))
        steps = [" ".join(rng.sample(pool, rng.choice((2, 2, 3)))) for _ in range(rng.randint(3, 8))]
        if rng.random() < 1 / 400:
            steps[rng.randrange(len(steps))] += " " + RARE_SENTENCE
        if "online_safety" in topic.services:
            kind = ArticleKind.SCAM_ALERT if rng.random() < 0.5 else ArticleKind.GUIDE
        else:
            kind = rng.choices(
                [ArticleKind.GUIDE, ArticleKind.QA, ArticleKind.HANDOUT, ArticleKind.SCAM_ALERT],
                [75, 15, 8, 2],
            )[0]
        article = Article(
            slug=f"bai-mau-{number:05d}",
            kind=kind,
            title=title,
            summary=summary[:500],
            audience=Audience.MEMBERS if rng.random() < 0.15 else Audience.PUBLIC,
            sources=[{"title": "Cổng Dịch vụ công quốc gia", "url": "https://dichvucong.gov.vn"}],
            last_checked=datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(700)),
            status=ArticleStatus.PUBLISHED if number < count else ArticleStatus.DRAFT,
            version=1,
        )
        article.title_folded = fold(article.title)
        article.search_text = search_text(
            article, steps, [s.short_name for s in chosen] + [s.name for s in chosen]
        )
        articles.append(article)
        plans.append((steps, chosen))
    Article.objects.bulk_create(articles, batch_size=500)
    ids = dict(Article.objects.filter(slug__startswith="bai-mau-").values_list("slug", "id"))
    through = Article.services.through
    step_rows, service_rows = [], []
    for article, (steps, chosen) in zip(articles, plans, strict=True):
        pk = ids[article.slug]
        step_rows += [Step(article_id=pk, number=n, text=text) for n, text in enumerate(steps, start=1)]
        service_rows += [through(article_id=pk, digitalservice_id=s.pk) for s in chosen]
    Step.objects.bulk_create(step_rows, batch_size=1000)
    through.objects.bulk_create(service_rows, batch_size=1000)
    # The search index save_article keeps, built with the same function.
    from tocns.handbook.models import ArticleTerm
    from tocns.handbook.services import terms_of

    ArticleTerm.objects.bulk_create(
        (
            ArticleTerm(article_id=ids[a.slug], term=w, in_title=t)
            for a in articles
            for w, t in terms_of(a.title_folded, a.search_text)
        ),
        batch_size=5000,
    )
    return len(articles), sum(len(a.search_text) for a in articles)


def make_member():
    """A team member: a user with the TEAM_MEMBER role on a village, through the account services."""
    from tocns.accounts.models import Role
    from tocns.accounts.services import create_user, grant_role
    from tocns.units.models import UnitKind
    from tocns.units.services import new_unit

    province = new_unit(code="15", name="Lào Cai", kind=UnitKind.PROVINCE, parent=None, division_type="tỉnh")
    province.save()
    commune = new_unit(
        code="02647", name="Xã Bản Xèo", kind=UnitKind.COMMUNE, parent=province, division_type="xã"
    )
    commune.save()
    village = new_unit(
        code="02647-001", name="Thôn Na Lang", kind=UnitKind.VILLAGE, parent=commune, division_type="thôn"
    )
    village.save()
    member = create_user(actor=None, username="bench.thanhvien", password=None, full_name="Giàng A Bench")
    grant_role(actor=None, user=member, role=Role.TEAM_MEMBER, unit=village)
    return member


# --- measuring --------------------------------------------------------------------------------------------


class ExecTimer:
    """A ``connection.execute_wrapper``: every statement with its params and its time in cursor.execute."""

    def __init__(self):
        self.statements: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, time.perf_counter() - start))


@dataclass
class Series:
    what: str  # floor, search, like only
    query: str
    reader: str
    matches: int = 0
    statements: int = 0
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    max_ms: float = math.nan
    exec_share: float = math.nan
    statement_ms: list[float] = field(default_factory=list)  # median per statement, in page order
    last_statements: list[tuple[str, object]] = field(default_factory=list)


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def floor_page(results):
    """The least a page of 20 with its count can cost: the Paginator's COUNT, then the first 20 rows with
    their services."""
    from django.core.paginator import Paginator

    page = Paginator(results, PAGE_SIZE).get_page(None)
    rows = list(page)
    for article in rows:
        list(article.services.all())
    return page.paginator.count, rows


def search_page(articles, query):
    """What views.index does for ``?q=``: ``selectors.search_page`` through ``counted_page`` - the ranked
    ids of the first page with the number of matches riding on them (one statement), then those 20
    articles by id with their services (the template does not show the services; reading the prefetch
    cache costs no query)."""
    from tocns.core.queries import counted_page
    from tocns.handbook.selectors import search_page as page_of

    page = counted_page(lambda offset, limit: page_of(articles, query, offset, limit), None, PAGE_SIZE)
    rows = list(page)
    for article in rows:
        list(article.services.all())
    return page.paginator.count, rows


def measure(jobs: list, runs: int, timer: ExecTimer, rng: random.Random) -> None:
    """Every (series, page) of `jobs` warmed up, then `runs` rounds, each running every job once in a new
    random order: a burst of other load on the machine falls on all series alike. page() builds the
    queryset and gets the page: (count, rows)."""
    for _series, page in jobs:
        for _ in range(WARM_UPS):
            page()
    taken: dict[int, tuple[list, list, list]] = {id(series): ([], [], []) for series, _ in jobs}
    order = list(jobs)
    for _ in range(runs):
        rng.shuffle(order)
        for series, page in order:
            latencies, shares, per_statement = taken[id(series)]
            timer.statements.clear()
            start = time.perf_counter()
            count, _rows = page()
            elapsed = time.perf_counter() - start
            latencies.append(elapsed)
            shares.append(sum(s[2] for s in timer.statements) / elapsed)
            per_statement.append([s[2] for s in timer.statements])
            series.matches = count
            series.statements = len(timer.statements)
            series.last_statements = [(sql, params) for sql, params, _ in timer.statements]
    for series, _ in jobs:
        latencies, shares, per_statement = taken[id(series)]
        latencies.sort()
        series.p50_ms = percentile(latencies, 50) * 1000
        series.p95_ms = percentile(latencies, 95) * 1000
        series.max_ms = latencies[-1] * 1000
        series.exec_share = statistics.median(shares)
        series.statement_ms = [
            statistics.median(run[i] for run in per_statement if len(run) > i) * 1000
            for i in range(series.statements)
        ]


def explain(series: Series) -> None:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    print(
        f"\nslowest search: “{series.query}” for the {series.reader}, p95 {series.p95_ms:.1f} ms; its statements:"
    )
    for (sql, params), ms in zip(series.last_statements, series.statement_ms, strict=True):
        shown = sql if len(sql) <= 600 else sql[:600] + " …"
        print(f"\n  [{ms:.2f} ms median in cursor.execute] {shown}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            for row in cursor.fetchall():
                print("    " + (row[-1] if connection.vendor == "sqlite" else row[0]))


# --- checking ---------------------------------------------------------------------------------------------


def check(readers: dict, problems: list[str], ranks: dict) -> None:
    """Every query's results against the rows themselves (see the module docstring)."""
    from tocns.core.text import search_words
    from tocns.handbook.models import Article, ArticleStatus, Audience
    from tocns.handbook.scope import articles_for
    from tocns.handbook.selectors import search

    rows = list(
        Article.objects.values_list("slug", "title", "title_folded", "search_text", "audience", "status")
    )
    for reader, user in readers.items():
        members = reader != "citizen"
        readable = [
            r for r in rows if r[5] == ArticleStatus.PUBLISHED and (members or r[4] == Audience.PUBLIC)
        ]
        for query in QUERIES:
            words = search_words(query)[:8]

            def holds(text: str, words=words) -> bool:
                # Whole words, punctuation aside; the last query word may be the start of one (someone
                # still typing).
                present = set(re.findall(r"\w+", text))
                *whole, last = words
                return all(w in present for w in whole) and any(t.startswith(last) for t in present)

            expected = {r[0] for r in readable if holds(r[3])}
            results = search(articles_for(user), query)
            texts = dict(Article.objects.values_list("slug", "search_text"))
            got = [(a.slug, texts[a.slug], a.audience, a.status, a.title_folded, a.title) for a in results]
            label = f"“{query}” for the {reader}"
            # Since issue 21 a query may miss one word in three, and synonyms count: every article holding
            # every word is found, and ranks before every article that misses one.
            lost = expected - {g[0] for g in got}
            if lost:
                problems.append(f"{label}: {len(lost)} articles hold every word but are not found")
            whole = [g[0] in expected for g in got]
            if whole != sorted(whole, reverse=True):
                problems.append(f"{label}: an article missing a word ranks before one holding them all")
            hidden = [
                g[0]
                for g in got
                if g[3] != ArticleStatus.PUBLISHED or (not members and g[2] != Audience.PUBLIC)
            ]
            if hidden:
                problems.append(f"{label}: {len(hidden)} drafts or members' articles, e.g. {hidden[0]}")
            count, page = search_page(articles_for(user), query)
            if count != len(got) or [a.slug for a in page] != [g[0] for g in got[:PAGE_SIZE]]:
                problems.append(f"{label}: the page the view shows is not the first {PAGE_SIZE} results")
            if query == CHECKED_QUERY:
                slugs = [g[0] for g in got]
                if CHECKED_SLUG in slugs:
                    ranks[reader] = slugs.index(CHECKED_SLUG) + 1
                else:
                    problems.append(f"{label}: {CHECKED_SLUG} is not among the {len(got)} results")


# --- the run ----------------------------------------------------------------------------------------------


def run(args) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection

    from tocns.accounts.selectors import active_roles
    from tocns.core.text import search_words
    from tocns.handbook.content import load_content
    from tocns.handbook.models import Article, ArticleStatus, Audience
    from tocns.handbook.scope import articles_for

    rng = random.Random(args.seed)
    vendor = connection.vendor
    print(
        f"tocns handbook search benchmark: {args.articles} published articles, database {vendor}", flush=True
    )
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPU(s), {platform.machine()} {platform.system()}"
        f"{', DEBUG on' if settings.DEBUG else ''}",
        flush=True,
    )
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - start
    start = time.perf_counter()
    real = load_content()
    member = make_member()
    written, text_chars = make_articles(args.articles, args.articles // 100, rng)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    load_s = time.perf_counter() - start
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    print(
        f"setup: migrate {migrate_s:.1f} s; {real['created']} real articles + {written} synthetic "
        f"({args.articles // 100} drafts) in {load_s:.1f} s; {published.count()} published, "
        f"{published.filter(audience=Audience.PUBLIC).count()} of them public; "
        f"search_text {text_chars / written / 1000:.2f} KB a synthetic article on average",
        flush=True,
    )

    readers = {"citizen": AnonymousUser(), "team member": member}
    active_roles(member)  # loaded once, as once per request

    problems: list[str] = []
    ranks: dict = {}
    check(readers, problems, ranks)

    def floor_of(user):
        return lambda: floor_page(articles_for(user).order_by("pk").prefetch_related("services"))

    def search_of(user, query):
        return lambda: search_page(articles_for(user), query)

    def like_of(user, query):
        def page():
            articles = articles_for(user)
            for word in search_words(query)[:8]:
                articles = articles.filter(search_text__contains=word)
            return floor_page(articles.order_by("pk").prefetch_related("services"))

        return page

    timer = ExecTimer()
    floors: dict[str, Series] = {}
    header = (
        f"{'what':<10} {'query':<36} {'reader':<12} {'matches':>7} {'SQL':>3} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'max ms':>7} {'p95/floor':>9} {'exec':>5}"
    )

    def line(series: Series) -> None:
        ratio = series.p95_ms / floors[series.reader].p95_ms
        print(
            f"{series.what:<10} {series.query:<36} {series.reader:<12} {series.matches:>7} {series.statements:>3} "
            f"{series.p50_ms:>7.2f} {series.p95_ms:>7.2f} {series.max_ms:>7.2f} {ratio:>9.1f} "
            f"{series.exec_share:>5.0%}",
            flush=True,
        )

    jobs = []
    for reader, user in readers.items():
        floors[reader] = Series("floor", "(20 by id, no search)", reader)
        jobs.append((floors[reader], floor_of(user)))
    for query in QUERIES:
        for reader, user in readers.items():
            jobs.append((Series("search", query, reader), search_of(user, query)))
            jobs.append((Series("like only", query, reader), like_of(user, query)))
    all_series = [series for series, _ in jobs]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\nmeasuring {len(jobs)} series: {WARM_UPS} warm-ups each, then {args.runs} rounds running every "
        f"series once in random order; one page of {PAGE_SIZE}; load average before: {load}",
        flush=True,
    )
    with connection.execute_wrapper(timer):
        measure(jobs, args.runs, timer, rng)
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(header)
    for series in all_series:
        line(series)

    searches = [s for s in all_series if s.what == "search"]
    slowest = max(searches, key=lambda s: s.p95_ms)
    met = slowest.p95_ms < GOAL_MS
    print(
        f"\nslowest search p95: {slowest.p95_ms:.1f} ms (“{slowest.query}”, {slowest.reader}, "
        f"{slowest.matches} matches) - {'within' if met else 'OVER'} the {GOAL_MS:g} ms goal"
    )
    print(
        f"check: {CHECKED_SLUG} is result "
        + ", ".join(f"#{rank} for the {reader}" for reader, rank in ranks.items())
        + f" of “{CHECKED_QUERY}”"
    )
    if args.explain or not met:
        explain(slowest)

    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "database": vendor,
            "articles_published_synthetic": args.articles,
            "runs": args.runs,
            "warm_ups": WARM_UPS,
            "cpus": os.cpu_count(),
            "goal_p95_ms": GOAL_MS,
            "goal_met": met,
            "series": [
                {k: v for k, v in s.__dict__.items() if k != "last_statements"}
                | {"p95_over_floor": s.p95_ms / floors[s.reader].p95_ms}
                for s in all_series
            ],
            "checked_article_rank": ranks,
            "problems": problems,
        }
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"figures written to {path}")

    if problems:
        print("SEARCH RESULTS ARE WRONG: " + "; ".join(problems))
        return 2
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000, help="synthetic published articles")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per series (after 10 warm-ups)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--explain", action="store_true", help="show the slowest search's plans even if on goal"
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to use (a throwaway database is created on it and dropped afterwards)",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.runs < 1:
        parser.error("--articles and --runs must be positive")

    with throwaway_instance(args.database_url):
        return run(args)


if __name__ == "__main__":
    sys.exit(main())
