"""GET /api/v1/articles: the same search and the same reading rules as the handbook pages."""

import datetime

from django.urls import reverse
from ninja import Query, Router, Schema

from tocns.accounts.api_tokens import user_for_key
from tocns.core.api_errors import PUBLIC_ERRORS

from . import scope, selectors

router = Router(tags=["cẩm nang"])


class ArticleOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    kind: str
    kind_label: str
    audience: str
    services: list[str]
    last_checked: datetime.date
    url: str


class ArticlePage(Schema):
    count: int
    items: list[ArticleOut]


def _caller(request):
    """Anonymous callers are welcome here (they read the public articles); a key or a session reads more."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_key(header[7:].strip())
        if user is not None:
            return user
    return request.user


@router.get(
    "/articles",
    auth=None,
    response={200: ArticlePage, **PUBLIC_ERRORS},
    summary="Tìm bài cẩm nang (không cần đăng nhập: chỉ bài công khai)",
    openapi_extra={"security": [{}, {"ApiKeyAuth": []}, {"SessionAuth": []}]},
)
def list_articles(
    request,
    q: str = Query(
        "", max_length=200, description="từ cần tìm; không dấu cũng được, thứ tự từ không quan trọng"
    ),
    service: str | None = Query(None, max_length=30, description="mã dịch vụ số, ví dụ vneid"),
    limit: int = Query(20, ge=1, le=100),
    # Further is refused (422): an offset of 10^30 was a 500, the database cannot hold it.
    offset: int = Query(0, ge=0, le=1_000_000),
):
    articles = scope.articles_for(_caller(request))
    if service:
        articles = articles.filter(services__code=service)
    count, page = selectors.search_page(articles, q, offset, limit)
    if count is None:  # past the end: no row carried the count
        count = selectors.search_count(articles, q)
    return {
        "count": count,
        "items": [
            {
                "id": a.pk,
                "slug": a.slug,
                "title": a.title,
                "summary": a.summary,
                "kind": a.kind,
                "kind_label": str(a.get_kind_display()),
                "audience": a.audience,
                "services": [s.code for s in a.services.all()],
                "last_checked": a.last_checked,
                "url": request.build_absolute_uri(reverse("handbook:detail", args=[a.slug])),
            }
            for a in page
        ],
    }
