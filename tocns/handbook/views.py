import hashlib
import re

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tocns.core.images import PhotoError
from tocns.core.qr import qr_svg
from tocns.core.queries import counted_page

from . import scope, selectors, services
from .forms import ArticleForm, StepImageForm
from .models import Article, ArticleKind, ArticleStatus, Step


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


def index(request):
    """Search and browse; citizens see the public articles without signing in."""
    query = request.GET.get("q", "").strip()
    articles = scope.articles_for(request.user)
    can_edit = scope.can_edit_handbook(request.user)
    context = {"query": query, "can_edit": can_edit}
    if query:
        context["page"] = counted_page(
            lambda offset, limit: selectors.search_page(articles, query, offset, limit),
            _page_number(request.GET.get("trang")),
            20,
        )
        context["extra"] = f"q={query}"
    else:
        context["by_service"] = selectors.guides_by_service(articles.filter(kind=ArticleKind.GUIDE))
        context["alerts"] = articles.filter(kind=ArticleKind.SCAM_ALERT).order_by("-last_checked")[:5]
        context["others"] = articles.exclude(kind__in=[ArticleKind.GUIDE, ArticleKind.SCAM_ALERT]).order_by(
            "title"
        )
    if can_edit:
        context["drafts"] = Article.objects.exclude(status=ArticleStatus.PUBLISHED).order_by("-updated_at")
    return render(request, "handbook/index.html", context)


@_with_login
def detail(request, slug: str):
    article, can_edit = _readable(request, slug)
    context = {
        "article": article,
        "can_edit": can_edit,
        "steps": list(article.steps.all()),
        "services": list(article.services.all()),
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
    """What a member's phone keeps for reading without signal: every published guide tied to a service,
    with its step images. The version changes whenever one of them changes, so the phone refreshes then."""
    if not request.user.is_authenticated:
        return JsonResponse({"version": "", "urls": []})
    guides = (
        scope.articles_for(request.user)
        .filter(kind=ArticleKind.GUIDE, services__isnull=False)
        .distinct()
        .order_by("slug")
        .prefetch_related("steps")
    )
    urls, stamp = [reverse("handbook:index")], hashlib.sha256()
    for article in guides:
        urls.append(reverse("handbook:detail", args=[article.slug]))
        urls += [
            reverse("handbook:step_image_file", args=[article.slug, step.number])
            for step in article.steps.all()
            if step.image
        ]
        stamp.update(f"{article.slug}:{article.version}".encode())
    return JsonResponse({"version": stamp.hexdigest()[:12], "urls": urls})
