"""The chair's panel view at 1280 px (issue 11 point 11): no horizontal scroll of the page, every judge's
column inside the visible table (or the compact view), each ranked entry linking to the chair's view of
it, and the CSV link a plain link labelled "Download scores (CSV)"."""
from __future__ import annotations

import pytest

from challenge.extensions import db
from tests.browser_support import axe_violations, describe
from tests.factories import PASSWORD
from tests.judging.judging_helpers import open_round, score_all

pytestmark = pytest.mark.browser

NAMES = ["Priya Raman-Whitfield", "Oluwaseun Adeyemi", "Margaret Fitzgerald", "Christopher Oduya",
         "Siobhan McLaughlin", "Alexander Kowalczyk", "Bethany Hargreaves", "Rhiannon Llewellyn"]


def _sign_in(page, user):
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_panel_view_fits_1280_px_and_links_each_entry(page, make_world):
    world = make_world(judges=8, entries=6)
    for judge, name in zip(world.judges, NAMES):
        judge.name = name
    db.session.commit()
    round_ = open_round(world)
    score_all(world, round_, lambda member, sub: (2 + sub.id % 3, 1 + member.id % 4))
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, world.chair)
    page.goto(f"/judging/{world.challenge.slug}/panel?round=1")
    page.shots(page, "panel-1280")
    assert not axe_violations(page), describe(axe_violations(page))
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= 1280 and widths[0] <= widths[1], widths
    table = page.get_by_role("table").first
    box = page.get_by_role("region", name="Panel results").bounding_box()
    scroll = page.evaluate("() => { const r = document.querySelector('[aria-label=\"Panel results\"]');"
                           " return [r.scrollWidth, r.clientWidth]; }")
    assert scroll[0] <= scroll[1], f"the results table scrolls sideways at 1280 px: {scroll}"
    for name in NAMES:  # every judge has a visible column header
        header = table.get_by_role("columnheader", name=name)
        header_box = header.bounding_box()
        assert header_box and header_box["x"] + header_box["width"] <= box["x"] + box["width"] + 1, name
    csv = page.get_by_role("link", name="Download scores (CSV)")
    assert csv.get_attribute("href").startswith(f"/judging/{world.challenge.slug}/panel.csv")
    first = world.subs[0]
    page.get_by_role("link", name=first.title).click()
    page.shots(page, "entry-of-the-panel")
    assert page.get_by_role("heading", level=1).inner_text() == first.title
    assert page.get_by_role("heading", name="The judges' sheets").is_visible()
    assert page.get_by_role("rowheader", name=NAMES[0]).is_visible()
    assert not axe_violations(page), describe(axe_violations(page))
    page.get_by_role("link", name="Back to the panel results").click()
    page.get_by_role("link", name="Compact view").click()
    page.shots(page, "panel-compact")
    assert page.get_by_role("link", name="Full view").is_visible()
