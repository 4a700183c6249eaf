"""A creator enters a challenge with the keyboard alone: Tab to move, typing, Space to tick, Enter to act.
Each focused control must show a visible focus indicator (WCAG 2.4.7)."""
from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement || document.body;  // none while a page is being replaced
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {tag: el.tagName, text: (el.innerText || "").trim(), label: label.trim(),
          visible: style.outlineStyle !== "none" && style.outlineWidth !== "0px" || style.boxShadow !== "none"};
}"""


def tab_to(page, name: str, limit: int = 60) -> dict:
    """Press Tab until the focused control's text or label starts with `name`; each stop must show focus."""
    page.wait_for_load_state()  # a button pressed just before may still be loading its answer
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "BODY":
            assert focused["visible"], f"no visible focus on {focused}"
        if focused["text"].startswith(name) or focused["label"].startswith(name):
            return focused
    raise AssertionError(f"Tab never reached “{name}”")


def test_a_creator_enters_a_challenge_with_the_keyboard_alone(page, make_user, make_org, make_challenge):
    seeker = make_user(email="seeker@example.org")
    challenge = make_challenge(make_org(seeker, name="Bristol City Council"), title="Safer routes to school")
    make_user(email="keys@example.org", name="Kay Keys")

    page.goto("/login")
    tab_to(page, "Email address")
    page.keyboard.type("keys@example.org")
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You are signed in" in page.content()

    page.goto(f"/challenges/{challenge.slug}")
    tab_to(page, "Submit a solution")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).is_visible()
    page.shots(page, "keyboard-form")
    tab_to(page, "Title of your solution")
    page.keyboard.type("Walking buses with volunteer parents")
    tab_to(page, "Summary")
    page.keyboard.type("Parents walk groups of children to school on fixed routes.")
    tab_to(page, "Your solution in full")
    page.keyboard.type("Routes, rotas and training for volunteers.")
    tab_to(page, "Save draft")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Walking buses with volunteer parents" in page.get_by_role("heading", level=1).inner_text()

    tab_to(page, "I confirm that I (and my team) meet")
    page.keyboard.press("Space")
    tab_to(page, "I accept the challenge’s terms")
    page.keyboard.press("Space")
    assert page.get_by_label("I accept the challenge’s terms").is_checked()
    tab_to(page, "Submit solution")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Submitted" in page.locator("main").inner_text()
    page.shots(page, "keyboard-submitted")
