"""How winners are paid: bank details for the manual provider, a Stripe Connect Express account otherwise.

Bank details (a UK sort code and account number, or an IBAN and BIC checked with schwifty) are stored
encrypted with a key derived from SECRET_KEY; pages show them masked (the last four digits), except the
page where a broker records the transfer they are making.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam

from challenge.accounts import security
from challenge.accounts.services import authenticate
from challenge.errors import DomainError, FieldError
from challenge.extensions import db
from challenge.payouts.awards import payee_became_ready
from challenge.payouts.gateways import PaymentGateway
from challenge.payouts.models import PayeeAccount
from challenge.payouts.states import PayeeState
from challenge.platform import audit, outbox
from challenge.platform.links import site_link
from challenge.platform.sealed import Purpose

SORT_CODE = re.compile(r"^[0-9]{6}$")
ACCOUNT_NUMBER = re.compile(r"^[0-9]{8}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


BANK_DETAILS = Purpose(salt=b"challenge-exchange-bank-details", info=b"payee bank details v1")


def decrypt_bank_details(account: PayeeAccount) -> dict:
    """The stored sort code and account number, for the broker making the transfer."""
    if not account.bank_details_encrypted:
        return {}
    return json.loads(BANK_DETAILS.unseal(account.bank_details_encrypted))


def masked_account(account: PayeeAccount | None) -> str:
    """The account as a release's confirmation shows it: "•••• 4321, sort code ••-••-56"."""
    details = decrypt_bank_details(account) if account else {}
    if "iban" in details:
        return f"IBAN •••• {details['iban'][-4:]}, BIC {details['bic']}"
    if "account_number" in details:
        return f"•••• {details['account_number'][-4:]}, sort code ••-••-{details['sort_code'][-2:]}"
    if account is not None and account.provider == "stripe":
        return f"Stripe account {account.provider_account_id}"
    return "no account yet"


def transfer_details(account: PayeeAccount | None) -> list[tuple[str, str]]:
    """What a broker types into the bank to make a manual payout's transfer: (label, value) pairs. Each time
    the full details are shown, the view is kept in the audit log as a security event."""
    details = decrypt_bank_details(account) if account else {}
    if details:
        security.bank_details_viewed(account)
    rows = [("Name on the account", account.account_holder)] if details else []
    if "iban" in details:
        from schwifty import IBAN

        rows += [("IBAN", IBAN(details["iban"]).formatted), ("BIC", details["bic"])]
    elif "account_number" in details:
        code = details["sort_code"]
        rows += [("Sort code", f"{code[:2]}-{code[2:4]}-{code[4:]}"), ("Account number", details["account_number"])]
    return rows


# By the name of schwifty's exception (schwifty.exceptions), so that schwifty, with pycountry, is imported only
# when bank details are checked or shown in full: ~1 MB a worker that never sees any (tests/test_memory.py).
IBAN_PROBLEMS = {
    "InvalidChecksumDigits": "The IBAN's check digits do not match: look for a mistyped character.",
    "InvalidLength": "The IBAN has the wrong number of characters for its country.",
    "InvalidCountryCode": "An IBAN starts with a two-letter country code, like DE or FR.",
    "InvalidBBANChecksum": "The account number inside the IBAN fails its bank's check: look for a typo.",
}
BIC_PROBLEMS = {
    "InvalidLength": "A BIC has 8 or 11 characters, like DEUTDEFF or DEUTDEFF500.",
    "InvalidCountryCode": "The BIC's letters 5 and 6 must be a country code, like DE in DEUTDEFF.",
}


def _international(iban: str, bic: str) -> dict:
    """An IBAN and BIC checked by schwifty (checksum, length and format of the country); FieldError on each."""
    from schwifty import BIC, IBAN
    from schwifty import exceptions as bad

    try:
        checked_iban = IBAN(iban)
    except bad.SchwiftyException as exc:
        raise FieldError(IBAN_PROBLEMS.get(type(exc).__name__, "This is not a valid IBAN: copy it from your bank "
                                                      "statement, like DE89 3704 0044 0532 0130 00."), "iban")
    if not bic:
        raise FieldError("Enter your bank's BIC (also called SWIFT code), like DEUTDEFF.", "bic")
    try:
        checked_bic = BIC(bic)
    except bad.SchwiftyException as exc:
        raise FieldError(BIC_PROBLEMS.get(type(exc).__name__, "This is not a valid BIC: 8 or 11 letters and digits, "
                                                     "like DEUTDEFF."), "bic")
    return {"iban": checked_iban.compact, "bic": checked_bic.compact}


def _uk(sort_code: str, account_number: str) -> dict:
    if not SORT_CODE.match(sort_code):
        raise FieldError("Enter a sort code of 6 digits, like 30-99-50 (or, for an account outside the UK, "
                         "an IBAN and BIC).", "sort_code")
    if not ACCOUNT_NUMBER.match(account_number):
        raise FieldError("Enter an account number of 8 digits.", "account_number")
    return {"sort_code": sort_code, "account_number": account_number}


