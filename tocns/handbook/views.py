import hashlib
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.catalogue.models import DigitalService
from tocns.core.images import PhotoError
from tocns.core.qr import qr_svg
from tocns.core.queries import counted_page

from . import scope, selectors, services
from .forms import ArticleForm, StepImageForm
from .models import Article, ArticleKind, ArticleStatus, SavedArticle, Step


def _readable(request, slug):
    """(article, can_edit), sending a citizen who opened a members' article to the sign-in page."""
    try:
        return scope.article_for(request.user, slug)
    except PermissionDenied:
        if not request.user.is_authenticated:
            raise _LoginNeeded from None
        raise


class _LoginNeeded(Exception):
    pass


def _with_login(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _LoginNeeded:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# Beyond any page there is: a larger ?trang= shows the last page, as a smaller past-the-end one does (a
# page of 10^23 made an OFFSET the database could not hold: a 500 for anyone, signed in or not).
LAST_PAGE_ASKED = 100_000


def _page_number(text: str | None) -> int:
    try:
        return min(max(1, int(text or "")), LAST_PAGE_ASKED)
    except ValueError:
        return 1


PAGE_SIZE = 20  # articles on a page of the handbook's lists and of search results
ALERTS_SHOWN = 5  # the newest scam alerts at the top of the front page
DRAFTS_SHOWN = 5  # an editor's most recently changed drafts on the front page


def _paged(queryset, number: int, total: int | None = None):
    """A page of `queryset` (ordered) as counted_page gives it, counting once (or not at all if the total
    is known already)."""
    known = {"total": total}

    def rows_of(offset, limit):
        if known["total"] is None:
            known["total"] = queryset.count()
        if offset and offset >= known["total"]:
            return None, []
        return known["total"], list(queryset[offset : offset + limit])

    return counted_page(rows_of, number, PAGE_SIZE)


def index(request):
    """Search and browse; citizens see the public articles without signing in.

    The front page stays a few kilobytes whatever the number of articles: the newest scam alerts, the
    digital services and the kinds of article with how many there are of each (each a link to its own
    list), then the guides, newest first, a page at a time ("Trang sau"). ?loai=<kind>, ?dich-vu=<service>
    and, for editors, ?trang-thai=nhap list one of those, paged the same way."""
    query = request.GET.get("q", "").strip()
    articles = scope.articles_for(request.user)
    can_edit = scope.can_edit_handbook(request.user)
    number = _page_number(request.GET.get("trang"))
    context = {"query": query, "can_edit": can_edit}
    if query:
        complete = []

        def rows_of(offset, limit):
            results = selectors.search_results(articles, query, offset, limit)
            complete.append(results.complete)
            return results.total, results.articles

        context["page"] = counted_page(rows_of, number, PAGE_SIZE)
        context["complete"] = complete[-1]
        context["extra"] = urlencode({"q": query})
        return render(request, "handbook/index.html", context)

    kinds = selectors.count_by_kind(articles)
    kind = request.GET.get("loai", "")
    service = request.GET.get("dich-vu", "")
    if can_edit and request.GET.get("trang-thai") == "nhap":
        drafts = Article.objects.exclude(status=ArticleStatus.PUBLISHED).defer("search_text")
        context["listing"] = _("Bản nháp")
        context["page"] = _paged(drafts.order_by("-updated_at", "-pk"), number)
        context["extra"] = urlencode({"trang-thai": "nhap"})
    elif kind in ArticleKind.values:
        context["listing"] = ArticleKind(kind).label
        listed = articles.filter(kind=kind).defer("search_text").order_by("-pk")
        context["page"] = _paged(listed, number, kinds.get(kind, 0))
        context["extra"] = urlencode({"loai": kind})
    elif service:
        chosen = get_object_or_404(DigitalService, code=service)
        context["listing"] = chosen.short_name
        listed = articles.filter(services=chosen).defer("search_text").order_by("-pk")
        context["page"] = _paged(listed, number)
        context["extra"] = urlencode({"dich-vu": service})
    else:
        guides = articles.filter(kind=ArticleKind.GUIDE).defer("search_text").order_by("-pk")
        context["page"] = _paged(guides, number, kinds.get(ArticleKind.GUIDE, 0))
        context["front"] = context["page"].number == 1
    if context.get("front"):
        context["alerts"] = list(
            articles.filter(kind=ArticleKind.SCAM_ALERT).defer("search_text").order_by("-pk")[:ALERTS_SHOWN]
        )
        context["alert_count"] = kinds.get(ArticleKind.SCAM_ALERT, 0)
        context["services"] = selectors.services_counted(articles)
        context["kinds"] = [(k.value, k.label, kinds[k.value]) for k in ArticleKind if kinds.get(k.value)]
        if can_edit:
            drafts = Article.objects.exclude(status=ArticleStatus.PUBLISHED).defer("search_text")
            context["drafts"] = list(drafts.order_by("-updated_at", "-pk")[:DRAFTS_SHOWN])
            context["draft_count"] = drafts.count()
    return render(request, "handbook/index.html", context)


@_with_login
def detail(request, slug: str):
    article, can_edit = _readable(request, slug)
    context = {
        "article": article,
        "can_edit": can_edit,
        "steps": list(article.steps.all()),
        "services": list(article.services.all()),
        "saved": (
            request.user.is_authenticated
            and SavedArticle.objects.filter(user=request.user, article=article).exists()
        ),
    }
    return render(request, "handbook/detail.html", context)


@_with_login
def handout(request, slug: str):
    """An A4 page in large type for the notice board, with a QR back to the article."""
    article, _can_edit = _readable(request, slug)
    url = request.build_absolute_uri(reverse("handbook:detail", args=[article.slug]))
    texts = [step.text for step in article.steps.all()]
    size, abridged = handout_size(article.summary, texts), False
    if float(size) < HANDOUT_READABLE:  # too long for one page in type read from a step back: the gist
        texts, abridged = [gist(text) for text in texts], True
        size = handout_size(article.summary, texts)
    context = {"article": article, "texts": texts, "abridged": abridged, "url": url, "qr": qr_svg(url)}
    return render(request, "handbook/handout.html", {**context, "size": size})


HANDOUT_FULL = 800  # characters of summary and steps that fit one A4 page in the largest type
HANDOUT_LARGEST, HANDOUT_READABLE = 17.0, 11.5  # points; below the second, the handout gives each step's gist


def handout_size(summary: str, texts: list[str]) -> str:
    """The steps' type size (pt) that keeps the handout on one A4 page: the largest for a short article,
    smaller as the text grows (the area a letter takes goes with the square of its size). Checked on
    every article of the handbook's content by printing it in Chromium (handbook/tests/test_handout_print.py)."""
    length = len(summary) + sum(len(text) + 60 for text in texts)  # 60: a step's own line and gap
    return f"{HANDOUT_LARGEST * min(1.0, (HANDOUT_FULL / max(length, 1)) ** 0.5):.1f}"


def gist(text: str, most: int = 170) -> str:
    """A step's first sentence (a question's question and the first sentence of its answer), for a long
    article's handout; the whole step is one scan of the QR away."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].startswith("Hỏi:"):
        return lines[0] + "\n" + gist(" ".join(lines[1:]), most)
    flat = " ".join(lines)
    match = re.match(r"(.{30,}?[.!?])(?:\s|$)", flat)
    first = match.group(1) if match else flat
    return first if len(first) <= most else first[: most - 1].rsplit(" ", 1)[0] + "…"


@_with_login
def step_image_file(request, slug: str, number: int):
    article, _can_edit = _readable(request, slug)
    step = get_object_or_404(Step, article=article, number=number)
    if not step.image:
        raise Http404
    response = FileResponse(step.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = ("public" if article.is_public else "private") + ", max-age=86400"
    return response


def _require_editor(request):
    if not request.user.is_authenticated:
        raise _LoginNeeded
    if not scope.can_edit_handbook(request.user):
        raise PermissionDenied


@_with_login
def edit(request, slug: str | None = None):
    _require_editor(request)
    article = get_object_or_404(Article, slug=slug) if slug else None
    initial = ArticleForm.initial_for(article) if article else {"kind": ArticleKind.GUIDE}
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = services.ArticleInput(
            slug=form.cleaned_data["slug"],
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            kind=form.cleaned_data["kind"],
            audience=form.cleaned_data["audience"],
            last_checked=form.cleaned_data["last_checked"],
            steps=form.cleaned_data["steps"],
            sources=form.cleaned_data["sources"],
            services=[s.code for s in form.cleaned_data["services"]],
        )
        publish = {"publish": True, "draft": False}.get(request.POST.get("action"))
        try:
            article = services.save_article(actor=request.user, data=data, article=article, publish=publish)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Đã lưu bài (phiên bản %(n)s).") % {"n": article.version})
            return redirect("handbook:detail", slug=article.slug)
    return render(request, "handbook/edit.html", {"form": form, "article": article})


@require_POST
@_with_login
def publish(request, slug: str):
    _require_editor(request)
    article = get_object_or_404(Article, slug=slug)
    services.set_status(actor=request.user, article=article, publish=request.POST.get("action") == "publish")
    messages.success(request, _("Đã cập nhật trạng thái bài."))
    return redirect("handbook:detail", slug=slug)


@_with_login
def step_image(request, slug: str):
    _require_editor(request)
    article = get_object_or_404(Article, slug=slug)
    form = StepImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        step = Step.objects.filter(article=article, number=form.cleaned_data["number"]).first()
        if step is None:
            form.add_error("number", _("Bài không có bước này."))
        else:
            try:
                services.set_step_image(actor=request.user, step=step, upload=form.cleaned_data["image"])
            except PhotoError as error:
                form.add_error("image", str(error))
            else:
                messages.success(request, _("Đã thêm ảnh cho bước %(n)s.") % {"n": step.number})
                return redirect("handbook:detail", slug=slug)
    return render(request, "handbook/step_image.html", {"form": form, "article": article})


@_with_login
def history(request, slug: str):
    _require_editor(request)
    article = get_object_or_404(Article, slug=slug)
    versions = article.versions.select_related("saved_by")
    return render(request, "handbook/history.html", {"article": article, "versions": versions})


@_with_login
def version(request, slug: str, number: int):
    _require_editor(request)
    article = get_object_or_404(Article, slug=slug)
    saved = get_object_or_404(article.versions.select_related("saved_by"), number=number)
    return render(request, "handbook/version.html", {"article": article, "saved": saved})


def offline_list(request):
    """What a member's phone keeps for reading without signal (selectors.offline_articles): each article's
    page, step images, title (the worker lists them when a page is not on the phone) and version, which the
    phone compares with the copy it holds to fetch again only what changed; and a version of the whole list.
    A citizen's browser keeps nothing."""
    if not request.user.is_authenticated:
        return JsonResponse({"version": "", "guides": []})
    guides, stamp = [], hashlib.sha256()
    for article in selectors.offline_articles(request.user):
        slug = article.slug
        guides.append(
            {
                "url": reverse("handbook:detail", args=[slug]),
                "title": article.title,
                "version": article.version,
                "images": [
                    reverse("handbook:step_image_file", args=[slug, s.number]) for s in article.steps.all()
                ],
            }
        )
        stamp.update(f"{slug}:{article.version}\n".encode())
    return JsonResponse({"version": stamp.hexdigest()[:12], "guides": guides})


@require_POST
@_with_login
def save_offline(request, slug: str):
    """The button "Lưu để xem khi không có mạng": the article joins the member's offline list (or leaves
    it). A member keeps at most selectors.SAVED_MAX saved: one more lets the oldest go, the message says so."""
    if not request.user.is_authenticated:
        raise _LoginNeeded
    article, _can_edit = _readable(request, slug)
    if article.status != ArticleStatus.PUBLISHED:
        raise Http404
    mine = SavedArticle.objects.filter(user=request.user)
    if request.POST.get("action") == "remove":
        mine.filter(article=article).delete()
        messages.success(request, _("Đã bỏ lưu bài này."))
        return redirect("handbook:detail", slug=slug)
    with transaction.atomic():
        SavedArticle.objects.get_or_create(user=request.user, article=article)
        dropped = list(mine.select_related("article").order_by("-saved_at", "-pk")[selectors.SAVED_MAX :])
        mine.filter(pk__in=[d.pk for d in dropped]).delete()
    message = _("Đã lưu bài để xem khi không có mạng.")
    if dropped:
        message += " " + _(
            "Điện thoại giữ tối đa %(n)s bài đã lưu, nên bài “%(title)s” lưu lâu nhất đã được bỏ lưu."
        ) % {"n": selectors.SAVED_MAX, "title": dropped[-1].article.title}
    messages.success(request, message)
    return redirect("handbook:detail", slug=slug)
