import datetime

import pytest

from tocns.handbook.services import ArticleInput, save_article


@pytest.fixture
def write_article(db):
    """Save an article through the service editors use; published unless told otherwise."""

    def write(
        slug, title, *, steps=None, audience="public", kind="guide", publish=True, services=(), summary=None
    ):
        data = ArticleInput(
            slug=slug,
            title=title,
            summary=summary or f"Tóm tắt: {title}",
            kind=kind,
            audience=audience,
            last_checked=datetime.date(2026, 11, 20),
            steps=steps or [f"Bước đầu của {title}", "Bước tiếp theo"],
            sources=[{"title": "Cổng Dịch vụ công quốc gia", "url": "https://dichvucong.gov.vn"}],
            services=list(services),
        )
        return save_article(actor=None, data=data, publish=publish)

    return write
