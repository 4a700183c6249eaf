"""Which payment provider the platform uses, built from the app's config."""
from __future__ import annotations

from flask import current_app

from challenge.payouts.gateways import PaymentGateway, available_providers, get_gateway


def gateway(name: str) -> PaymentGateway:
    return get_gateway(name, current_app.config)


def default_provider() -> str:
    """PAYMENT_PROVIDER when it can be used (stripe needs a key), otherwise manual."""
    wanted = current_app.config.get("PAYMENT_PROVIDER") or "manual"
    return wanted if wanted in available_providers(current_app.config) else "manual"


def card_payments_available() -> bool:
    return "stripe" in available_providers(current_app.config)

