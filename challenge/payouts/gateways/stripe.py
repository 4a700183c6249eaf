"""The Stripe provider: Checkout for funders, Connect Express accounts and transfers for payees.

This is the only module in the project that imports `stripe`. It speaks to Stripe through a
`stripe.StripeClient` with automatic retries switched off: the services decide when to retry, and
always with the same idempotency key. `api_base` points the client at another server (the fake
Stripe in the tests, or stripe-mock).

The flow is "separate charges and transfers": funders pay the platform by Checkout, and payouts
are later sent as transfers to the winners' connected accounts.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import stripe

from .base import (
    AccountStatus,
    CheckoutSession,
    InvalidWebhook,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
    RefundResult,
    PaymentResult,
    TransferResult,
    check_amount,
    check_currency,
    check_text,
)

DEFAULT_TOLERANCE = 300  # seconds a webhook signature stays valid, as in Stripe's own libraries


def translate_error(exc: stripe.StripeError) -> ProviderError:
    """Map a stripe exception to ours: retryable when the outcome is unknown, rejected on a clear 4xx."""
    status = exc.http_status
    message = exc.user_message or type(exc).__name__
    retryable = (
        isinstance(exc, (stripe.APIConnectionError, stripe.RateLimitError))
        or status is None
        or status >= 500
        or status in (409, 429)  # 409: the same key is still being processed; 429: rate limited
        or status < 400
    )
    kind = ProviderUnavailable if retryable else ProviderRejected
    return kind(message, code=exc.code, status=status)


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except stripe.StripeError as exc:
        raise translate_error(exc) from exc


def _plain(obj: Any) -> dict[str, Any]:
    """A stripe response as plain nested dicts."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _id_of(value: Any) -> str:
    """A field that is an id, or an expanded object carrying one."""
    return value["id"] if isinstance(value, Mapping) else str(value)


def _transfer_result(data: Mapping[str, Any]) -> TransferResult:
    return TransferResult(
        id=data["id"],
        amount=int(data["amount"]),
        currency=str(data["currency"]).upper(),
        destination=_id_of(data["destination"]),
    )


