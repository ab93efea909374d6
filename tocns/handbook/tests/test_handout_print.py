"""Every article of the handbook's own content prints as one A4 page (Chromium's print to PDF): a short one
in 17 pt, a longer one in smaller type, the longest as each step's gist with a note that the QR has it all."""

import re

import pytest

from tocns.handbook.content import load_content
from tocns.handbook.models import Article
from tocns.handbook.views import gist

pytestmark = pytest.mark.browser


def test_every_handout_is_one_a4_page(transactional_db, live_server, browser):
    load_content()
    context = browser.new_context()
    page = context.new_page()
    pages, sizes = {}, {}
    for article in Article.objects.filter(status="published").order_by("slug"):
        page.goto(f"{live_server.url}/cam-nang/{article.slug}/in/")
        sizes[article.slug] = page.evaluate("getComputedStyle(document.querySelector('.steps')).fontSize")
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        pages[article.slug] = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    context.close()
    assert len(pages) >= 14
    assert {slug: n for slug, n in pages.items() if n != 1} == {}
    # The largest type for a short article; none below 10 pt (13.3 px).
    assert all(float(size.removesuffix("px")) >= 13.3 for size in sizes.values()), sizes


def test_a_steps_gist_is_its_first_sentence():
    assert gist("Mở ứng dụng VNeID trên điện thoại. Bấm Đăng nhập, nhập số định danh.") == (
        "Mở ứng dụng VNeID trên điện thoại."
    )
    # A question keeps its question and the answer's first sentence (of at least 30 letters).
    answer = "Đáp: Không mất tiền, dịch vụ này miễn phí. Chỉ cần mang căn cước tới công an xã."
    assert gist(f"Hỏi: Có mất tiền không?\n{answer}") == (
        "Hỏi: Có mất tiền không?\nĐáp: Không mất tiền, dịch vụ này miễn phí."
    )
    assert gist("x " * 200).endswith("…") and len(gist("x " * 200)) <= 170
