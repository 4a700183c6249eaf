"""Sending: retries with backoff against a real local receiver, a sender killed mid-send, redirects not
followed, answers kept short, and addresses inside our own network refused (SSRF)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock, jobs
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.webhooks import addresses, sending, services
from challenge.webhooks.models import DeliveryState, WebhookDelivery


def _ping(seekers, hook, url):
    endpoint, _ = hook(seekers.council, url, seekers.owner)
    delivery = services.ping(endpoint, seekers.owner, clock.now())
    db.session.commit()
    return endpoint, delivery.id


def _fresh(delivery_id) -> WebhookDelivery:
    db.session.expire_all()
    return db.session.get(WebhookDelivery, delivery_id)


def test_a_500_is_retried_after_a_minute_then_delivered_with_the_same_delivery_id(seekers, hook, receiver):
    receiver.statuses = [500]
    _, delivery_id = _ping(seekers, hook, receiver.url)
    now = clock.now()
    assert sending.send_due(now) == (0, 1)
    d = _fresh(delivery_id)
    assert (d.state, d.attempts, d.last_status) == (DeliveryState.PENDING, 1, 500)
    assert d.next_attempt_at == now + timedelta(minutes=1)
    assert len(d.response_excerpt) == 300  # the receiver said 1,000 characters; we keep 300
    assert sending.send_due(now + timedelta(seconds=59)) == (0, 0)  # not yet
    assert sending.send_due(now + timedelta(minutes=1)) == (1, 0)
    d = _fresh(delivery_id)
    assert (d.state, d.attempts, d.last_status, d.last_error) == (DeliveryState.DELIVERED, 2, 200, "")
    assert [g.headers["X-Cx-Delivery"] for g in receiver.got] == [d.uid, d.uid]
    assert sending.send_due(now + timedelta(hours=1)) == (0, 0)  # delivered is delivered


def test_the_backoff_grows_and_the_sixth_failure_gives_up(seekers, hook, receiver):
    receiver.statuses = [503] * 6
    _, delivery_id = _ping(seekers, hook, receiver.url)
    now, waits = clock.now(), []
    for _ in range(6):
        assert sending.send_due(now) == (0, 1)
        d = _fresh(delivery_id)
        if d.state == DeliveryState.PENDING:
            waits.append(d.next_attempt_at - now)
            now = d.next_attempt_at
    assert waits == list(sending.RETRY_AFTER)
    assert (d.state, d.attempts) == (DeliveryState.FAILED, 6)
    assert sending.send_due(now + timedelta(days=2)) == (0, 0)


def test_a_sender_killed_mid_send_is_taken_over_and_the_receiver_sees_the_same_delivery_id(
        app, seekers, hook, receiver):
    _, delivery_id = _ping(seekers, hook, receiver.url)
    now = clock.now()
    claim, *_ = sending._claim(delivery_id, now)  # claimed and committed; the process dies before the POST
    assert _fresh(delivery_id).state == DeliveryState.SENDING
    assert sending.send_due(now + timedelta(seconds=30)) == (0, 0)  # another sender leaves a live claim alone
    later = now + timedelta(seconds=app.config["WEBHOOKS_CLAIM_SECONDS"])
    assert sending.send_due(later) == (1, 0)
    d = _fresh(delivery_id)
    assert (d.state, d.attempts) == (DeliveryState.DELIVERED, 2)
    assert [g.headers["X-Cx-Delivery"] for g in receiver.got] == [d.uid]
    # the dead sender's late outcome (had it woken) is not recorded over the takeover's
    assert sending._record(delivery_id, claim, 500, "late", "", later) is False
    assert _fresh(delivery_id).state == DeliveryState.DELIVERED


def test_a_redirect_is_not_followed(seekers, hook, receiver):
    _, delivery_id = _ping(seekers, hook, receiver.url.replace("/hook", "/moved"))
    assert sending.send_due(clock.now()) == (0, 1)
    d = _fresh(delivery_id)
    assert (d.state, d.last_status) == (DeliveryState.PENDING, 302)
    assert receiver.got == []


def test_an_unreachable_receiver_is_an_error_retried_later(seekers, hook, receiver_server):
    _, delivery_id = _ping(seekers, hook, "http://127.0.0.1:9/hook")  # the discard port: nothing listens
    assert sending.send_due(clock.now()) == (0, 1)
    d = _fresh(delivery_id)
    assert d.state == DeliveryState.PENDING and d.last_status is None and "ConnectionError" in d.last_error


def test_the_job_sends_due_deliveries(seekers, hook, receiver):
    _ping(seekers, hook, receiver.url)
    report = jobs.run("webhooks.send")
    assert "Delivered 1 webhook" in " ".join(report.lines)
    assert len(receiver.got) == 1


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.1.2.3/", "http://192.168.0.10/x",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
    "http://100.64.0.1/", "http://224.0.0.1/"])
def test_private_loopback_and_link_local_addresses_are_refused(app, seekers, url):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    try:
        with pytest.raises(FieldError) as refused:
            services.register(seekers.council, url, ["challenge.closed"], seekers.owner, clock.now())
        assert refused.value.field == "url" and "private network" in refused.value.message
    finally:
        app.config["WEBHOOKS_ALLOW_PRIVATE"] = True


@pytest.mark.parametrize("url, words", [
    ("ftp://example.org/hook", "http or https"), ("javascript:alert(1)", "http or https"),
    ("https://", "http or https"), ("https://user:pw@example.org/", "Leave names"),
    ("https://example.org:99999/", "whole URL"), ("x" * 501, "500 characters")])
def test_urls_that_are_not_plain_web_addresses_are_refused(seekers, url, words):
    with pytest.raises(FieldError) as refused:
        services.register(seekers.council, url, ["challenge.closed"], seekers.owner, clock.now())
    assert words in refused.value.message


def test_a_public_address_is_accepted(monkeypatch):
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.215.14"])
    assert addresses.check("https://example.org/hook", allow_private=False) == "https://example.org/hook"
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.215.14", "10.0.0.5"])
    with pytest.raises(FieldError):  # one internal answer among public ones is enough to refuse
        addresses.check("https://example.org/hook", allow_private=False)


def test_an_address_that_turns_private_after_registration_is_refused_at_the_send(app, seekers, hook, receiver):
    _, delivery_id = _ping(seekers, hook, receiver.url)  # registered while private addresses were allowed
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    try:
        assert sending.send_due(clock.now()) == (0, 1)
    finally:
        app.config["WEBHOOKS_ALLOW_PRIVATE"] = True
    assert receiver.got == [] and "private network" in _fresh(delivery_id).last_error


def test_the_log_keeps_ninety_days_of_finished_deliveries(seekers, hook, receiver):
    _, old_id = _ping(seekers, hook, receiver.url)
    sending.send_due(clock.now())
    later = clock.now() + sending.KEEP_LOG + timedelta(minutes=1)
    endpoint = db.session.get(WebhookDelivery, old_id).endpoint
    waiting = services.ping(endpoint, seekers.owner, clock.now()).id  # pending: kept whatever its age
    closed = services.raise_event("challenge.closed", [seekers.council.id], {}, clock.now(),
                                  event_key="challenge.closed:1")[0]
    closed.state = DeliveryState.DELIVERED  # a close's row stays: it is what says the close was announced
    db.session.commit()
    assert sending.prune(later) == 1
    db.session.commit()
    assert _fresh(old_id) is None and _fresh(waiting) is not None and _fresh(closed.id) is not None
