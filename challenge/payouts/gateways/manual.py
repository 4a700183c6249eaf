"""The manual provider: bank transfers made by broker staff outside the platform.

This is the default and needs no network. The gateway only hands out references; the money moves
when a person makes the bank transfer, and the platform records that:

- Funding: `create_checkout_session` returns the `success_url` unchanged, which the caller points
  at the invoice page (bank details plus the reference). The pool is funded when a broker records
  the funder's bank transfer against that reference, not by any call here.
- Payees: bank details are collected by our own form at `return_url` and stored (masked) by the
  app, so an account is ready as soon as it has an id.
- Transfers, reversals and refunds: the returned reference is what staff quote on the bank
  transfer they make.

Every reference is derived from the idempotency key, so repeating a call with the same key gives
the same answer and no state is kept. A transfer id also spells out its amount, currency and
destination, so `get_transfer` can answer for any id this gateway could have produced.
"""
from __future__ import annotations

import hashlib
import re

from .base import (
    AccountStatus,
    CheckoutSession,
    RefundResult,
    PaymentResult,
    TransferResult,
    check_amount,
    check_currency,
    check_text,
)

_TRANSFER_ID = re.compile(
    r"manual-tr-(?P<digest>[0-9a-f]{16})-(?P<amount>[1-9][0-9]*)-(?P<currency>[A-Z]{3})-(?P<destination>.+)",
    re.DOTALL,
)


def _digest(kind: str, idempotency_key: str) -> str:
    """16 hex characters of sha256 over the kind and key: short, stable, not guessable from ids."""
    return hashlib.sha256(f"{kind}:{idempotency_key}".encode()).hexdigest()[:16]


def _reference(kind: str, idempotency_key: str) -> str:
    return f"manual-{kind}-{_digest(kind, check_text(idempotency_key, 'idempotency_key'))}"


class ManualGateway:
    """A stateless `PaymentGateway` for money moved by hand; see the module docstring."""

    name = "manual"
    needs_network = False
    paid_by_hand = True

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
        """Return a session whose url is `success_url`: the invoice page for `reference`."""
        check_amount(amount)
        check_currency(currency)
        check_text(reference, "reference")
        check_text(success_url, "success_url")
        return CheckoutSession(id=_reference("cs", idempotency_key), url=success_url)

    def create_payee_account(self, *, email: str, country: str = "GB", idempotency_key: str) -> str:
        """Return an account reference; the bank details themselves live in our database."""
        check_text(email, "email")
        check_text(country, "country")
        return _reference("acct", idempotency_key)

    def onboarding_link(self, *, account_id: str, return_url: str, refresh_url: str) -> str:
        """Send the payee straight back to our own bank-details form."""
        check_text(account_id, "account_id")
        return check_text(return_url, "return_url")

    def account_status(self, account_id: str) -> AccountStatus:
        """Ready as soon as there is an account id (the app checks the bank details)."""
        ready = bool(account_id)
        return AccountStatus(id=account_id, transfers_active=ready, details_submitted=ready)

    def transfer(
        self,
        *,
        amount: int,
        currency: str,
        destination: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> TransferResult:
        """Return the reference for a bank transfer that staff will make."""
        check_amount(amount)
        code = check_currency(currency)
        check_text(destination, "destination")
        digest = _digest("tr", check_text(idempotency_key, "idempotency_key"))
        return TransferResult(
            id=f"manual-tr-{digest}-{amount}-{code}-{destination}",
            amount=amount,
            currency=code,
            destination=destination,
        )

    def reverse_transfer(self, *, transfer_id: str, amount: int | None, idempotency_key: str) -> str:
        """Return the reference for money the payee sends back."""
        check_text(transfer_id, "transfer_id")
        if amount is not None:
            check_amount(amount)
        return _reference("trr", idempotency_key)

    def refund(self, *, payment_reference: str, amount: int, idempotency_key: str) -> RefundResult:
        """Return the reference for a refund staff will pay; "succeeded" means instructed, not cleared."""
        check_amount(amount)
        check_text(payment_reference, "payment_reference")
        return RefundResult(id=_reference("re", idempotency_key), amount=amount, status="succeeded")

    def get_payment(self, payment_reference: str) -> PaymentResult | None:
        """Bank transfers are recorded by a broker, not taken by this gateway: there is nothing to look up."""
        return None

    def get_transfer(self, transfer_id: str) -> TransferResult | None:
        """Rebuild a transfer from its id, or None if this gateway could not have produced the id."""
        match = _TRANSFER_ID.fullmatch(transfer_id or "")
        if match is None:
            return None
        return TransferResult(
            id=transfer_id,
            amount=int(match["amount"]),
            currency=match["currency"],
            destination=match["destination"],
        )
