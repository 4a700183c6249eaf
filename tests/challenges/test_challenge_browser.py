"""A seeker drafts a challenge and a broker publishes it, in headless Chromium, with axe on each page."""
from __future__ import annotations

import pytest

from tests.challenges.challenge_helpers import local_input
from challenge.accounts.models import User
from challenge.extensions import db
from tests.factories import PASSWORD, second_factor_code

pytestmark = pytest.mark.browser


@pytest.fixture()
def live_url(live_server):
    return live_server


def no_axe_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def sign_in(browser, base: str, email: str):
    page = browser.new_context().new_page()
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    if page.url.endswith("/login/code"):  # a broker: the code from the authenticator app comes next
        page.fill("#code", second_factor_code(db.session.scalar(db.select(User.id).where(User.email == email))))
        page.click("main button[type=submit]")
    return page


def test_draft_review_publish_journey(world, live_url, browser, output_dir):
    page = sign_in(browser, live_url, world.seeker.email)
    page.goto(live_url + "/challenges/new")
    page.click("text=Save the draft")
    assert page.locator(".error-summary").is_visible()
    no_axe_violations(page)
    page.fill("#title", "Warm homes for older renters")
    page.fill("#summary", "Cold, damp rented homes make older people ill.")
    page.fill("#problem", "Many private renters over 70 live in **cold** homes.")
    page.fill("#outcomes", "Fewer cold homes")
    page.fill("#eligibility", "Anyone in the UK")
    page.select_option("#sector", "housing")
    page.fill("#opens_at", local_input(2, 9))
    page.fill("#closes_at", local_input(40))
    page.fill("#prizes-0-name", "First prize")
    page.fill("#prizes-0-amount", "20,000")
    page.fill("#prizes-0-winners", "1")
    page.click("text=Save the draft")
    assert page.locator("h1").inner_text() == "Warm homes for older renters"
    assert "£20,000" in page.locator(".prize-amount").inner_text()
    no_axe_violations(page)
    page.get_by_role("link", name="Edit the rubric").click()  # a challenge goes for review with its rubric
    page.get_by_role("textbox", name="Criterion").fill("Impact")
    page.get_by_role("spinbutton", name="Weight").or_(page.get_by_role("textbox", name="Weight")).fill("100")
    page.get_by_role("button", name="Add criterion").click()
    # Camden is a public body: social value carries at least 10 % of the weight (PPN 002).
    page.get_by_role("button", name="Add a social value criterion").click()
    page.get_by_role("link", name="Warm homes for older renters").first.click()
    page.click("text=Send for review")
    assert "Sent for review" in page.locator(".alert").first.inner_text()
    url = page.url

    broker = sign_in(browser, live_url, world.broker.email)
    broker.goto(url)
    broker.click("button:has-text('Publish')")
    # The pool is not funded yet: publishing is refused until it is, or a broker waives that with a reason.
    assert "not fully funded" in broker.content()
    broker.goto(url + "/funding")
    broker.fill("#waive-reason", "The council's purchase order is signed; payment follows next week.")
    broker.click("button:has-text('Waive full funding')")
    broker.goto(url)
    broker.click("button:has-text('Publish')")
    assert "Published" in broker.locator(".alert").first.inner_text()
    broker.screenshot(path=str(output_dir / "challenges-published.png"), full_page=True)

    visitor = browser.new_context().new_page()
    visitor.goto(live_url + "/?q=renters")
    assert visitor.locator(".card-title").all_inner_texts() == ["Warm homes for older renters"]
    no_axe_violations(visitor)
    visitor.goto(url)
    assert "Upcoming" in visitor.locator(".phase-badge").first.inner_text()
    no_axe_violations(visitor)
