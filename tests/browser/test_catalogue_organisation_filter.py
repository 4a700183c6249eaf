"""The catalogue's organisation filter in Chromium: the suggestions arrive when the field is first used, a name typed
and submitted with the keyboard filters the list, and without JavaScript a typed name filters all the same."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser_support import axe_violations, check_both_widths, describe

pytestmark = pytest.mark.browser


@pytest.fixture()
def councils(make_challenge, make_org, make_user):
    """Three organisations with a listed challenge each, and one with only a draft."""
    for name, title, state in (("Camden Council", "Camden loneliness", "open"), ("Leeds City Council", "Leeds buses", "open"),
                               ("Riverside NHS Trust", "Discharge delays", "open"), ("Quiet Trust", "Not listed", "draft")):
        make_challenge(make_org(make_user(), name=name), state, title=title)


def card_titles(page) -> list[str]:
    return sorted(page.locator("h2.card-title").all_inner_texts())


def test_suggestions_arrive_when_the_field_is_used_and_a_typed_name_filters(page, councils):
    page.goto("/")
    field = page.get_by_label("Organisation")
    options = page.locator("#organisation-suggestions option")
    assert options.count() == 0  # nothing read until the field is used
    assert field.get_attribute("aria-describedby") == "organisation-hint"
    assert page.locator("#organisation-hint").inner_text() == "Start typing a name"
    field.focus()
    page.wait_for_function("document.querySelectorAll('#organisation-suggestions option').length === 3")
    assert [options.nth(n).get_attribute("value") for n in range(3)] == [
        "Camden Council", "Leeds City Council", "Riverside NHS Trust"]
    page.keyboard.type("Riverside NHS Trust")
    page.shots(page, "organisation-typed")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["organisation"] == ["Riverside NHS Trust"]
    assert card_titles(page) == ["Discharge delays"]
    assert page.get_by_label("Organisation").input_value() == "Riverside NHS Trust"
    assert page.locator("h2[aria-live]").inner_text() == "1 challenge matches your filters"
    check_both_widths(page, "catalogue-filtered-by-organisation")


def test_an_unknown_name_is_reported_at_the_field(page, councils):
    page.goto("/")
    page.get_by_label("Organisation").fill("Narnia")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    summary = page.get_by_role("alert")
    assert "No organisation with listed challenges is called “Narnia”" in summary.inner_text()
    assert card_titles(page) == ["Camden loneliness", "Discharge delays", "Leeds buses"]
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "organisation"
    assert not axe_violations(page), describe(axe_violations(page))


def test_without_javascript_a_typed_name_filters(browser, live_server, councils):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Organisation").fill("  leeds CITY council ")
        with page.expect_navigation():
            page.get_by_role("button", name="Apply filters").click()
        assert card_titles(page) == ["Leeds buses"]
        assert page.get_by_label("Organisation").input_value() == "Leeds City Council"
    finally:
        context.close()
