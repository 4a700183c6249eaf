"""Issue 11 point 9 in a real browser: a judge declares for all their entries of a round on one page."""
import pytest

from tests.factories import PASSWORD
from tests.judging.judging_helpers import open_round

pytestmark = pytest.mark.browser


def test_declaring_for_every_entry_on_one_page(page, make_world):
    world = make_world(judges=2, entries=2)
    open_round(world)
    first, second = sorted(world.subs, key=lambda s: s.reference)
    page.goto("/login")
    page.get_by_label("Email address").fill(world.judges[1].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/judging/{world.challenge.slug}/queue")
    page.get_by_role("link", name="Declare any conflicts for all your entries on one page").click()
    assert f"Entered by {world.creators[0].name}" in page.locator("main").inner_text()
    page.get_by_label(f"No conflict with {first.reference}").check()
    page.get_by_label(f"I have a conflict with {second.reference}").check()
    page.get_by_label(f"If you have a conflict, what is it? ({second.reference})").fill("I mentor the team.")
    page.shots(page, "declare-all")
    page.get_by_role("button", name="Record my declarations").click()
    assert "Your declarations are recorded" in page.locator("main").inner_text()
    assert "Ready to score" in page.locator("main").inner_text()
    page.shots(page, "queue-after")
