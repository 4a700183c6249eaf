"""Stripe webhooks: verified, recorded once by event id, applied once, never moving a state backwards.

`receive` verifies the signature (via the Stripe gateway, with STRIPE_WEBHOOK_SECRET and a 300 s
tolerance), records a ProviderEvent (its unique event id makes a second delivery fail to insert, so
it is answered 200 and not applied again), and applies the event in the same transaction. Events
whose object is already in a later state change nothing. Test-mode events are ignored by a live-mode
platform.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError

from challenge.errors import DomainError
from challenge.extensions import db
from challenge.payouts.payments import record_payment
from challenge.payouts.gateways import InvalidWebhook
from challenge.payouts.models import Funding, PayeeAccount, Payout, ProviderEvent, Refund
from challenge.payouts.payees import apply_status
from challenge.payouts.providers import gateway
from challenge.payouts.refunds import record_refund_success
from challenge.payouts.release import record_reversal
from challenge.payouts.states import FundingState, RefundState
from challenge.platform import tx
from challenge.words import count


class WebhookRefused(Exception):
    """The request cannot be trusted or read: answer 400 and change nothing."""


def _checkout_completed(obj: dict, event: dict, now: datetime) -> str:
    funding = db.session.scalar(db.select(Funding).where(Funding.checkout_session_id == obj.get("id")))
    if funding is None and obj.get("client_reference_id"):
        funding = db.session.scalar(db.select(Funding).where(Funding.reference == obj["client_reference_id"]))
    if funding is None:
        return "no payment with this session"
    if funding.state != FundingState.PENDING:
        return f"payment already {funding.state}"
    if obj.get("payment_status") != "paid":
        return "session not paid yet"
    amount, currency = obj.get("amount_total"), str(obj.get("currency") or "").upper()
    if amount != funding.amount or currency != funding.currency:
        return f"amount {amount} {currency} does not match the payment; left for reconciliation"
    funding.checkout_session_id = funding.checkout_session_id or obj.get("id")
    record_payment(funding, amount, currency, now, payment_intent_id=obj.get("payment_intent"))
    return "payment recorded"


def _account_updated(obj: dict, event: dict, now: datetime) -> str:
    account = db.session.scalar(db.select(PayeeAccount).where(PayeeAccount.provider_account_id == obj.get("id")))
    if account is None:
        return "unknown account"
    active = (obj.get("capabilities") or {}).get("transfers") == "active"
    if not apply_status(account, active, now, as_of=int(event.get("created") or 0)):
        return "older than the status already applied"
    return f"account {account.state}"


def _transfer_reversed(obj: dict, event: dict, now: datetime) -> str:
    payout = db.session.scalar(db.select(Payout).where(Payout.provider_reference == obj.get("id")))
    if payout is None:
        return "unknown transfer"
    if obj.get("amount_reversed", 0) < payout.amount:
        return "partial reversal; left for reconciliation"
    reversals = ((obj.get("reversals") or {}).get("data") or [{}])
    done = record_reversal(payout, str(reversals[-1].get("id") or obj["id"]), "Reversed at Stripe", None, now)
    return "payout reversed" if done else f"payout already {payout.state}"


def _charge_refunded(obj: dict, event: dict, now: datetime) -> str:
    intent = obj.get("payment_intent")
    refunds = db.session.scalars(db.select(Refund).join(Funding).where(
        Funding.payment_intent_id == intent, Refund.state == RefundState.PENDING).order_by(Refund.id)).all()
    confirmed = sum(r.amount for r in db.session.scalars(db.select(Refund).join(Funding).where(
        Funding.payment_intent_id == intent, Refund.state == RefundState.SUCCEEDED)))
    stripe_refunds = {r.get("id") for r in ((obj.get("refunds") or {}).get("data") or [])}
    applied = 0
    for refund in refunds:
        if confirmed + refund.amount > int(obj.get("amount_refunded") or 0):
            break
        record_refund_success(refund, refund.provider_reference or next(iter(stripe_refunds), "") or obj["id"],
                              None, now)
        confirmed += refund.amount
        applied += 1
    return f"{count(applied, 'refund')} confirmed"


HANDLERS: dict[str, Callable[[dict, dict, datetime], str]] = {
    "checkout.session.completed": _checkout_completed,
    "account.updated": _account_updated,
    "transfer.reversed": _transfer_reversed,
    "charge.refunded": _charge_refunded,
}


def receive(payload: bytes, signature: str, now: datetime) -> str:
    """Verify, record and apply one delivery; commits. Raises WebhookRefused for a 400."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret or not current_app.config.get("STRIPE_SECRET_KEY"):
        raise WebhookRefused("Stripe webhooks are not configured")
    stripe_gateway = gateway("stripe")
    try:
        event = stripe_gateway.construct_event(payload, signature or "", secret)
    except InvalidWebhook as exc:
        raise WebhookRefused(exc.message) from exc
    record = ProviderEvent(provider="stripe", event_id=event["id"][:120], type=event["type"][:80],
                           livemode=bool(event.get("livemode")), received_at=now)
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        tx.rollback()
        return "already received"
    if record.livemode != getattr(stripe_gateway, "livemode", False):
        record.outcome = "ignored: test-mode event on a live platform" if not record.livemode else \
            "ignored: live event on a test platform"
    else:
        handler = HANDLERS.get(record.type)
        try:
            with db.session.begin_nested():
                outcome = handler(event["data"]["object"], event, now) if handler else "ignored: not used"
        except DomainError as exc:  # recorded, so a redelivery does not try again; reconcile reports it
            outcome = f"refused: {exc.message}"
        record.outcome = outcome[:300]
    record.processed_at = now
    tx.commit()
    return record.outcome
