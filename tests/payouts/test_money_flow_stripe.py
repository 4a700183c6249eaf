"""The Stripe path end to end: the real gateway and `stripe` library against the fake Stripe server."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.payouts import awards, funding, ledger, payees, refunds, release
from challenge.payouts.models import Funding, PayeeAccount, Payout
from challenge.payouts.providers import gateway
from challenge.payouts.reconcile import reconcile
from tests.payouts.payouts_helpers import fund_by_card, stripe_payee


@pytest.fixture
def paid_up(world, client, stripe_config):
    w = world(fund=False)
    fund_by_card(client, stripe_config, w)
    assert funding.is_fully_funded(w.challenge)
    return w


def test_card_funding_is_held_in_escrow_once_stripe_confirms(paid_up, stripe_config):
    w, fake = paid_up, stripe_config
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 1_050_000
    keys = [c.idempotency_key for c in fake.calls("POST", "/v1/checkout/sessions")]
    fundings = db.session.scalars(db.select(Funding).order_by(Funding.id)).all()
    assert keys == [f"funding-{f.id}-checkout" for f in fundings]
    assert all(f.payment_intent_id.startswith("pi_") for f in fundings)


def test_opening_checkout_twice_reuses_the_same_session(world, stripe_config):
    w = world(fund=False)
    row = funding.begin_checkout(w.funders[0], w.seeker, clock.now())
    db.session.commit()
    again = funding.begin_checkout(w.funders[0], w.seeker, clock.now())
    assert again.id == row.id
    first = funding.open_checkout(row.id, "https://cx.example/d", "https://cx.example/b", clock.now())
    second = funding.open_checkout(row.id, "https://cx.example/d", "https://cx.example/b", clock.now())
    assert first == second and len(stripe_config.checkout_sessions) == 1


def test_winner_is_paid_by_one_transfer_to_the_connected_account(paid_up, client, stripe_config):
    w, fake = paid_up, stripe_config
    account_id = stripe_payee(client, fake, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    payout = award.payouts[0]
    assert (payout.provider, payout.state) == ("stripe", "ready")
    outcome = release.release_payout(payout.id, w.broker, clock.now())
    assert outcome.state == "paid"
    [call] = fake.calls("POST", "/v1/transfers")
    assert call.idempotency_key == f"payout-{payout.id}-attempt-1"
    assert call.params["amount"] == "1000000" and call.params["destination"] == account_id
    [transfer] = fake.transfers.values()
    assert db.session.get(Payout, payout.id).provider_reference == transfer["id"]
    assert reconcile(clock.now()) == []


def test_a_5xx_leaves_it_processing_and_the_retry_uses_the_same_key(paid_up, client, stripe_config):
    w, fake = paid_up, stripe_config
    stripe_payee(client, fake, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    payout_id = award.payouts[0].id
    fake.fail_next("/v1/transfers", 503)
    outcome = release.release_payout(payout_id, w.broker, clock.now())
    assert outcome.state == "processing" and "retried" in outcome.message
    assert db.session.get(Payout, payout_id).attempt == 1
    outcome = release.retry_payout(payout_id, w.broker, clock.now())
    assert outcome.state == "paid"
    calls = fake.calls("POST", "/v1/transfers")
    assert [c.idempotency_key for c in calls] == [f"payout-{payout_id}-attempt-1"] * 2
    assert len(fake.transfers) == 1


def test_a_timeout_is_retried_with_the_same_key_and_pays_once(paid_up, client, stripe_config):
    w, fake = paid_up, stripe_config
    stripe_payee(client, fake, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    payout_id = award.payouts[0].id
    fake.delay_next("/v1/transfers", 3.0)  # longer than the client's 2 s timeout; Stripe still acts
    assert release.release_payout(payout_id, w.broker, clock.now()).state == "processing"
    fake.wait_idle()
    assert len(fake.transfers) == 1
    assert release.retry_payout(payout_id, w.broker, clock.now()).state == "paid"
    assert len(fake.transfers) == 1
    assert fake.calls("POST", "/v1/transfers")[-1].replayed


def test_a_4xx_fails_with_the_providers_message_and_is_not_retried_automatically(paid_up, client, stripe_config):
    w, fake = paid_up, stripe_config
    stripe_payee(client, fake, w.winner)
    account = payees.account_for(w.winner, "stripe")
    fake.accounts[account.provider_account_id]["capabilities"]["transfers"] = "inactive"  # deactivated at Stripe
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    payout_id = award.payouts[0].id
    outcome = release.release_payout(payout_id, w.broker, clock.now())
    payout = db.session.get(Payout, payout_id)
    assert outcome.state == "failed" and "capabilities" in payout.failure_message
    from datetime import timedelta
    assert release.retry_due(clock.now() + timedelta(hours=1), timedelta(minutes=5)) == []
    assert len(fake.calls("POST", "/v1/transfers")) == 1
    fake.activate_transfers(account.provider_account_id)
    outcome = release.retry_payout(payout_id, w.broker, clock.now())
    assert outcome.state == "paid"
    assert [c.idempotency_key for c in fake.calls("POST", "/v1/transfers")] == [
        f"payout-{payout_id}-attempt-1", f"payout-{payout_id}-attempt-2"]


def test_reversal_and_refund_go_through_stripe(paid_up, client, stripe_config):
    w, fake = paid_up, stripe_config
    w.challenge.state = "decided"
    db.session.commit()
    stripe_payee(client, fake, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    payout_id = award.payouts[0].id
    release.release_payout(payout_id, w.broker, clock.now())
    outcome = release.reverse_payout(payout_id, "Winner was ineligible", w.broker, clock.now())
    assert outcome.state == "reversed"
    [reversal] = fake.reversals.values()
    assert db.session.get(Payout, payout_id).reversal_reference == reversal["id"]
    planned = refunds.plan_refunds(w.challenge, w.broker, clock.now())
    db.session.commit()
    done = refunds.process_refunds([r.id for r in planned], w.broker, clock.now())
    assert [r.state for r in done] == ["succeeded", "succeeded"]
    # The fee on the award stays taken; the reversed prize money goes back 60:40.
    assert sorted(r["amount"] for r in fake.refunds.values()) == [400_000, 600_000]
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 0
    assert reconcile(clock.now()) == []


def test_a_refused_refund_is_marked_failed_and_frees_the_money(paid_up, stripe_config):
    w, fake = paid_up, stripe_config
    w.challenge.state = "decided"
    db.session.commit()
    fake.fail_next("/v1/refunds", 400, message="Charge has been disputed", times=2)
    planned = refunds.plan_refunds(w.challenge, w.broker, clock.now())
    db.session.commit()
    done = refunds.process_refunds([r.id for r in planned], w.broker, clock.now())
    assert [r.state for r in done] == ["failed", "failed"]
    assert "disputed" in done[0].failure_message
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 1_050_000
    assert len(refunds.plan_refunds(w.challenge, w.broker, clock.now())) == 2


def test_reconcile_reports_a_transfer_the_provider_does_not_have(paid_up, client, stripe_config, runner):
    w, fake = paid_up, stripe_config
    stripe_payee(client, fake, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    release.release_payout(award.payouts[0].id, w.broker, clock.now())
    assert reconcile(clock.now()) == []
    transfer_id = next(iter(fake.transfers))
    fake.transfers[transfer_id]["amount"] = 999
    [mismatch] = reconcile(clock.now())
    assert mismatch.kind == "provider" and "999" in mismatch.message
    result = runner.invoke(args=["payouts", "reconcile"])
    assert result.exit_code == 1 and "999" in result.output
    del fake.transfers[transfer_id]
    [mismatch] = reconcile(clock.now())
    assert "no such transfer" in mismatch.message


def test_payee_status_refresh_button_asks_stripe(world, stripe_config):
    w = world(fund=False)
    payees.start_stripe_onboarding(w.winner, gateway("stripe"), "https://cx.example/r", "https://cx.example/f",
                                   clock.now())
    account = payees.refresh_stripe_status(w.winner, gateway("stripe"), clock.now())
    assert account.state == "pending"
    stripe_config.activate_transfers(account.provider_account_id)
    assert payees.refresh_stripe_status(w.winner, gateway("stripe"), clock.now()).state == "ready"
    assert db.session.scalar(db.select(db.func.count(PayeeAccount.id))) == 1


def test_paying_by_card_in_the_browser_goes_to_stripe_by_a_link(client, login, world, stripe_config):
    w = world(fund=False)
    trust_funder = funding.funders_of(w.challenge)[1]
    login(w.trust_member)
    page = client.get(f"/challenges/{w.challenge.slug}/funding").text
    assert "Pay by card" in page
    response = client.post(f"/funding/funders/{trust_funder.id}/card")
    assert response.status_code == 302 and "/funding/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).text
    assert "Continue to secure card payment" in page and "£4,200" in page
    row = db.session.scalars(db.select(Funding)).one()
    response = client.get(f"/funding/{row.id}/checkout")
    assert response.status_code == 303 and response.headers["Location"].startswith("https://checkout.stripe.com/")
    client.get(f"/funding/{row.id}/checkout")
    assert len(stripe_config.checkout_sessions) == 1
    stripe_config.fail_next("/v1/checkout/sessions", 500)
    login(w.seeker)  # a member of another funder may not pay for the trust
    assert client.get(f"/funding/{row.id}/checkout").status_code == 404


def test_stripe_onboarding_in_the_browser(client, login, world, stripe_config):
    w = world(fund=False)
    login(w.winner)
    assert "Set up payouts with Stripe" in client.get("/my/payouts").text
    assert client.get("/my/payouts/stripe").status_code == 405  # a GET creates no account
    response = client.post("/my/payouts/stripe", follow_redirects=True)
    assert "Continue to Stripe" in response.text and "Continue Stripe set-up" in response.text
    client.post("/my/payouts/stripe")  # a double click: still one account
    assert len(stripe_config.accounts) == 1
    response = client.get("/my/payouts/stripe/continue")
    assert response.status_code == 303 and response.headers["Location"].startswith("https://connect.stripe.com/")
    response = client.get("/my/payouts/stripe/status", follow_redirects=True)  # back from Stripe: no change
    assert "Refresh status" in response.text and payees.account_for(w.winner, "stripe").state != "ready"
    response = client.post("/my/payouts/stripe/status", follow_redirects=True)
    assert "has not finished checking" in response.text
    stripe_config.activate_transfers(payees.account_for(w.winner, "stripe").provider_account_id)
    response = client.post("/my/payouts/stripe/status", follow_redirects=True)
    assert "ready to receive payouts" in response.text


def test_stripe_down_gives_a_friendly_message_not_an_error(client, login, world, stripe_config):
    w = world(fund=False)
    login(w.winner)
    stripe_config.fail_next("/v1/accounts", 503)
    response = client.post("/my/payouts/stripe", follow_redirects=True)
    assert response.status_code == 200 and "could not be reached" in response.text


def test_reconcile_compares_card_payments_with_stripe(paid_up, stripe_config):
    fake = stripe_config
    assert reconcile(clock.now()) == []
    funding_row = db.session.scalars(db.select(Funding).where(Funding.state == "paid")).first()
    fake.payment_intents[funding_row.payment_intent_id]["amount_received"] = funding_row.amount - 1
    [mismatch] = reconcile(clock.now())
    assert mismatch.kind == "provider" and mismatch.object == funding_row.reference
    assert f"received {funding_row.amount - 1}" in mismatch.message
    del fake.payment_intents[funding_row.payment_intent_id]
    [mismatch] = reconcile(clock.now())
    assert "no such payment" in mismatch.message


def test_the_links_given_to_stripe_come_from_site_url_not_the_requests_host(client, login, world, stripe_config, app):
    """Whatever host a request names (a forged Host header included), Stripe sends a funder back to SITE_URL."""
    w = world(fund=False)
    trust_funder = funding.funders_of(w.challenge)[1]
    login(w.trust_member)
    client.post(f"/funding/funders/{trust_funder.id}/card")
    row = db.session.scalars(db.select(Funding)).one()
    site = app.config["SITE_URL"].rstrip("/")
    assert not site.startswith("http://localhost")  # the test client's host: the two must differ
    response = client.get(f"/funding/{row.id}/checkout")
    assert response.status_code == 303
    [session] = stripe_config.checkout_sessions.values()
    assert session["success_url"] == f"{site}/funding/{row.id}"
    assert session["cancel_url"] == f"{site}/challenges/{w.challenge.slug}/funding"
