"""How winners are paid: bank details for the manual provider, a Stripe Connect Express account otherwise.

Bank details are stored encrypted with a key derived from SECRET_KEY; pages show only the last four
digits of the account number.
"""
from __future__ import annotations

import base64
import json
import re
from datetime import datetime

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from challenge.errors import DomainError
from challenge.extensions import db
from challenge.payouts.awards import payee_became_ready
from challenge.payouts.gateways import PaymentGateway
from challenge.payouts.models import PayeeAccount
from challenge.platform import audit

SORT_CODE = re.compile(r"^[0-9]{6}$")
ACCOUNT_NUMBER = re.compile(r"^[0-9]{8}$")


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"challenge-exchange-bank-details",
               info=b"payee bank details v1").derive(current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def decrypt_bank_details(account: PayeeAccount) -> dict:
    """The stored sort code and account number, for the broker making the transfer."""
    if not account.bank_details_encrypted:
        return {}
    return json.loads(_fernet().decrypt(account.bank_details_encrypted.encode()))


def account_for(user, provider: str) -> PayeeAccount | None:
    return db.session.scalar(db.select(PayeeAccount).where(PayeeAccount.user_id == user.id,
                                                           PayeeAccount.provider == provider))


def _get_or_create(user, provider: str, now: datetime) -> PayeeAccount:
    account = account_for(user, provider)
    if account is None:
        account = PayeeAccount(user_id=user.id, provider=provider, state="pending", created_at=now, updated_at=now)
        db.session.add(account)
        db.session.flush()
    return account


def save_bank_details(user, holder: str, sort_code: str, account_number: str, gateway: PaymentGateway,
                      now: datetime) -> PayeeAccount:
    """Store a payee's UK bank details (encrypted) and make their waiting payouts ready.

    Refuses an empty holder name, a sort code that is not 6 digits and an account number that is not 8.
    """
    holder = (holder or "").strip()
    sort_code = re.sub(r"[\s-]", "", sort_code or "")
    account_number = re.sub(r"\s", "", account_number or "")
    if not holder or len(holder) > 120:
        raise DomainError("Enter the name on the account (up to 120 characters).")
    if not SORT_CODE.match(sort_code):
        raise DomainError("Enter a sort code of 6 digits, like 30-99-50.")
    if not ACCOUNT_NUMBER.match(account_number):
        raise DomainError("Enter an account number of 8 digits.")
    account = _get_or_create(user, "manual", now)
    if not account.provider_account_id:
        account.provider_account_id = gateway.create_payee_account(email=user.email,
                                                                   idempotency_key=f"payee-{user.id}-manual")
    payload = json.dumps({"sort_code": sort_code, "account_number": account_number})
    account.account_holder = holder
    account.bank_details_encrypted = _fernet().encrypt(payload.encode()).decode()
    account.last4 = account_number[-4:]
    before, account.state, account.updated_at = account.state, "ready", now
    audit.record(user, "payee.bank_details", account, now, from_state=before, to_state="ready",
                 data={"last4": account.last4})
    payee_became_ready(account, now)
    return account


def create_stripe_account(user, gateway: PaymentGateway, now: datetime) -> PayeeAccount:
    """Create (once: one row per person and a per-person idempotency key) a Connect Express account."""
    account = _get_or_create(user, "stripe", now)
    if not account.provider_account_id:
        account.provider_account_id = gateway.create_payee_account(email=user.email,
                                                                   idempotency_key=f"payee-{user.id}-stripe")
        audit.record(user, "payee.stripe_account", account, now, to_state=account.state)
    db.session.flush()
    return account


def onboarding_link(user, gateway: PaymentGateway, return_url: str, refresh_url: str) -> str | None:
    """A fresh Stripe onboarding link for the person's existing account (None when there is none).

    Asks Stripe only, writes nothing: it is what a GET may do.
    """
    account = account_for(user, "stripe")
    if account is None or not account.provider_account_id:
        return None
    return gateway.onboarding_link(account_id=account.provider_account_id, return_url=return_url,
                                   refresh_url=refresh_url)


def start_stripe_onboarding(user, gateway: PaymentGateway, return_url: str, refresh_url: str,
                            now: datetime) -> str:
    """Create the account if needed and return its onboarding link (the two steps above, for tests and CLI)."""
    create_stripe_account(user, gateway, now)
    return onboarding_link(user, gateway, return_url, refresh_url)


def apply_status(account: PayeeAccount, transfers_active: bool, now: datetime, *, as_of: int = 0) -> bool:
    """Set the account ready (or back to pending) from the provider's answer; False when `as_of` is stale."""
    if as_of and as_of < account.status_as_of:
        return False  # an older event must not undo a newer one
    account.status_as_of = max(account.status_as_of, as_of)
    target = "ready" if transfers_active else "pending"
    if target != account.state:
        audit.record(None, "payee.status", account, now, from_state=account.state, to_state=target)
        account.state, account.updated_at = target, now
        if target == "ready":
            payee_became_ready(account, now)
    db.session.flush()
    return True


def refresh_stripe_status(user, gateway: PaymentGateway, now: datetime) -> PayeeAccount:
    """Ask Stripe whether the person's account can receive transfers yet. Refuses when there is none."""
    account = account_for(user, "stripe")
    if account is None or not account.provider_account_id:
        raise DomainError("Set up your Stripe account first.")
    status = gateway.account_status(account.provider_account_id)
    apply_status(account, status.transfers_active, now)
    return account
