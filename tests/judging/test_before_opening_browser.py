"""What the chair reads before a round opens, in a real browser: entries short of judges, files that keep
their metadata; readable, accessible, and naming no entrant on a blind panel."""
import pytest

from tests.browser_support import axe_violations, describe
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_chair_sees_both_warnings_before_opening(page, make_world, seat):
    from test_blind_judging import _attach_real_files

    world = make_world(blind=True, judges=1, entries=3)
    seat(world.challenge, world.creators[0])  # the entrant of the first entry sits on the panel
    _attach_real_files(world)
    page.goto("/login")
    page.get_by_label("Email address").fill(world.chair.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/judging/{world.challenge.slug}/")
    short = page.get_by_role("region", name="would have fewer than two judges")
    assert world.subs[0].reference in short.inner_text()
    files = page.get_by_role("region", name="will reach the judges with their metadata")
    assert f"{world.subs[2].reference}, Attachment 7.zip" in files.inner_text()
    page.shots(page, "before-opening")
    warnings = short.inner_text() + files.inner_text()  # (the panel list names the entrant: she is a judge)
    assert "Zebedee" not in warnings and "Quorn" not in warnings
    assert axe_violations(page) == [], describe(axe_violations(page))
    page.get_by_role("button", name="Open").first.click()
    assert "Invite another judge" in page.locator("main").inner_text()
    page.shots(page, "refused")


def test_the_brokers_override_form_reads_well(page, client, login, make_world):
    """Drawn from the page the broker is served (a broker's browser sign-in asks for a second factor)."""
    world = make_world(blind=True, judges=1, entries=2)
    login(world.broker)
    html = client.get(f"/judging/{world.challenge.slug}/").get_data(as_text=True)
    page.goto("/")
    page.set_content(html)
    region = page.get_by_role("region", name="would have fewer than two judges")
    assert "only one judge" in region.inner_text()
    assert region.get_by_label("Why this round may open").is_visible()
    assert region.get_by_role("button", name="Open “Assessment” anyway").is_visible()
    page.shots(page, "override-form")
    assert axe_violations(page) == [], describe(axe_violations(page))
