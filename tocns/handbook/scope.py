"""Who may read or write the handbook, built on the generic scope (accounts.selectors)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tocns.accounts.models import Role
from tocns.accounts.selectors import active_roles, holds, is_admin

from .models import Article, ArticleStatus, Audience


def can_edit_handbook(user) -> bool:
    """Guides are shared by the whole country: province officers and handbook editors write them."""
    return holds(user, Role.PROVINCE_OFFICER, Role.EDITOR)


def reads_member_articles(user) -> bool:
    """Anyone with a role reads what is written for members; others (citizens) read the public articles."""
    return is_admin(user) or bool(active_roles(user))


def articles_for(user):
    """The published articles a user may read."""
    articles = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    return articles if reads_member_articles(user) else articles.filter(audience=Audience.PUBLIC)


def article_for(user, slug: str):
    """(article, can_edit). Drafts exist only for editors; a members' article asks a citizen to sign in
    (the view redirects on PermissionDenied for anonymous users) and is a 404 for a signed-in citizen."""
    article = Article.objects.filter(slug=slug).first()
    can_edit = can_edit_handbook(user)
    if article is None or (article.status != ArticleStatus.PUBLISHED and not can_edit):
        raise Http404
    if article.audience != Audience.PUBLIC and not reads_member_articles(user):
        if not user.is_authenticated:
            raise PermissionDenied
        raise Http404
    return article, can_edit
