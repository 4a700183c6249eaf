"""Pairwise judging in a real browser (issue 12 point 4): a judge compares a few pairs by visible labels, with
the keyboard for one of them, in a blind round; the chair then sees the ranking with its agreement."""
from __future__ import annotations

import re

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging.pairwise_models import PAIRWISE, Comparison
from tests.browser.test_keyboard_journey import tab_to
from tests.browser_support import axe_violations, describe
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, email):
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_judge_compares_pairs_and_the_chair_sees_the_ranking(page, browser, live_server, make_user, make_org,
                                                              make_challenge, make_submission, rubric_for, seat):
    seeker = make_user("Sally Seeker", "sally@council.example.org")
    challenge = make_challenge(make_org(seeker, name="Riverside Council"), "judging", blind_judging=True,
                               title="Cleaner air near schools")
    _, (round_,) = rubric_for(challenge, rounds=({"name": "Early screening", "strategy": PAIRWISE},))
    chair, judge = make_user("Chris Chair", "chair@panel.example.org"), make_user("Jo Judge", "jo@panel.example.org")
    seat(challenge, chair, "chair")
    seat(challenge, judge)
    titles = ["Planters that filter traffic fumes", "School streets closed at drop-off", "Air sensors on every gate",
              "Walking buses with parents"]
    for n, title in enumerate(titles):
        make_submission(challenge, make_user(f"Zebedee Quorn{n}", f"z{n}@secret-creator.example.org"), title=title)
    assign.open_round(round_, chair, clock.now())
    db.session.commit()

    _sign_in(page, judge.email)
    page.goto(f"/judging/{challenge.slug}/queue")
    page.get_by_role("link", name="Compare entries").click()
    main = page.locator("main")
    assert "Which entry better answers the challenge?" in main.inner_text()
    assert "Zebedee" not in main.inner_text() and "Quorn" not in main.inner_text()  # blind: nobody named
    page.get_by_text("I have a conflict of interest with one of these entries").click()
    assert page.get_by_role("radio", name="Entry B").is_visible()  # the declaration opens in place
    page.shots(page, "pair-1")
    assert not (found := axe_violations(page)), describe(found)
    page.get_by_role("button", name="Entry A is better").click()
    assert "Your choice is recorded. Here is the next pair." in page.content()

    page.get_by_label("A short note (optional)").fill("Fewer cars beats filtering the fumes.")
    page.get_by_role("button", name="Entry B is better").click()
    page.get_by_role("button", name="Skip this pair").click()
    focused = tab_to(page, "Entry A is better")  # keyboard alone: Tab to the choice, Enter to make it
    assert focused["tag"] == "BUTTON"
    with page.expect_navigation():  # the form's POST and its redirect, not the page already loaded
        page.keyboard.press("Enter")
    assert "You have made 4 comparisons in this round" in page.locator("main").inner_text()
    page.shots(page, "after-four")
    assert db.session.scalar(db.select(db.func.count(Comparison.id))) == 4

    chair_context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    chair_page = chair_context.new_page()
    chair_page.shots = page.shots
    try:
        _sign_in(chair_page, chair.email)
        chair_page.goto(f"/judging/{challenge.slug}/panel")
        text = chair_page.locator("main").inner_text()
        assert "Panel results: Early screening" in text and "Compared in pairs" in text
        # the choices above follow the sides, not the entries, so the exact agreement depends on the pairs drawn
        assert re.search(r"Agreement = \d+%", text) and "3 judgements by 1 judge on" in text
        assert "Fewer cars beats filtering the fumes." in text
        rows = chair_page.get_by_role("table").get_by_role("row")
        assert rows.count() == 1 + len(titles)
        chair_page.shots(chair_page, "chair-ranking")
        assert not (found := axe_violations(chair_page)), describe(found)
    finally:
        chair_context.close()