def _bank_details(sort_code: str, account_number: str, iban: str, bic: str) -> dict:
    """UK details, or an IBAN and BIC; refuses both at once."""
    if iban or bic:
        if sort_code or account_number:
            raise FieldError("Give either a UK sort code and account number, or an IBAN and BIC, not both.",
                             "iban")
        if not iban:
            raise FieldError("Enter the IBAN that goes with the BIC.", "iban")
        return _international(iban, bic)
    return _uk(sort_code, account_number)


def account_for(user, provider: str) -> PayeeAccount | None:
    return db.session.scalar(_ACCOUNT, {"user_id": user.id, "provider": provider})


_ACCOUNT = db.select(PayeeAccount).where(PayeeAccount.user_id == bindparam("user_id"),
                                         PayeeAccount.provider == bindparam("provider"))


def _get_or_create(user, provider: str, now: datetime) -> PayeeAccount:
    account = account_for(user, provider)
    if account is None:
        account = PayeeAccount(user_id=user.id, provider=provider, state=PayeeState.PENDING, created_at=now, updated_at=now)
        db.session.add(account)
        db.session.flush()
    return account


def cooling_off() -> timedelta:
    return timedelta(hours=int(current_app.config["PAYOUT_DETAILS_COOLING_OFF_HOURS"]))


def held_until(account: PayeeAccount | None) -> datetime | None:
    """Until when payouts to this account wait after its details changed (None: they need not wait)."""
    if account is None or account.details_changed_at is None:
        return None
    return account.details_changed_at + cooling_off()


def notice_email(user, account: PayeeAccount | None) -> str:
    """Where payout notices go: the payout email when one is set, the account's own email otherwise."""
    return (account.payout_email if account and account.payout_email else "") or user.email


def save_bank_details(user, holder: str, sort_code: str, account_number: str, gateway: PaymentGateway,
                      now: datetime, *, payout_email: str = "", password: str | None = None, iban: str = "",
                      bic: str = "") -> PayeeAccount:
    """Store a payee's bank details (encrypted) and payout email, and make their waiting payouts ready: a UK
    sort code and account number, or (outside the UK) an IBAN and BIC.

    The first details need no password. Changing them (or the payout email) needs the current password,
    emails the account holder, and makes payouts wait `PAYOUT_DETAILS_COOLING_OFF_HOURS` before they can
    be released to the new account. Refuses an empty holder name, a sort code that is not 6 digits, an
    account number that is not 8, an IBAN or BIC that fails its checks, UK details and an IBAN at once, an
    email address without an @, and a missing or wrong password.
    """
    holder = (holder or "").strip()
    sort_code = re.sub(r"[\s-]", "", sort_code or "")
    account_number = re.sub(r"\s", "", account_number or "")
    iban, bic = (re.sub(r"\s", "", value or "").upper() for value in (iban, bic))
    payout_email = (payout_email or "").strip()
    if not holder or len(holder) > 120:
        raise FieldError("Enter the name on the account (up to 120 characters).", "holder")
    details = _bank_details(sort_code, account_number, iban, bic)
    if payout_email and (len(payout_email) > 254 or not EMAIL.match(payout_email)):
        raise FieldError("Enter an email address like name@example.org, or leave it empty.", "payout_email")
    account = _get_or_create(user, "manual", now)
    old = decrypt_bank_details(account)
    changing = bool(old) and (old != details
                              or account.account_holder != holder or account.payout_email != payout_email)
    if changing and not _password_ok(user, password):
        raise FieldError("Enter your current password to change where your payouts go." if not password
                                 else "Your current password is not right.", "password")
    if not account.provider_account_id:
        account.provider_account_id = gateway.create_payee_account(email=user.email,
                                                                   idempotency_key=f"payee-{user.id}-manual")
    notify = sorted({user.email, notice_email(user, account)})  # the holder, at the address used until now
    email_changed = account.payout_email != payout_email
    payload = json.dumps(details)
    account.account_holder, account.payout_email = holder, payout_email
    account.bank_details_encrypted = BANK_DETAILS.seal(payload)
    before_last4, account.last4 = account.last4, (details.get("account_number") or details["iban"])[-4:]
    before, account.state, account.updated_at = account.state, PayeeState.READY, now
    if changing:
        account.details_changed_at = now
        audit.record(user, "payee.details_changed", account, now, from_state=before, to_state=account.state,
                     data={"last4": account.last4, "previous_last4": before_last4,
                           "payout_email_changed": email_changed})
        for address in notify:
            outbox.queue("payout_details_changed", address, "payout_details_changed", now, user=user,
                         account=account, held_until=held_until(account), link=site_link("payouts.mine"))
    else:
        audit.record(user, "payee.bank_details", account, now, from_state=before, to_state=account.state,
                     data={"last4": account.last4})
    payee_became_ready(account, now)
    return account


def _password_ok(user, password: str | None) -> bool:
    if not password:
        return False
    found = authenticate(user.email, password)
    return found is not None and found.id == user.id


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
    target = PayeeState.READY if transfers_active else PayeeState.PENDING
    if target != account.state:
        audit.record(None, "payee.status", account, now, from_state=account.state, to_state=target)
        account.state, account.updated_at = target, now
        if target == PayeeState.READY:
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
