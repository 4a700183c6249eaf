"""Helpers the payouts tests share: fund a challenge by bank transfer or by card, give a winner bank
details or a Stripe account, deliver a signed Stripe webhook."""
from __future__ import annotations

from challenge import clock
from challenge.extensions import db
from challenge.payouts import funding, payees
from challenge.payouts.models import Funding
from challenge.payouts.providers import gateway
from tests.factories import pay_or_waive
from tests.stripe_support import WEBHOOK_SECRET


def fund_all(w) -> None:
    """Invoice every funder and record each bank transfer in full, as a broker would."""
    pay_or_waive(w.challenge, funding.funders_of(w.challenge), w.seeker, w.broker, clock.now(), pay=True)
    db.session.commit()


def bank_details(user) -> None:
    from challenge.payouts.gateways import ManualGateway

    payees.save_bank_details(user, user.name, "30-99-50", "12345678", ManualGateway(), clock.now())
    db.session.commit()


def send_event(client, fake, event_type: str, obj: dict, *, event_id: str | None = None, secret: str = WEBHOOK_SECRET,
               timestamp: int | None = None, livemode: bool = False, created: int | None = None):
    """Deliver a signed webhook to /webhooks/stripe the way Stripe would; returns (response, raw body)."""
    import json

    body = json.loads(fake.event_payload(event_type, obj, event_id=event_id))
    body["livemode"] = livemode
    if created is not None:
        body["created"] = created
    raw = json.dumps(body).encode()
    header = fake.sign_webhook(raw, secret, timestamp)
    response = client.post("/webhooks/stripe", data=raw, headers={"Stripe-Signature": header},
                           content_type="application/json")
    return response, raw


def fund_by_card(client, fake, w):
    """Every funder pays by Checkout; Stripe's checkout.session.completed webhook records each payment."""
    for funder in funding.funders_of(w.challenge):
        row = funding.begin_checkout(funder, w.seeker, clock.now())
        db.session.commit()
        url = funding.open_checkout(row.id, "https://cx.example/done", "https://cx.example/back", clock.now())
        assert url.startswith("https://checkout.stripe.com/")
        session = fake.complete_checkout(db.session.get(Funding, row.id).checkout_session_id)
        response, _ = send_event(client, fake, "checkout.session.completed", session)
        assert response.status_code == 200, response.json
        db.session.expire_all()
        assert db.session.get(Funding, row.id).state == "paid"


def stripe_payee(client, fake, user):
    account = payees.start_stripe_onboarding(user, gateway("stripe"), "https://cx.example/r", "https://cx.example/f",
                                             clock.now())
    db.session.commit()
    assert account.startswith("https://connect.stripe.com/")
    account_id = payees.account_for(user, "stripe").provider_account_id
    fake.activate_transfers(account_id)
    response, _ = send_event(client, fake, "account.updated", fake.accounts[account_id])
    assert response.status_code == 200
    db.session.expire_all()
    assert payees.account_for(user, "stripe").state == "ready"
    return account_id


def pay_out(payout_id: int, broker, reference: str = "BACS-0001"):
    """Release a payout as a broker; a manual one is then recorded as paid with a bank reference (the second
    step a broker takes once the transfer is made). Returns the release's outcome."""
    from challenge.payouts import release
    from challenge.payouts.models import Payout
    from challenge.payouts.states import PayoutState

    outcome = release.release_payout(payout_id, broker, clock.now())
    if outcome.state == PayoutState.INSTRUCTED:
        release.record_bank_payment(payout_id, reference, clock.now().date(), broker, clock.now())
        db.session.commit()
        db.session.expire_all()
        outcome = type(outcome)(payout_id, db.session.get(Payout, payout_id).state, outcome.message)
    return outcome
