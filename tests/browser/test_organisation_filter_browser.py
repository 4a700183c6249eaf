"""The catalogue's organisation filter in Chromium: the suggestions arrive when the field is first used, a name typed
and submitted with the keyboard filters the list, and without JavaScript a typed name filters all the same."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from challenge.accounts.models import Organisation
from challenge.extensions import db
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
    options.nth(2).wait_for(state="attached")  # the page's CSP forbids wait_for_function's evaluated text
    assert options.count() == 3
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


def test_a_name_two_organisations_share_is_suggested_by_each_ones_address(page, councils, make_org, make_user,
                                                                          make_challenge):
    twin = make_org(make_user(), name="Leeds City Council")
    make_challenge(twin, "open", title="The other Leeds")
    page.goto("/")
    page.get_by_label("Organisation").focus()
    page.locator("#organisation-suggestions option").nth(3).wait_for(state="attached")
    offered = page.eval_on_selector_all("#organisation-suggestions option",
                                        "os => os.map(o => [o.value, o.getAttribute('label')])")
    assert offered[0] == ["Camden Council", None] and offered[3] == ["Riverside NHS Trust", None]
    leeds = db.session.scalars(db.select(Organisation.slug).where(Organisation.name == "Leeds City Council"))
    assert sorted(offered[1:3]) == sorted([slug, "Leeds City Council"] for slug in leeds)
    page.get_by_label("Organisation").fill(twin.slug)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert card_titles(page) == ["The other Leeds"]
    assert page.get_by_label("Organisation").input_value() == "Leeds City Council"
