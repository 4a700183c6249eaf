"""Every POST route refuses a request without its CSRF token; the Stripe webhook (exempt, as Stripe
cannot hold a token) refuses a body without a valid signature instead."""
from __future__ import annotations

from challenge.extensions import db
from challenge.platform.models import AuditEvent
from tests.security.sweep_params import url_for_rule

# Exempt: the Stripe webhook (signed) and one-click unsubscribe (RFC 8058: a mail client's POST carries no
# token; the signed link is the key, see tests/privacy/test_consent.py).
# The API is exempt too: a cookie never authenticates it, so a POST without a bearer token is a 401
# (tests/api/test_api_authenticated.py: test_a_cookie_never_authenticates_the_api).
SKIPPED = {"static", "bootstrap.static", "payouts.stripe_webhook", "privacy.unsubscribe", "api.create_challenge",
           "api.create_webhook"}


def test_every_post_without_a_csrf_token_is_refused(app, sec_world, strict_app, login):
    strict = strict_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    audit_before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    problems = []
    posts = [r for r in strict.url_map.iter_rules() if "POST" in r.methods and r.endpoint not in SKIPPED]
    assert len(posts) > 80
    for person in (None, sec_world.broker, sec_world.seeker):
        client = strict.test_client()
        if person is not None:
            login(person, client=client)
        for rule in posts:
            url = url_for_rule(rule, sec_world)
            response = client.post(url, data={"title": "x", "reason": "x", "email": "a@example.org"})
            if response.status_code != 400:
                problems.append(f"POST {url} as {person and person.name}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == audit_before


def test_the_stripe_webhook_is_exempt_but_refuses_an_unsigned_body(app, strict_app):
    strict = strict_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False, PAYMENT_PROVIDER="stripe",
                        STRIPE_WEBHOOK_SECRET="whsec_security_suite", STRIPE_SECRET_KEY="sk_test_x")
    client = strict.test_client()
    body = b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {}}}'
    response = client.post("/webhooks/stripe", data=body, content_type="application/json")
    assert response.status_code == 400
    forged = client.post("/webhooks/stripe", data=body, content_type="application/json",
                         headers={"Stripe-Signature": "t=1,v1=deadbeef"})
    assert forged.status_code == 400
    assert "nosniff" == forged.headers["X-Content-Type-Options"]
    assert "frame-ancestors" in forged.headers["Content-Security-Policy"]
