"""/webhooks/stripe: verified, recorded once, applied once, never backwards, test mode ignored in live mode."""
from __future__ import annotations

import json
import time

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.payouts import awards, funding, ledger, payees, release
from challenge.payouts.models import Funding, LedgerTransaction, PayeeAccount, Payout, ProviderEvent, Refund
from challenge.payouts.providers import gateway
from tests.payouts.payouts_helpers import fund_by_card, send_event, stripe_payee
from tests.stripe_support import WEBHOOK_SECRET


@pytest.fixture
def checkout(world, stripe_config):
    """A funder's card payment, completed at the fake; the webhook not yet delivered."""
    w = world(fund=False)
    row = funding.begin_checkout(w.funders[0], w.seeker, clock.now())
    db.session.commit()
    funding.open_checkout(row.id, "https://cx.example/d", "https://cx.example/b", clock.now())
    session = stripe_config.complete_checkout(db.session.get(Funding, row.id).checkout_session_id)
    return w, row.id, session


def _counts():
    return (db.session.scalar(db.select(db.func.count(ProviderEvent.id))),
            db.session.scalar(db.select(db.func.count(LedgerTransaction.id))))


def test_a_good_event_is_applied(client, checkout, stripe_config):
    w, funding_id, session = checkout
    response, _ = send_event(client, stripe_config, "checkout.session.completed", session, event_id="evt_good")
    assert response.status_code == 200 and response.json["outcome"] == "payment recorded"
    db.session.expire_all()
    assert db.session.get(Funding, funding_id).state == "paid"
    event = db.session.scalars(db.select(ProviderEvent)).one()
    assert (event.event_id, event.type, event.processed_at is not None) == ("evt_good", "checkout.session.completed",
                                                                             True)


@pytest.mark.parametrize("tamper", ["secret", "body", "old", "missing", "garbage"])
def test_bad_signatures_and_bodies_get_400_and_change_nothing(client, checkout, stripe_config, tamper):
    w, funding_id, session = checkout
    raw = stripe_config.event_payload("checkout.session.completed", session)
    header = stripe_config.sign_webhook(raw, WEBHOOK_SECRET)
    if tamper == "secret":
        header = stripe_config.sign_webhook(raw, "whsec_wrong")
    elif tamper == "body":
        raw = raw.replace(b'"complete"', b'"open"')
    elif tamper == "old":
        header = stripe_config.sign_webhook(raw, WEBHOOK_SECRET, int(time.time()) - 301)
    elif tamper == "missing":
        header = ""
    elif tamper == "garbage":
        raw = b"\xff\xfe not json <script>alert(1)</script>"
        header = stripe_config.sign_webhook(raw, WEBHOOK_SECRET)
    response = client.post("/webhooks/stripe", data=raw, headers={"Stripe-Signature": header})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Funding, funding_id).state == "pending"
    assert _counts() == (0, 0)


def test_a_signed_body_that_is_not_an_event_is_refused(client, stripe_config):
    raw = json.dumps({"hello": "world"}).encode()
    response = client.post("/webhooks/stripe", data=raw,
                           headers={"Stripe-Signature": stripe_config.sign_webhook(raw, WEBHOOK_SECRET)})
    assert response.status_code == 400 and _counts() == (0, 0)


def test_webhooks_are_refused_when_stripe_is_not_configured(client, app):
    response = client.post("/webhooks/stripe", data=b"{}", headers={"Stripe-Signature": "t=1,v1=00"})
    assert response.status_code == 400


def test_the_same_event_delivered_again_is_applied_once(client, checkout, stripe_config):
    w, funding_id, session = checkout
    for _ in range(3):
        response, _ = send_event(client, stripe_config, "checkout.session.completed", session, event_id="evt_dup")
        assert response.status_code == 200
    assert _counts() == (1, 1)
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 630_000


def test_a_second_event_for_a_paid_payment_changes_nothing(client, checkout, stripe_config):
    w, funding_id, session = checkout
    send_event(client, stripe_config, "checkout.session.completed", session)
    response, _ = send_event(client, stripe_config, "checkout.session.completed", session)
    assert response.json["outcome"] == "payment already paid"
    assert _counts() == (2, 1)


