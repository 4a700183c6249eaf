"""Issue 11 point 10 in a real browser: a judge submits a score sheet and lands on their next entry."""
from datetime import timedelta

import pytest

from challenge import clock
from challenge.dates import format_dt
from challenge.extensions import db

from tests.factories import PASSWORD
from tests.judging.judging_helpers import open_round

pytestmark = pytest.mark.browser


def test_scoring_lands_on_the_next_entry(page, make_world):
    world = make_world(judges=2, entries=2)
    round_ = open_round(world)
    round_.closes_at = clock.now() + timedelta(days=3, minutes=5)
    db.session.commit()
    first, second = sorted(world.subs, key=lambda s: s.reference)
    page.goto("/login")
    page.get_by_label("Email address").fill(world.judges[1].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/judging/{world.challenge.slug}/queue")
    assert f"Closes in 3 days ({format_dt(round_.closes_at)})" in page.locator("main").inner_text()
    page.shots(page, "queue-deadline")
    page.get_by_role("link", name=f"Start {first.reference}").click()
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Confirm my declaration").click()
    for criterion in world.criteria:
        page.get_by_role("group", name=criterion.name).get_by_role("radio").nth(2).check()
    page.get_by_label("Comment for the entrant and the panel").fill("Clear and useful.")
    page.get_by_role("button", name="Submit scores").click()
    main = page.locator("main").inner_text()
    assert "Here is your next entry" in page.content()
    assert f"Before you open {second.reference}" in main
    page.shots(page, "next-entry")
