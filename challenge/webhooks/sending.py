"""Sending deliveries: the `webhooks.send` job (challenge/jobs/tasks.py) runs `send_due`.

Each attempt is three steps, as the email outbox's are (platform/outbox.py): claim the delivery under its
row lock and commit (state sending, a claim id); POST outside any transaction; record the outcome under the
lock, if the claim is still this attempt's. A sender killed mid-send leaves the delivery `sending`; after
WEBHOOKS_CLAIM_SECONDS another run takes it over and sends it again with the same X-CX-Delivery id, so a
receiver that got it the first time can tell (delivery is at least once). Two senders at once: the second
waits for the lock, then finds it claimed and leaves it.

A 2xx answer is delivered; anything else (another status, a redirect, a timeout, a refused address) is
retried after RETRY_AFTER[attempts - 1], then failed. Only a short excerpt of the answer is kept.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import requests
from flask import current_app

from challenge.errors import FieldError
from challenge.extensions import db
from challenge.webhooks import addresses, signing
from challenge.webhooks.models import DeliveryState, WebhookDelivery

# The wait after each failed attempt; after the last, the delivery has failed (six attempts in ~14.6 hours).
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
               timedelta(hours=12))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
TIMEOUT = (3, 10)  # seconds to connect, to read the answer
EXCERPT = 300
USER_AGENT = "ChallengeExchange-Webhooks/1"
KEEP_LOG = timedelta(days=90)  # how long a delivered or failed delivery stays in the log


def body_of(delivery: WebhookDelivery) -> bytes:
    """The exact bytes signed and sent (the same at every attempt)."""
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def _claim_timeout() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("WEBHOOKS_CLAIM_SECONDS", 60)))


def _locked(delivery_id: int) -> WebhookDelivery | None:
    return db.session.scalar(db.select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                             .with_for_update().execution_options(populate_existing=True))


def _claim(delivery_id: int, now: datetime) -> tuple[str, str, dict, bytes, str] | None:
    """Step 1, under the lock: take a due delivery (pending, or held by a sender that died); commit."""
    delivery = _locked(delivery_id)
    due = delivery is not None and (
        (delivery.state == DeliveryState.PENDING and delivery.next_attempt_at <= now)
        or (delivery.state == DeliveryState.SENDING and delivery.claimed_at <= now - _claim_timeout()))
    if not due:
        db.session.rollback()
        return None
    delivery.state, delivery.claim_id, delivery.claimed_at = DeliveryState.SENDING, uuid.uuid4().hex, now
    delivery.attempts += 1
    delivery.last_attempt_at = now
    endpoint = delivery.endpoint
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "X-CX-Event": delivery.event,
               "X-CX-Delivery": delivery.uid}
    claimed = (delivery.claim_id, endpoint.url, headers, body_of(delivery), endpoint.secret)
    db.session.commit()
    return claimed


def _post(url: str, headers: dict, body: bytes, secret: str, now: datetime) -> tuple[int | None, str, str]:
    """Step 2, outside any transaction: (status, error, excerpt of the answer)."""
    try:
        addresses.check(url, current_app.config.get("WEBHOOKS_ALLOW_PRIVATE", False))
    except FieldError as refused:
        return None, refused.message, ""
    headers = {**headers, "X-CX-Signature": signing.header(secret, int(now.timestamp()), body)}
    try:
        with requests.post(url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False,
                           stream=True) as answer:
            excerpt = next(answer.iter_content(EXCERPT), b"")[:EXCERPT].decode("utf-8", "replace")
            error = "" if 200 <= answer.status_code < 300 else f"The receiver answered {answer.status_code}"
            return answer.status_code, error, excerpt
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500], ""


def _record(delivery_id: int, claim: str, status: int | None, error: str, excerpt: str, now: datetime) -> bool:
    """Step 3, under the lock: this attempt's outcome, if the delivery is still this attempt's."""
    delivery = _locked(delivery_id)
    if delivery is None or delivery.state != DeliveryState.SENDING or delivery.claim_id != claim:
        db.session.rollback()  # taken over after a timeout (or deleted): the other attempt records
        return False
    delivery.last_status, delivery.last_error, delivery.response_excerpt = status, error, excerpt
    if not error:
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
    else:
        delivery.state = DeliveryState.PENDING
        delivery.next_attempt_at = now + RETRY_AFTER[delivery.attempts - 1]
    db.session.commit()
    return not error


def send_one(delivery_id: int, now: datetime) -> bool | None:
    """One attempt at one delivery: True (delivered), False (failed, retried later or given up), None (not
    due, or another sender has it)."""
    claimed = _claim(delivery_id, now)
    if claimed is None:
        return None
    claim, url, headers, body, secret = claimed
    status, error, excerpt = _post(url, headers, body, secret, now)
    return _record(delivery_id, claim, status, error, excerpt, now)


def send_due(now: datetime, limit: int = 200) -> tuple[int, int]:
    """Send the deliveries whose time has come and take over those whose sender died: (delivered, failed)."""
    stale = now - _claim_timeout()
    due = db.session.scalars(
        db.select(WebhookDelivery.id)
        .where(db.or_(db.and_(WebhookDelivery.state == DeliveryState.PENDING, WebhookDelivery.next_attempt_at <= now),
                      db.and_(WebhookDelivery.state == DeliveryState.SENDING, WebhookDelivery.claimed_at <= stale)))
        .order_by(WebhookDelivery.id).limit(limit)).all()
    db.session.commit()  # ends the read: each delivery is then claimed in a transaction of its own
    outcomes = [send_one(i, now) for i in due]
    return outcomes.count(True), outcomes.count(False)


def prune(now: datetime) -> int:
    """Delete delivered and failed deliveries older than KEEP_LOG (the log is for recent trouble), except a
    challenge.closed one, whose row is what keeps that close from being announced twice."""
    done = db.delete(WebhookDelivery).where(
        WebhookDelivery.state.in_((DeliveryState.DELIVERED, DeliveryState.FAILED)),
        WebhookDelivery.created_at < now - KEEP_LOG, WebhookDelivery.event_key.is_(None))
    return db.session.execute(done).rowcount or 0