def test_a_session_for_another_amount_is_not_applied(client, checkout, stripe_config):
    w, funding_id, session = checkout
    session["amount_total"] = 1
    response, _ = send_event(client, stripe_config, "checkout.session.completed", session)
    assert "does not match" in response.json["outcome"]
    db.session.expire_all()
    assert db.session.get(Funding, funding_id).state == "pending"


def test_test_mode_events_are_ignored_by_a_live_platform(client, checkout, stripe_config, app):
    w, funding_id, session = checkout
    app.config["STRIPE_SECRET_KEY"] = "sk_live_but_pointed_at_the_fake"
    response, _ = send_event(client, stripe_config, "checkout.session.completed", session, livemode=False)
    assert response.status_code == 200 and "ignored" in response.json["outcome"]
    db.session.expire_all()
    assert db.session.get(Funding, funding_id).state == "pending"


def test_account_updated_out_of_order_does_not_go_backwards(client, world, stripe_config):
    w = world(fund=False)
    payees.start_stripe_onboarding(w.winner, gateway("stripe"), "https://x/r", "https://x/f", clock.now())
    db.session.commit()
    account = payees.account_for(w.winner, "stripe")
    inactive = json.loads(json.dumps(stripe_config.accounts[account.provider_account_id]))
    stripe_config.activate_transfers(account.provider_account_id)
    active = stripe_config.accounts[account.provider_account_id]
    now = int(time.time())
    send_event(client, stripe_config, "account.updated", active, created=now)
    response, _ = send_event(client, stripe_config, "account.updated", inactive, created=now - 60)
    assert response.json["outcome"] == "older than the status already applied"
    db.session.expire_all()
    assert db.session.get(PayeeAccount, account.id).state == "ready"
    # A newer deactivation does apply.
    send_event(client, stripe_config, "account.updated", inactive, created=now + 60)
    db.session.expire_all()
    assert db.session.get(PayeeAccount, account.id).state == "pending"


def _paid_stripe_payout(client, w, fake):
    fund_by_card(client, fake, w)
    stripe_payee(client, fake, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    payout_id = award.payouts[0].id
    assert release.release_payout(payout_id, w.broker, clock.now()).state == "paid"
    return payout_id


def test_transfer_reversed_marks_the_payout_reversed_once(client, world, stripe_config):
    w = world(fund=False)
    payout_id = _paid_stripe_payout(client, w, stripe_config)
    transfer_id = db.session.get(Payout, payout_id).provider_reference
    gateway("stripe").reverse_transfer(transfer_id=transfer_id, amount=None, idempotency_key="dashboard-1")
    transfer = stripe_config.transfers[transfer_id]
    response, _ = send_event(client, stripe_config, "transfer.reversed", transfer)
    assert response.json["outcome"] == "payout reversed"
    response, _ = send_event(client, stripe_config, "transfer.reversed", transfer)
    assert response.json["outcome"] == "payout already reversed"
    db.session.expire_all()
    assert db.session.get(Payout, payout_id).state == "reversed"
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 1_000_000


def test_charge_refunded_confirms_a_pending_refund(client, world, stripe_config):
    w = world(fund=False, state="decided")
    fund_by_card(client, stripe_config, w)
    funding_row = db.session.scalars(db.select(Funding).order_by(Funding.id)).first()
    refund = Refund(challenge_id=w.challenge.id, funder_id=funding_row.funder_id, funding_id=funding_row.id,
                    amount=10_000, currency="GBP", provider="stripe", state="pending", created_at=clock.now())
    db.session.add(refund)
    db.session.commit()
    charge = {"id": "ch_1", "object": "charge", "payment_intent": funding_row.payment_intent_id,
              "amount_refunded": 10_000, "refunds": {"data": [{"id": "re_dash"}]}}
    response, _ = send_event(client, stripe_config, "charge.refunded", charge)
    assert response.json["outcome"] == "1 refund confirmed"
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).state == "succeeded"
    response, _ = send_event(client, stripe_config, "charge.refunded", charge)
    assert response.json["outcome"] == "0 refunds confirmed"
    assert ledger.balance(ledger.refund(funding_row.funder_id), "GBP") == 10_000


def test_unknown_event_types_are_recorded_and_ignored(client, stripe_config, app):
    response, _ = send_event(client, stripe_config, "customer.created", {"id": "cus_1", "object": "customer"})
    assert response.status_code == 200 and response.json["outcome"] == "ignored: not used"
