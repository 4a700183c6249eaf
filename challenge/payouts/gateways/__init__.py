"""Payment providers by name: `manual` (the default, no network) and `stripe`.

`get_gateway(name, config)` builds one from the app's config. The Stripe gateway module is
imported only when a Stripe gateway is built, so `import stripe` never happens for `manual`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .base import (
    AccountStatus,
    CheckoutSession,
    InvalidWebhook,
    PaymentGateway,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
    RefundResult,
    TransferResult,
)
from .manual import ManualGateway

__all__ = [
    "GATEWAYS",
    "AccountStatus",
    "CheckoutSession",
    "InvalidWebhook",
    "ManualGateway",
    "PaymentGateway",
    "ProviderError",
    "ProviderRejected",
    "ProviderUnavailable",
    "RefundResult",
    "TransferResult",
    "available_providers",
    "get_gateway",
]


def _manual(config: Mapping[str, Any]) -> PaymentGateway:
    return ManualGateway()


def _stripe(config: Mapping[str, Any]) -> PaymentGateway:
    key = config.get("STRIPE_SECRET_KEY")
    if not key:
        raise ValueError("The stripe payment provider needs STRIPE_SECRET_KEY to be set")
    from .stripe import StripeGateway  # the only place `stripe` gets imported

    return StripeGateway(
        key,
        api_base=config.get("STRIPE_API_BASE") or None,
        timeout=float(config.get("STRIPE_TIMEOUT") or 10),
    )


GATEWAYS: dict[str, Callable[[Mapping[str, Any]], PaymentGateway]] = {
    "manual": _manual,
    "stripe": _stripe,
}


def get_gateway(name: str, config: Mapping[str, Any]) -> PaymentGateway:
    """Build the gateway called `name`; KeyError for an unknown name, ValueError for stripe without a key."""
    try:
        build = GATEWAYS[name]
    except KeyError:
        raise KeyError(f"Unknown payment provider {name!r}; known: {', '.join(GATEWAYS)}") from None
    return build(config)


def available_providers(config: Mapping[str, Any]) -> list[str]:
    """The providers this configuration can use: always "manual", "stripe" when a key is set."""
    return [name for name in GATEWAYS if name == "manual" or config.get("STRIPE_SECRET_KEY")]
