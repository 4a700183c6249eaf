"""The payment-provider boundary: plain data in, plain data out.

Gateways never see ORM models. Amounts are always integer minor units (pence) and every amount
travels with an ISO 4217 currency code; results carry the code in upper case ("GBP"), whatever
case the provider uses on the wire.

Every call that moves money or creates something takes an `idempotency_key`. The service layer
derives the key from the database row that records the intent (for example
`f"payout-{payout.id}-transfer"`), commits, then calls the gateway; if the call raises
`ProviderUnavailable` it is safe to call again later with the *same* key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class CheckoutSession:
    """Where to send a funder to pay: the provider's session id and the page to redirect to."""

    id: str
    url: str


@dataclass(frozen=True)
class PaymentResult:
    """A payment a funder made (a Stripe PaymentIntent), as the provider has it: for reconciliation."""

    id: str
    amount_received: int
    currency: str
    status: str


@dataclass(frozen=True)
class TransferResult:
    """Money sent from the platform to a payee's account."""

    id: str
    amount: int
    currency: str
    destination: str


@dataclass(frozen=True)
class RefundResult:
    """Money returned to a funder; `status` uses Stripe's words ("succeeded", "pending", ...)."""

    id: str
    amount: int
    status: str


@dataclass(frozen=True)
class AccountStatus:
    """Whether a payee's account can receive transfers yet."""

    id: str
    transfers_active: bool
    details_submitted: bool


class ProviderError(Exception):
    """Anything the payment provider refused or could not do.

    `message` is safe to log and to show to broker staff; `code` is the provider's error code when
    it gave one; `status` is the HTTP status when there was a response.
    """

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class ProviderUnavailable(ProviderError):
    """Timeout, connection failure, rate limit or provider-side 5xx.

    The outcome is unknown: the provider may or may not have acted. Retry later with the SAME
    idempotency key, never a new one, or reconcile (for example with `get_transfer`).
    """


class ProviderRejected(ProviderError):
    """The provider understood the request and said no (a 4xx). Do not retry unchanged."""


class InvalidWebhook(ProviderError):
    """A webhook whose signature, timestamp or body cannot be trusted."""


_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


def check_amount(amount: object, name: str = "amount") -> int:
    """Return `amount` if it is a positive int of minor units; refuse floats, bools, zero, negatives."""
    if type(amount) is not int:  # bool is a subclass of int: refuse it too
        raise ValueError(f"{name} must be an int of minor units (pence), not {type(amount).__name__}")
    if amount <= 0:
        raise ValueError(f"{name} must be positive, got {amount}")
    return amount


def check_currency(currency: object) -> str:
    """Return the ISO 4217 code in upper case; refuse anything that is not three letters."""
    if not isinstance(currency, str) or not _CURRENCY.match(currency):
        raise ValueError(f"currency must be a 3-letter ISO code, got {currency!r}")
    return currency.upper()


def check_text(value: object, name: str) -> str:
    """Return `value` if it is a non-empty string (idempotency keys, ids, references)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value


@runtime_checkable
class PaymentGateway(Protocol):
    """What the payouts services need from a payment provider.

    Every method validates its arguments (raising `ValueError`) before any network call, and
    raises `ProviderUnavailable` or `ProviderRejected` for provider failures.
    """

    name: str
    needs_network: bool
    # True when a transfer is only an instruction to a person, who then makes it at the bank and records the
    # bank's reference (manual); False when the provider's answer means the money has moved (stripe).
    paid_by_hand: bool

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
        """Start a payment of `amount` by a funder; `reference` comes back in webhooks."""
        ...

    def create_payee_account(self, *, email: str, country: str = "GB", idempotency_key: str) -> str:
        """Create an account that can receive transfers; returns its id."""
        ...

    def onboarding_link(self, *, account_id: str, return_url: str, refresh_url: str) -> str:
        """A URL where the payee gives their details to the provider."""
        ...

    def account_status(self, account_id: str) -> AccountStatus:
        """Whether the account can receive transfers yet."""
        ...

    def transfer(
        self,
        *,
        amount: int,
        currency: str,
        destination: str,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> TransferResult:
        """Send `amount` from the platform's balance to the `destination` account."""
        ...

    def reverse_transfer(self, *, transfer_id: str, amount: int | None, idempotency_key: str) -> str:
        """Take back all (`amount=None`) or part of a transfer; returns the reversal id."""
        ...

    def refund(self, *, payment_reference: str, amount: int, idempotency_key: str) -> RefundResult:
        """Return `amount` of a funder's payment (`payment_reference`: the PaymentIntent id for Stripe)."""
        ...

    def get_transfer(self, transfer_id: str) -> TransferResult | None:
        """The transfer as the provider knows it, or None if it does not exist (for reconciliation)."""
        ...

    def get_payment(self, payment_reference: str) -> PaymentResult | None:
        """The funder's payment as the provider knows it, or None if it does not exist (for reconciliation)."""
        ...
