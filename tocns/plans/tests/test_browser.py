"""Cascading a province's plan takes seconds at real scale (166 communes): the button says so and a second
press sends nothing."""

import json
import threading
import time

import pytest

from tocns.browser import PHONE, sign_in
from tocns.conftest import PASSWORD
from tocns.plans import views
from tocns.plans.models import Plan

pytestmark = pytest.mark.browser

# Playwright waits for a pending navigation before it reads the page, so the page notes for itself what its
# button says once the form is sent (after every submit listener), and presses it a second time, impatient.
WATCH = """
document.addEventListener("submit", function () {
  setTimeout(function () {
    var form = document.querySelector("form[aria-busy=true]");
    var button = form && form.querySelector("button");
    sessionStorage.setItem("seen", JSON.stringify(button ? [button.textContent, button.className] : null));
    if (button && !sessionStorage.getItem("pressed again")) {
      sessionStorage.setItem("pressed again", "1");
      button.click();
    }
  }, 0);
});
"""


def test_the_cascade_button_shows_it_is_working_and_sends_once(
    transactional_db, live_server, tree, people, vneid_target, province_plan, browser, shoot, monkeypatch
):
    # The server holds the cascade until the test lets it go, as a province's 166 communes hold it for
    # seconds; the real cascade then runs.
    cascade, go_on, calls = views.services.cascade_to_children, threading.Event(), []

    def slow_cascade(**kwargs):
        calls.append(kwargs)
        go_on.wait(timeout=20)
        return cascade(**kwargs)

    monkeypatch.setattr(views.services, "cascade_to_children", slow_cascade)
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server.url, "canbo.tinh", PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/{province_plan.pk}/")
    page.add_script_tag(content=WATCH)
    screen = context.new_cdp_session(page)  # a screenshot that does not wait for the navigation
    page.get_by_role("button", name="Giao xuống kế hoạch cấp xã").click(no_wait_after=True)
    waited = 0.0
    while not calls and waited < 10:
        time.sleep(0.05)
        waited += 0.05
    time.sleep(0.5)  # time for the second press to reach the server, were it sent
    assert len(calls) == 1, "a second press sent the form again"
    shot = screen.send("Page.captureScreenshot", {"format": "png"})
    shoot.save(shot["data"], "plan-cascade-busy-phone")

    go_on.set()
    page.wait_for_selector("text=Đã giao xuống 2 kế hoạch cấp xã.")
    assert len(calls) == 1
    assert Plan.objects.filter(parent=province_plan).count() == 2
    text, classes = json.loads(page.evaluate("sessionStorage.getItem('seen')"))
    assert text == "Đang giao xuống các xã…"
    assert "busy" in classes.split()
    assert page.evaluate("sessionStorage.getItem('pressed again')") == "1"
    # The plan page after the cascade: its button ready again.
    assert page.locator("form[aria-busy=true]").count() == 0
    assert page.get_by_role("button", name="Giao xuống kế hoạch cấp xã").is_enabled()
    context.close()
