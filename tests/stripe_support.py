"""The fake Stripe server on 127.0.0.1, and the app switched to the Stripe provider against it.

A plugin of the suite (tests/conftest.py lists it), so the payouts tests and the security sweeps use the
same fixtures without importing them from another package's conftest.
"""
from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from tests.payouts.fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_payouts"


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


@pytest.fixture
def stripe_config(app, fake_stripe):
    """Switch the app to the Stripe provider, pointed at the fake; restored afterwards."""
    saved = {k: app.config.get(k) for k in ("STRIPE_SECRET_KEY", "STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET",
                                            "PAYMENT_PROVIDER", "STRIPE_TIMEOUT")}
    app.config.update(STRIPE_SECRET_KEY="sk_test_fake_123", STRIPE_API_BASE=fake_stripe.url,
                      STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, PAYMENT_PROVIDER="stripe", STRIPE_TIMEOUT=2)
    yield fake_stripe
    app.config.update(saved)
