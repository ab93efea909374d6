"""The certificate, its public check and a course page at 360×740 in Chromium: nothing wider than the screen,
text at least 16 px, buttons and links that stand alone at least 44 px high."""

import pytest

from tocns.browser import PHONE, fits_width, sign_in
from tocns.conftest import PASSWORD
from tocns.training.models import Certificate
from tocns.training.services import enrol, mark_attendance, save_certificate_settings, take_quiz

pytestmark = pytest.mark.browser

MEASURE = """() => {
  const seen = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const small = [], low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !seen(el) || el.closest('script,style,svg')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 16) small.push(`${node.textContent.trim().slice(0, 30)} (${size}px)`);
  }
  for (const el of document.querySelectorAll('a[href],button,input:not([type=hidden])')) {
    if (!seen(el)) continue;
    const around = el.parentElement.closest('p,li');
    if (el.tagName === 'A' && around && around.textContent.trim().length > el.textContent.trim().length) continue;
    const h = el.getBoundingClientRect().height;
    if (h < 44) low.push(`${el.tagName.toLowerCase()} “${el.textContent.trim().slice(0, 30)}” ${h.toFixed(0)}px`);
  }
  return {small, low};
}"""


def test_certificate_and_course_pages_at_360_px(
    transactional_db, live_server, tree, people, rosters, course, session, browser, shoot
):
    save_certificate_settings(
        actor=people.commune_officer,
        unit=tree.phuong_lao_cai,
        data={"issuer_name": "", "signer_title": "Phó Chủ tịch UBND phường", "signer_name": "Nguyễn Văn Ký"},
    )
    enrol(actor=people.commune_officer, session=session, members=[rosters.member])
    mark_attendance(actor=people.commune_officer, session=session, present_ids={rosters.member.pk})
    answers = {q.number: q.correct for q in course.questions.all()}
    take_quiz(actor=people.team_member, member=rosters.member, course=course, answers=answers)
    certificate = Certificate.objects.get()

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "canbo.xa", PASSWORD)
    for name, path in [
        ("training-certificate-phone", f"/tap-huan/chung-nhan/{certificate.pk}/"),
        ("training-course-phone", f"/tap-huan/khoa/{course.code}/"),
        ("training-signer-phone", f"/don-vi/{tree.phuong_lao_cai.code}/tap-huan/nguoi-ky/"),
    ]:
        page.goto(live_server.url + path)
        shoot(page, name)
        assert fits_width(page), name
        assert page.evaluate(MEASURE) == {"small": [], "low": []}, name
    page.goto(f"{live_server.url}/tap-huan/chung-nhan/{certificate.pk}/")
    sheet = page.locator("#certificate").inner_text()
    assert "CỘNG HÒA" not in sheet.upper() and "Phường Lào Cai".upper() in sheet.upper()
    assert "Nguyễn Văn Ký" in sheet and "757/QĐ-BKHCN" in sheet

    citizen_context = browser.new_context(viewport=PHONE, locale="vi-VN")
    citizen = citizen_context.new_page()
    response = citizen.goto(f"{live_server.url}/chung-nhan/{certificate.token}")
    assert response.status == 200 and fits_width(citizen)
    assert "Chứng nhận hợp lệ" in citizen.locator("#verdict").inner_text()
    shoot(citizen, "training-verify-phone")
    assert citizen.goto(f"{live_server.url}/chung-nhan/khong-co-ma-nay").status == 404
    citizen_context.close()
    context.close()
