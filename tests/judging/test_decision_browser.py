"""Issue 11 point 1 in a real browser, by visible labels only: the chair closes a round with sheets
outstanding (warned, then confirmed), decides with places prefilled from the ranking, reviews the effects,
records the decision, and publishes the results; axe finds nothing serious on the new pages."""
from __future__ import annotations

import pytest

from tests.browser_support import axe_violations, describe
from tests.factories import PASSWORD, second_factor_code
from tests.judging.judging_helpers import open_round, score_all

pytestmark = pytest.mark.browser


def _sign_in(page, user):
    """Password, then (a broker) the code from their authenticator app."""
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    if page.url.endswith("/login/code"):
        page.get_by_label("Code", exact=True).fill(second_factor_code(user.id))
        page.locator("main").get_by_role("button", name="Sign in").click()


def _no_serious_violations(page):
    found = axe_violations(page)
    assert not found, describe(found)


def test_close_with_a_warning_then_decide_review_record_and_publish(page, make_world):
    world = make_world(judges=3, entries=4)
    round_ = open_round(world)
    index = {s.id: i for i, s in enumerate(world.subs)}
    score_all(world, round_, lambda m, s: (index[s.id], index[s.id]), members=world.members[:2])
    best = world.subs[3]
    _sign_in(page, world.chair)
    page.goto(f"/judging/{world.challenge.slug}/")
    page.get_by_role("button", name=f"Close {round_.name}").click()
    main = page.locator("main")
    assert "8 of 12 score sheets are in; 4 are outstanding" in main.inner_text()
    page.shots(page, "close-warning")
    _no_serious_violations(page)
    page.get_by_role("button", name="Close with 4 sheets outstanding").click()
    assert "its scores are final" in main.inner_text()

    page.goto(f"/judging/{world.challenge.slug}/")
    page.get_by_role("link", name="Decide the winners").click()
    assert page.get_by_label("Prize 1").input_value() == str(best.id)  # prefilled from the ranking
    page.shots(page, "decide-prefilled")
    _no_serious_violations(page)
    page.get_by_role("button", name="Review the decision").click()
    assert "fewer complete scores than required" in main.inner_text()  # judge 3's sheets never came in
    page.shots(page, "override-asked")
    page.get_by_label("Reason for deciding entries without enough complete scores").fill(
        "Judge 3 withdrew through illness; two judges scored every entry.")
    page.get_by_role("button", name="Review the decision").click()
    text = main.inner_text()
    assert "Nothing is recorded yet" in text and best.reference in text and "told it was not selected" in text
    page.shots(page, "review")
    _no_serious_violations(page)
    page.get_by_role("button", name="Record the decision").click()
    text = main.inner_text()
    assert "The decision is recorded" in text and "Provisional" in text
    page.shots(page, "recorded-provisional")

    # A broker corrects the provisional decision, with a reason shown on it, before publishing.
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, world.broker)
    page.goto(f"/judging/{world.challenge.slug}/")
    page.get_by_role("link", name="Correct the decision").click()
    page.get_by_label("Prize 2, place 2 of 2").select_option(str(world.subs[0].id))
    page.get_by_label("Why the decision is corrected").fill("Entry 1 withdrew its consent to be piloted.")
    page.shots(page, "correct")
    _no_serious_violations(page)
    page.get_by_role("button", name="Correct the decision").click()
    text = main.inner_text()
    assert f"Corrected by {world.broker.name}" in text and "withdrew its consent" in text
    page.shots(page, "corrected")
    _no_serious_violations(page)
    page.get_by_role("button", name="Publish the results").click()
    text = main.inner_text()
    assert "The results are published" in text and "every entrant has been told" in text
    page.shots(page, "published")