def construct_event(
    payload: bytes, signature_header: str, secret: str, tolerance: int = DEFAULT_TOLERANCE
) -> dict[str, Any]:
    """Verify a webhook's `Stripe-Signature` and return the event as plain dicts.

    Refuses (with `InvalidWebhook`) a missing or wrong signature, a timestamp older than
    `tolerance` seconds, a body that is not JSON, and JSON that is not an event with `id`, `type`
    and `data.object`.
    """
    try:
        stripe.WebhookSignature.verify_header(payload, signature_header, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook(exc.user_message or "Invalid signature", code="signature") from exc
    except (UnicodeDecodeError, ValueError, TypeError) as exc:
        raise InvalidWebhook(f"Unreadable webhook: {exc}", code="payload") from exc
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise InvalidWebhook("Webhook body is not JSON", code="payload") from exc
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise InvalidWebhook("Webhook body is not a Stripe event", code="payload")
    event.setdefault("livemode", False)
    return event


class StripeGateway:
    """A `PaymentGateway` backed by the Stripe API."""

    name = "stripe"
    needs_network = True
    paid_by_hand = False

    def __init__(self, secret_key: str, api_base: str | None = None, timeout: float = 10) -> None:
        check_text(secret_key, "secret_key")
        self.livemode = secret_key.startswith(("sk_live_", "rk_live_"))
        base = api_base.rstrip("/") if api_base else None
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": base, "connect": base, "files": base} if base else None,
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=timeout),
        )
        self._v1 = self._client.v1

    @staticmethod
    def _options(idempotency_key: str) -> dict[str, str]:
        return {"idempotency_key": check_text(idempotency_key, "idempotency_key")}

    def create_checkout_session(
        self,
        *,
        amount: int,
        currency: str,
        description: str,
        reference: str,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> CheckoutSession:
        """A one-line Checkout payment; `reference` is echoed as client_reference_id and metadata."""
        check_amount(amount)
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": check_currency(currency).lower(),
                        "unit_amount": amount,
                        "product_data": {"name": check_text(description, "description")},
                    },
                }
            ],
            "client_reference_id": check_text(reference, "reference"),
            "metadata": {"reference": reference},
            "payment_intent_data": {"metadata": {"reference": reference}},
            "success_url": check_text(success_url, "success_url"),
            "cancel_url": check_text(cancel_url, "cancel_url"),
        }
        options = self._options(idempotency_key)
        with _translated():
            session = _plain(self._v1.checkout.sessions.create(params, options))
        return CheckoutSession(id=session["id"], url=session["url"])

    def create_payee_account(self, *, email: str, country: str = "GB", idempotency_key: str) -> str:
        """An Express account asking for the transfers capability."""
        params = {
            "type": "express",
            "country": check_text(country, "country").upper(),
            "email": check_text(email, "email"),
            "capabilities": {"transfers": {"requested": True}},
        }
        options = self._options(idempotency_key)
        with _translated():
            account = _plain(self._v1.accounts.create(params, options))
        return account["id"]

    def onboarding_link(self, *, account_id: str, return_url: str, refresh_url: str) -> str:
        """A single-use Stripe-hosted onboarding URL (it expires after a few minutes)."""
        params = {
            "account": check_text(account_id, "account_id"),
            "type": "account_onboarding",
            "return_url": check_text(return_url, "return_url"),
            "refresh_url": check_text(refresh_url, "refresh_url"),
        }
        with _translated():
            link = _plain(self._v1.account_links.create(params))
        return link["url"]

    def account_status(self, account_id: str) -> AccountStatus:
        """Ready for transfers when the transfers capability is "active"."""
        with _translated():
            account = _plain(self._v1.accounts.retrieve(check_text(account_id, "account_id")))
        capabilities = account.get("capabilities") or {}
        return AccountStatus(
            id=account["id"],
            transfers_active=capabilities.get("transfers") == "active",
            details_submitted=bool(account.get("details_submitted")),
        )

    def transfer(
        self,
        *,
        amount: int,
        currency: str,
        destination: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> TransferResult:
        """Send `amount` from the platform balance to a connected account."""
        params = {
            "amount": check_amount(amount),
            "currency": check_currency(currency).lower(),
            "destination": check_text(destination, "destination"),
            "metadata": {str(k): str(v) for k, v in (metadata or {}).items()},
        }
        options = self._options(idempotency_key)
        with _translated():
            transfer = _plain(self._v1.transfers.create(params, options))
        return _transfer_result(transfer)

    def reverse_transfer(self, *, transfer_id: str, amount: int | None, idempotency_key: str) -> str:
        """Reverse all of a transfer (`amount=None`) or part of it; returns the reversal id."""
        params = {} if amount is None else {"amount": check_amount(amount)}
        transfer_id = check_text(transfer_id, "transfer_id")
        options = self._options(idempotency_key)
        with _translated():
            reversal = _plain(self._v1.transfers.reversals.create(transfer_id, params, options))
        return reversal["id"]

    def refund(self, *, payment_reference: str, amount: int, idempotency_key: str) -> RefundResult:
        """Refund part or all of a PaymentIntent."""
        params = {
            "payment_intent": check_text(payment_reference, "payment_reference"),
            "amount": check_amount(amount),
        }
        options = self._options(idempotency_key)
        with _translated():
            refund = _plain(self._v1.refunds.create(params, options))
        return RefundResult(id=refund["id"], amount=int(refund["amount"]), status=str(refund["status"]))

    def get_transfer(self, transfer_id: str) -> TransferResult | None:
        """The transfer as Stripe has it, or None when Stripe answers 404."""
        try:
            with _translated():
                transfer = _plain(self._v1.transfers.retrieve(check_text(transfer_id, "transfer_id")))
        except ProviderRejected as exc:
            if exc.status == 404:
                return None
            raise
        return _transfer_result(transfer)

    def get_payment(self, payment_reference: str) -> PaymentResult | None:
        """The PaymentIntent as Stripe has it, or None when Stripe answers 404."""
        try:
            with _translated():
                intent = _plain(self._v1.payment_intents.retrieve(check_text(payment_reference, "payment_reference")))
        except ProviderRejected as exc:
            if exc.status == 404:
                return None
            raise
        return PaymentResult(id=intent["id"], amount_received=int(intent.get("amount_received") or 0),
                             currency=str(intent["currency"]).upper(), status=str(intent.get("status", "")))

    def construct_event(
        self, payload: bytes, signature_header: str, secret: str, tolerance: int = DEFAULT_TOLERANCE
    ) -> dict[str, Any]:
        """See the module-level `construct_event`."""
        return construct_event(payload, signature_header, secret, tolerance)
