"""The webhook verbs: register an endpoint (its secret shown once), turn it off and on, delete it; raise an
event (one delivery per subscribed endpoint, in the caller's transaction: sent after commit by
`sending.send_due`); a test ping; a redelivery. They flush and never commit."""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError

from challenge.accounts.models import Organisation
from challenge.errors import FieldError, NotAllowed
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform import audit, tx
from challenge.webhooks import addresses
from challenge.webhooks.models import EVENTS, PING, DeliveryState, WebhookDelivery, WebhookEndpoint

SECRET_PREFIX = "whsec_"
MAX_ENDPOINTS = 10


def owner_key(org: Organisation | None) -> str:
    return f"org:{org.id}" if org is not None else "platform"


def endpoints_of(org: Organisation | None) -> list[WebhookEndpoint]:
    """An organisation's endpoints (None: the platform's), oldest first."""
    return list(db.session.scalars(db.select(WebhookEndpoint).where(WebhookEndpoint.owner_key == owner_key(org))
                                   .order_by(WebhookEndpoint.id)))


def deliveries_of(endpoint: WebhookEndpoint):
    """The delivery log's query, newest first (paged by the page)."""
    return (db.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id.desc()))


def register(org: Organisation | None, url: str, events: list[str], actor, now: datetime
             ) -> tuple[WebhookEndpoint, str]:
    """A new endpoint for `org` (None: the platform's); returns it and its signing secret, which the page
    shows this once. Refuses who may not manage the owner's webhooks, an unsafe URL (addresses.check), no
    event or an unknown one, a URL the owner has registered already (a double click), too many endpoints."""
    if not can(actor, "webhooks.manage", org, now):
        raise NotAllowed("Only the organisation's owners can manage its webhooks.")
    url = addresses.check(url, current_app.config.get("WEBHOOKS_ALLOW_PRIVATE", False))
    events = sorted(set(events or []))
    if not events or any(e not in EVENTS for e in events):
        raise FieldError("Choose at least one event to send", "events")
    key = owner_key(org)
    taken = db.session.scalar(db.select(WebhookEndpoint.id).where(WebhookEndpoint.owner_key == key,
                                                                 WebhookEndpoint.url == url))
    if taken is not None:
        raise FieldError("That URL is registered already: it is in the list below", "url")
    if len(endpoints_of(org)) >= MAX_ENDPOINTS:
        raise FieldError(f"There are {MAX_ENDPOINTS} endpoints already: delete one you no longer use", "url")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(organisation_id=org.id if org else None, owner_key=key, url=url, events=events,
                               secret=secret, active=True, created_by_id=actor.id, created_at=now)
    try:
        with db.session.begin_nested():  # two clicks at once: the second meets the unique (owner, url)
            db.session.add(endpoint)
            db.session.flush()
    except IntegrityError:
        raise FieldError("That URL is registered already: it is in the list below", "url") from None
    audit.record(actor, "webhook.register", endpoint, now, data={"url": url, "events": events})
    return endpoint, secret


def set_active(endpoint: WebhookEndpoint, active: bool, actor, now: datetime) -> WebhookEndpoint:
    """Turn an endpoint off (nothing new is written for it; what is queued waits) or on again."""
    if not can(actor, "webhooks.manage", endpoint.organisation, now):
        raise NotAllowed("Only the organisation's owners can manage its webhooks.")
    if endpoint.active != active:
        endpoint.active = active
        audit.record(actor, "webhook.enable" if active else "webhook.disable", endpoint, now,
                     data={"url": endpoint.url})
        db.session.flush()
    return endpoint


def delete(endpoint: WebhookEndpoint, actor, now: datetime) -> None:
    """Delete an endpoint and its delivery log; nothing more is sent to it."""
    if not can(actor, "webhooks.manage", endpoint.organisation, now):
        raise NotAllowed("Only the organisation's owners can manage its webhooks.")
    audit.record(actor, "webhook.delete", endpoint, now, data={"url": endpoint.url})
    db.session.execute(db.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.flush()


def _delivery(endpoint: WebhookEndpoint, event: str, event_id: str, data: dict, now: datetime,
              event_key: str | None = None) -> WebhookDelivery:
    payload = {"id": event_id, "type": event, "created": int(now.timestamp()), "data": data}
    delivery = WebhookDelivery(endpoint_id=endpoint.id, uid=uuid.uuid4().hex, event=event, event_id=event_id,
                               event_key=event_key, payload=payload, state=DeliveryState.PENDING, attempts=0,
                               next_attempt_at=now, created_at=now)
    db.session.add(delivery)
    return delivery


def _has(endpoint_id: int, event_key: str) -> bool:
    return db.session.scalar(db.select(WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.event_key == event_key)) is not None


def raise_event(event: str, organisation_ids, data: dict, now: datetime, *,
                event_key: str | None = None, happened_at: datetime | None = None) -> list[WebhookDelivery]:
    """Write one delivery of `event` for each active endpoint subscribed to it: those of the organisations
    named (the ones the event concerns) and the platform's. Call it in the transaction of the change, so the
    event exists exactly when the change does. With `event_key` (an event found by a scan, which happened at
    `happened_at`), an endpoint that has one already gets no second, and one registered later gets none."""
    keys = [f"org:{i}" for i in organisation_ids if i is not None] + ["platform"]
    endpoints = db.session.scalars(db.select(WebhookEndpoint).where(
        WebhookEndpoint.owner_key.in_(keys), WebhookEndpoint.active.is_(True)).order_by(WebhookEndpoint.id))
    event_id = uuid.uuid4().hex
    out = []
    for endpoint in endpoints:
        if not endpoint.subscribes(event):
            continue
        if event_key is not None:
            if endpoint.created_at > (happened_at or now) or _has(endpoint.id, event_key):
                continue  # registered after it happened, or told already (read without a lock: the usual case)
            # two scans at once: the second waits for the first's commit, then finds its delivery
            if tx.lock(WebhookEndpoint, endpoint.id) is None or _has(endpoint.id, event_key):
                continue
        out.append(_delivery(endpoint, event, event_id, data, now, event_key))
    db.session.flush()
    return out


def ping(endpoint: WebhookEndpoint, actor, now: datetime) -> WebhookDelivery:
    """Queue a test event for the endpoint (sent even when it is turned off, so it can be tried first)."""
    if not can(actor, "webhooks.manage", endpoint.organisation, now):
        raise NotAllowed("Only the organisation's owners can manage its webhooks.")
    delivery = _delivery(endpoint, PING, uuid.uuid4().hex, {"message": "A test from Challenge Exchange.",
                                                            "endpoint": endpoint.id}, now)
    db.session.flush()
    return delivery


def redeliver(delivery: WebhookDelivery, actor, now: datetime) -> WebhookDelivery:
    """Send a delivery's event again as a new delivery (a new X-CX-Delivery id, the same event id and body
    data), as GitHub does. Refuses one still waiting to be sent."""
    if not can(actor, "webhooks.manage", delivery.endpoint.organisation, now):
        raise NotAllowed("Only the organisation's owners can manage its webhooks.")
    if delivery.state in (DeliveryState.PENDING, DeliveryState.SENDING):
        raise FieldError("That delivery is still being sent: wait for its outcome first", "delivery")
    again = _delivery(delivery.endpoint, delivery.event, delivery.event_id, delivery.payload["data"], now)
    audit.record(actor, "webhook.redeliver", delivery.endpoint, now, data={"delivery": delivery.uid})
    db.session.flush()
    return again
