"""A manual payout in a real browser (issue 11 point 13), by visible labels: the broker releases it after a
confirmation that shows the winner's account masked, makes the transfer, and records the bank's reference and
date; the queue then shows it paid with that reference, and the winner sees it paid. Also the funder's
invoice page with its number and purchase order (point 12). Each page is checked with axe."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.payouts import awards, funding
from tests.browser_support import axe_violations, describe
from tests.factories import PASSWORD, second_factor_code
from tests.payouts.conftest import world  # noqa: F401  (the payouts tests' co-funded challenge)
from tests.payouts.payouts_helpers import bank_details

pytestmark = pytest.mark.browser


def _check(page, name: str) -> None:
    page.shots(page, name)
    found = axe_violations(page)
    assert not found, f"{name}: {describe(found)}"


def _flash(page) -> str:
    # A click's navigation may have committed (the new URL) before its page is parsed: wait for the page
    # and its message, or a busy machine reads an empty page.
    page.wait_for_load_state()
    page.locator(".alert").first.wait_for()
    return " ".join(page.locator(".alert").all_inner_texts())


def _sign_in(page, user) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    if urlsplit(page.url).path == "/login/code":  # a broker's sign-in code
        page.get_by_label("Code", exact=True).fill(second_factor_code(user.id))
        page.locator("main").get_by_role("button", name="Sign in").click()
    assert "You are signed in" in page.content()


def test_release_instruct_and_record_as_paid(page, world):
    w = world(state="decided")
    bank_details(w.winner)
    _, trust = sorted(funding.funders_of(w.challenge), key=lambda f: f.share_bp, reverse=True)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    payout_id = award.payouts[0].id

    _sign_in(page, w.broker)
    page.goto("/admin/payouts")
    _check(page, "queue-ready")
    page.get_by_role("link", name=f"Release payout {payout_id}").click()
    main = page.locator("main")
    assert "•••• 5678, sort code ••-••-50" in main.inner_text() and "12345678" not in main.inner_text()
    _check(page, "release-confirmation")
    page.get_by_role("button", name="Release £10,000 to Wyn Winner").click()
    assert "Released: now transfer £10,000 to Wyn Winner" in _flash(page)
    assert page.get_by_role("heading", name=re.compile("bank transfer to make and record")).is_visible()
    _check(page, "queue-instructed")

    page.get_by_role("link", name=f"Record as paid payout {payout_id}").click()
    assert "30-99-50" in page.locator("main").inner_text()  # the details to type into the bank
    page.get_by_label("Bank reference").fill("FP-20931-RIVERSIDE")
    page.get_by_label("Date of the transfer").fill("2099-01-01")
    page.get_by_role("button", name="Record as paid").click()
    assert "cannot be in the future" in page.locator("main").inner_text()
    _check(page, "record-refused-future-date")
    page.get_by_label("Date of the transfer").fill(clock.now().date().isoformat())
    page.get_by_role("button", name="Record as paid").click()
    assert "Recorded: Wyn Winner was paid" in _flash(page) and "FP-20931-RIVERSIDE" in _flash(page)
    assert "Bank ref. FP-20931-RIVERSIDE" in page.locator("main").inner_text()
    _check(page, "queue-paid")

    page.goto(f"/admin/payouts/{payout_id}/paid")  # coming back to the form: nothing more to record
    assert "there is no transfer to record" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Record as paid").count() == 0

    page.goto("/finance")
    page.get_by_role("button", name="Run the reconciliation").click()
    assert "All 4 checks agree." in page.locator("main").inner_text()
    _check(page, "reconciliation")

    page.goto(f"/funding/{trust.fundings[0].id}")
    assert re.search(r"Invoice CX-\d{6}", page.locator("h1").inner_text())
    _check(page, "invoice-page")

    _sign_in(page, w.winner)
    page.goto("/my/payouts")
    assert "Paid" in page.locator("main").inner_text()
    _check(page, "winner-payouts")
