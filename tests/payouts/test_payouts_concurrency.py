"""Real concurrency on PostgreSQL: one transfer for twenty releases, one application for three deliveries;
and a process killed between the provider call and the commit, then retried, pays exactly once."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.payouts import awards, ledger, release
from challenge.payouts.models import Funding, LedgerTransaction, Payout, ProviderEvent
from tests.payouts.payouts_helpers import fund_by_card, stripe_payee
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads as _in_threads
from tests.stripe_support import WEBHOOK_SECRET

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ready_payout(world, client, stripe_config):
    """A fully funded challenge (by card), the winner's Stripe account active, the payout ready."""
    w = world(fund=False)
    fund_by_card(client, stripe_config, w)
    stripe_payee(client, stripe_config, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    w.payout_id = award.payouts[0].id
    assert db.session.get(Payout, w.payout_id).state == "ready"
    db.session.commit()
    return w


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_twenty_simultaneous_releases_send_one_transfer(app, ready_payout, stripe_config):
    w, fake = ready_payout, stripe_config
    broker_id, payout_id = w.broker.id, w.payout_id

    def release_it():
        return release.release_payout(payout_id, db.session.get(User, broker_id), clock.now())

    results = _in_threads(app, 20, release_it)
    paid = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(paid) == 1 and paid[0].state == "paid"
    assert len(refused) == 19, [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    assert len(fake.calls("POST", "/v1/transfers")) == 1
    assert len(fake.transfers) == 1
    db.session.expire_all()
    assert db.session.get(Payout, payout_id).state == "paid"
    assert ledger.balance(ledger.payee(payout_id), "GBP") == 1_000_000


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_the_same_webhook_delivered_three_times_at_once_is_applied_once(app, world, stripe_config):
    from challenge.payouts import funding

    w, fake = world(fund=False), stripe_config
    row = funding.begin_checkout(w.funders[0], w.seeker, clock.now())
    db.session.commit()
    funding.open_checkout(row.id, "https://cx.example/d", "https://cx.example/b", clock.now())
    session = fake.complete_checkout(db.session.get(Funding, row.id).checkout_session_id)
    raw = fake.event_payload("checkout.session.completed", session, event_id="evt_thrice")
    header = fake.sign_webhook(raw, WEBHOOK_SECRET)
    db.session.commit()

    def deliver():
        return app.test_client().post("/webhooks/stripe", data=raw, headers={"Stripe-Signature": header}).status_code

    assert _in_threads(app, 3, deliver) == [200, 200, 200]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(ProviderEvent.id))) == 1
    assert db.session.scalar(db.select(db.func.count(LedgerTransaction.id))) == 1
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 630_000


# A worker that dies between the provider call (step 2) and recording its result (step 3): the crash is put in
# by this script, around the real step 2, so the application carries no hook for it.
CRASHING_RELEASE = """
import os, sys
from challenge import create_app, clock
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.payouts import release
provider_call = release._call_provider
def call_then_die(intent):
    provider_call(intent)
    os._exit(1)
release._call_provider = call_then_die
app = create_app({
    "SQLALCHEMY_DATABASE_URI": sys.argv[1], "SQLALCHEMY_ENGINE_OPTIONS": {}, "SECRET_KEY": "test-secret",
    "STRIPE_SECRET_KEY": "sk_test_fake_123", "STRIPE_API_BASE": sys.argv[2], "PAYMENT_PROVIDER": "stripe",
})
with app.app_context():
    release.release_payout(int(sys.argv[3]), db.session.get(User, int(sys.argv[4])), clock.now())
print("not reached")
"""


def test_a_crash_after_the_provider_call_is_repaired_by_a_retry_with_the_same_key(app, ready_payout, stripe_config):
    # Runs on both databases: it needs a second process, not concurrency.
    w, fake = ready_payout, stripe_config
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.commit()
    done = subprocess.run([sys.executable, "-c", CRASHING_RELEASE, url, fake.url, str(w.payout_id), str(w.broker.id)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "not reached" not in done.stdout
    assert len(fake.transfers) == 1
    db.session.expire_all()
    payout = db.session.get(Payout, w.payout_id)
    assert payout.state == "processing" and payout.provider_reference is None
    assert ledger.balance(ledger.payee(w.payout_id), "GBP") == 0

    outcome = release.retry_payout(w.payout_id, w.broker, clock.now())

    assert outcome.state == "paid"
    assert len(fake.transfers) == 1
    calls = fake.calls("POST", "/v1/transfers")
    assert [c.idempotency_key for c in calls] == [f"payout-{w.payout_id}-attempt-1"] * 2
    assert calls[1].replayed
    db.session.expire_all()
    assert db.session.get(Payout, w.payout_id).provider_reference == next(iter(fake.transfers))
    assert ledger.balance(ledger.payee(w.payout_id), "GBP") == 1_000_000
