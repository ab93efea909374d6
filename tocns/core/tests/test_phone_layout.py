"""The pages older members and citizens use, at 360×740 in Chromium: the whole menu in sight, text at least
16 px (chart labels 12 px), every control and every link that is not part of a sentence at least 44 px high,
and axe-core (from the npm registry, run in the page) finding no serious or critical violation."""

import os
from pathlib import Path

import pytest

from tocns.browser import PHONE, sign_in
from tocns.conftest import PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"

# What a person reads or presses, measured as Chromium lays the page out. A link inside a sentence (its
# block holds other words) is exempt from the height, as WCAG 2.5.8 exempts inline links.
MEASURE = """() => {
  const seen = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const small = [], low = [], cut = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || !seen(el) || el.closest('script,style,noscript')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (el.closest('svg')) {
      const h = el.getBoundingClientRect().height;  // rendered size of chart text
      if (h < 12) small.push(`${text.slice(0, 30)} (biểu đồ ${h.toFixed(1)}px)`);
    } else if (size < 16) small.push(`${text.slice(0, 30)} (${size}px)`);
  }
  const block = el => el.parentElement.closest('p,li,td,th,dd,div,span.muted');
  for (const el of document.querySelectorAll('a[href],button,input:not([type=hidden]),select,textarea,summary')) {
    if (!seen(el)) continue;
    const h = el.getBoundingClientRect().height;
    if (el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type)) {
      const label = el.closest('label');
      if ((label ? label.getBoundingClientRect().height : h) < 44) low.push(`ô chọn ${el.name} ${h}px`);
      if (h < 24) low.push(`ô chọn ${el.name} nhỏ ${h}px`);
      continue;
    }
    if (el.tagName === 'A') {
      const around = block(el);
      if (around && around.textContent.replace(/\\s+/g, '').length > el.textContent.replace(/\\s+/g, '').length) continue;
    }
    if (h < 44) low.push(`${el.tagName.toLowerCase()} “${(el.textContent || el.value || el.name || '').trim().slice(0, 30)}” ${h.toFixed(0)}px`);
  }
  for (const a of document.querySelectorAll('header.top nav a')) {
    const r = a.getBoundingClientRect();
    if (r.right > window.innerWidth + 0.5 || r.left < -0.5) cut.push(a.textContent.trim());
  }
  return {small, low, cut};
}"""


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        if os.environ.get("TOCNS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"axe-core is required here but missing ({AXE}): run `make test`, which installs it")
        pytest.skip("axe-core is not installed (make test installs it with npm)")
    return AXE.read_text(encoding="utf-8")


def check(page, axe_source: str, where: str) -> list[str]:
    found = page.evaluate(MEASURE)
    problems = [f"{where}: chữ nhỏ: {x}" for x in found["small"]]
    problems += [f"{where}: thấp dưới 44px: {x}" for x in found["low"]]
    problems += [f"{where}: menu bị che: {x}" for x in found["cut"]]
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))"
    )
    problems += [f"{where}: axe: {x}" for x in result]
    return problems


def test_pages_for_older_eyes_at_360(
    transactional_db, live_server, tree, people, rosters, browser, axe_source, shoot
):
    from tocns.core.tests.test_url_walk import Places

    places = Places(tree, rosters, people)
    base = live_server.url
    problems = []

    citizen = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = citizen.new_page()
    for name, url in [
        ("đăng nhập", "/dang-nhap/"),
        ("cẩm nang", "/cam-nang/"),
        ("hướng dẫn công khai", "/cam-nang/cong-khai/"),
        ("xác minh thẻ", f"/xac-minh/{places.card_token}"),
    ]:
        page.goto(base + url)
        problems += check(page, axe_source, name)
    shoot(page, "xac-minh-phone")
    citizen.close()

    for user, pages in [
        (
            "0912345679",  # a member
            [
                ("trang chủ", "/"),
                ("báo cáo", "/bao-cao/"),
                ("tổ", f"/to/{places.team.pk}/"),
                ("kiểm tra", "/tap-huan/khoa/an-toan/kiem-tra/"),
            ],
        ),
        (
            "0900000003",  # a commune officer
            [
                ("trang chủ cán bộ", "/"),
                ("cần theo dõi", f"/don-vi/{tree.phuong_lao_cai.code}/can-theo-doi/"),
                ("số liệu", f"/don-vi/{tree.phuong_lao_cai.code}/so-lieu/"),
                ("nhật ký", "/nhat-ky/"),
            ],
        ),
    ]:
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        sign_in(page, base, user, PASSWORD)
        for name, url in pages:
            page.goto(base + url)
            problems += check(page, axe_source, name)
            shoot(page, f"{name}-phone")
        context.close()
    assert not problems, "\n".join(problems)
