"""Walked in Chromium by visible labels (issue 11 points 6 and 7): a judge who already has an account
accepts the panel invitation on their dashboard; the seeker messages the entrants after a preview; an
entrant finds the message among their notifications, marked new, and marks it seen. axe finds no serious
or critical problem on the dashboard or the message page."""
from __future__ import annotations

import pytest

from tests.browser_support import axe_violations, describe
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_judge_accepts_on_the_dashboard_and_entrants_hear_from_the_seeker(page, people, panel_invitation,
                                                                            make_user, make_submission):
    ben = make_user("Ben Bold")
    make_submission(people.challenge, ben, "submitted")
    _sign_in(page, people.judge)
    page.goto("/dashboard")
    assert page.get_by_role("heading", name="Waiting for your answer").is_visible()
    assert not axe_violations(page), describe(axe_violations(page))
    page.shots(page, "dashboard-with-an-invitation")
    page.get_by_role("button", name="Accept: Join the judging panel of “Loneliness challenge”").click()
    assert page.get_by_text("You have joined the judging panel of “Loneliness challenge”.").is_visible()
    assert not page.get_by_role("heading", name="Waiting for your answer").is_visible()
    page.shots(page, "joined")

    _sign_in(page, people.seeker)
    page.goto(f"/challenges/{people.challenge.slug}")
    page.get_by_role("link", name="Message the entrants").click()
    page.get_by_label("Everyone who entered (1 person)").check()
    page.get_by_label("Subject").fill("Pitch day on 12 January")
    page.get_by_label("Message").fill("Come and meet the panel at the town hall.")
    page.get_by_role("button", name="Preview the message").click()
    assert page.get_by_text("This message will go to 1 person").is_visible()
    assert not axe_violations(page), describe(axe_violations(page))
    page.shots(page, "message-preview")
    page.get_by_role("button", name="Send to 1 person").click()
    assert page.get_by_text("Your message is on its way to 1 person.").is_visible()

    _sign_in(page, ben)
    page.goto("/dashboard")
    notice = page.get_by_role("link", name="Leeds City Council sent you a message about “Loneliness challenge”: "
                                          "Pitch day on 12 January")
    assert notice.is_visible() and page.get_by_text("1 new", exact=True).is_visible()
    page.shots(page, "entrant-notifications")
    page.get_by_role("button", name="Mark all as seen").click()
    assert page.get_by_text("Your notifications are marked as seen.").is_visible()
    assert notice.is_visible() and not page.get_by_text("New", exact=True).is_visible()
    page.shots(page, "entrant-notifications-seen")


def test_the_dashboard_sections_fit_a_phone(page, people, panel_invitation, introduction):
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, people.seeker)  # an introduction waits for the seeker; the entrants' page is theirs
    page.goto("/dashboard")
    assert page.get_by_role("button", name="Decline: Introduction to Erin Entrant").is_visible()
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    assert not axe_violations(page), describe(axe_violations(page))
    page.shots(page, "dashboard-390")
    page.goto(f"/challenges/{people.challenge.slug}/message-entrants")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    assert not axe_violations(page), describe(axe_violations(page))
    page.shots(page, "message-390")
