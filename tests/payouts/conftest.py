"""Fixtures for the payment-provider tests: a fake Stripe server on 127.0.0.1.

No Flask app here: the gateways are tested on their own.
"""
from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

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
