"""The panel results matrix scrolls inside its box: a wide panel must not widen the whole page."""
import pytest

from tests.factories import PASSWORD
from tests.judging.judging_helpers import open_round, score_all

pytestmark = pytest.mark.browser


def test_wide_panel_matrix_does_not_widen_the_page(page, make_world):
    world = make_world(judges=12, entries=3)
    page.set_viewport_size({"width": 640, "height": 800})
    round_ = open_round(world)
    score_all(world, round_, lambda member, sub: (2, 3))
    page.goto("/login")
    page.get_by_label("Email address").fill(world.chair.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/judging/{world.challenge.slug}/panel?round=1")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Panel results")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    page.shots(page, "panel")
    assert widths[0] <= widths[1], widths
