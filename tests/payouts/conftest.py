"""Fixtures for the payment-provider tests: a fake Stripe server on 127.0.0.1.

The gateway tests use no Flask app; the fixtures further down (world, stripe_config, …) are for the
payouts services and pages.
"""
from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from challenge import clock
from challenge.extensions import db
from challenge.payouts import funding, payees
from challenge.payouts.models import Funding
from challenge.payouts.providers import gateway
from tests.payouts.fake_stripe import FakeStripe


@pytest.fixture(scope="session")
def fake_stripe_server():
    """One threaded HTTP server for the whole run (threaded, so a delayed answer blocks nothing)."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def fake_stripe(fake_stripe_server):
    """A fresh fake Stripe (empty state, no faults); fails the test if the fake itself crashed."""
    fake = FakeStripe(fake_stripe_server)
    yield fake
    fake.wait_idle()
    errors = list(fake_stripe_server.handler_errors)
    fake_stripe_server.clear_handler_errors()
    if errors:
        raise errors[0]


@pytest.fixture
def stripe_gateway(fake_stripe):
    """The real Stripe gateway, pointed at the fake, with a short timeout."""
    from challenge.payouts.gateways.stripe import StripeGateway

    return StripeGateway("sk_test_fake_123", api_base=fake_stripe.url, timeout=1)


# ----- fixtures for the payouts services and pages (these need the Flask app) ----------------------

WEBHOOK_SECRET = "whsec_test_payouts"


@pytest.fixture
def stripe_config(app, fake_stripe):
    """Switch the app to the Stripe provider, pointed at the fake; restored afterwards."""
    saved = {k: app.config.get(k) for k in ("STRIPE_SECRET_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET",
                                            "PAYMENT_PROVIDER", "STRIPE_TIMEOUT")}
    app.config.update(STRIPE_SECRET_KEY="sk_test_fake_123", STRIPE_API_BASE=fake_stripe.url,
                      STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, PAYMENT_PROVIDER="stripe", STRIPE_TIMEOUT=2)
    yield fake_stripe
    app.config.update(saved)


@pytest.fixture
def world(app, make_user, make_org, make_challenge, make_submission):
    """A co-funded challenge: a council (60 %) leads, an NHS trust (40 %) co-funds; a broker; two entrants."""
    from types import SimpleNamespace

    def build(state: str = "judging", prizes=((1_000_000, 1),), shares=(6000, 4000), fund: bool = True,
              fee_percent: int | None = None):
        broker = make_user("Brooke Broker", broker=True)
        seeker = make_user("Sam Seeker")
        trust_member = make_user("Tara Trust")
        council = make_org(owner=seeker, name="Riverside Council")
        trust = make_org(trust_member, name="Riverside NHS Trust", kind="nhs_trust")
        challenge = make_challenge(council, state, prizes=prizes, author=seeker)
        winner, runner_up, outsider = make_user("Wyn Winner"), make_user("Rae Runner"), make_user("Olly Outsider")
        sub_a = make_submission(challenge, winner)
        sub_b = make_submission(challenge, runner_up)
        now = clock.now()
        if fee_percent is not None:
            funding.finance_for(challenge, now).fee_bp = fee_percent * 100
        orgs = [council, trust][: len(shares)]
        funding.set_funders(challenge, list(zip(orgs, shares)), seeker, now)
        for funder in funding.funders_of(challenge, include_unaccepted=True):
            if funder.state == "pending":  # the trust, named by the council's seeker, accepts its share
                funding.accept_funding(funder.id, trust_member, now)
        db.session.commit()
        w = SimpleNamespace(broker=broker, seeker=seeker, trust_member=trust_member, council=council, trust=trust,
                            challenge=challenge, winner=winner, runner_up=runner_up, outsider=outsider,
                            sub_a=sub_a, sub_b=sub_b, funders=funding.funders_of(challenge))
        if fund:
            fund_all(w)
        return w

    return build


def fund_all(w) -> None:
    """Invoice every funder and record each bank transfer in full, as a broker would."""
    for funder in funding.funders_of(w.challenge):
        invoice = funding.issue_invoice(funder, w.seeker, clock.now())
        funding.record_bank_transfer(invoice, invoice.amount, invoice.currency, "BACS 123", w.broker, clock.now())
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


@pytest.fixture
def login(login):
    """The suite's `login`, also forgetting the user Flask-Login cached on `g`.

    The app fixture keeps one app context for the whole test, so `g` outlives a request and a
    second `login(...)` in the same test would otherwise still see the first user.
    """
    from flask import g

    def sign_in(user):
        g.pop("_login_user", None)
        return login(user)

    return sign_in
