"""The judging set-up page's rounds table on a phone (390 px) and a desktop (1280 px): on a phone each round is a
small card with labelled fields, nothing scrolls sideways and its buttons are on screen; a pairwise round
shows its comparisons against the target, each judge's share and the reminder button."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import comparisons
from challenge.judging.pairwise_models import PAIRWISE
from tests.browser_support import NARROW, WIDE, check_both_widths
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_rounds_table_reads_well_on_a_phone_and_a_desktop(page, make_world):
    world = make_world(judges=3, entries=6, rounds=(
        {"name": "Screening by comparison", "strategy": PAIRWISE},
        {"name": "Final assessment with the full panel", "comments_required": True, "threshold_percent": 60}))
    assign.open_round(world.round, world.chair, clock.now())
    db.session.commit()
    for i in (0, 0, 0, 1):
        offer = comparisons.next_offer(world.round, world.members[i])
        comparisons.record(world.round, offer.token, "left", "", world.judges[i], clock.now())
        db.session.commit()
    page.goto("/login")
    page.get_by_label("Email address").fill(world.chair.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/judging/{world.challenge.slug}/")
    check_both_widths(page, "setup-rounds")
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        page.get_by_text("Each judge (fair share 3)").click()
        page.shots(page, f"setup-rounds-judges-{size['width']}")
        region = page.evaluate("() => { const r = document.querySelector('[aria-label=\"Scrollable table\"]');"
                               " return [r.scrollWidth, r.clientWidth]; }")
        assert region[0] <= region[1], f"the rounds table scrolls sideways at {size['width']} px: {region}"
        remind = page.get_by_role("button", name="Remind judges of Screening by comparison")
        box = remind.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
        assert page.get_by_text("4 of 9 comparisons aimed for").is_visible()
        assert page.get_by_text("Judge 3: 0 of 3 made, 15 pairs left").is_visible()
        page.reload()
    page.set_viewport_size(NARROW)
    label = page.evaluate("() => getComputedStyle(document.querySelector('td[data-label=\"Progress\"]'),"
                          " '::before').content")
    assert label == '"Progress"'  # on a phone each field says what it is
