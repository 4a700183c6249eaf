"""What brokers do to accounts and organisations: staff roles, deactivation, verification.

Every change is audited. A broker cannot change their own staff role or deactivate themselves, so the
platform cannot be left without a broker by accident.
"""
from __future__ import annotations

from datetime import datetime

from challenge.accounts import tokens
from challenge.accounts.models import Organisation, User
from challenge.accounts.services import new_session_token
from challenge.errors import NotAllowed
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform import audit


def _not_self(user: User, actor: User | None, what: str, now: datetime) -> None:
    """Refuses a broker changing their own account (the rule user.change_access); None is the CLI."""
    if actor is not None and not can(actor, "user.change_access", user, now):
        raise NotAllowed(f"You cannot {what} yourself. Ask another broker.")


def set_broker(user: User, is_broker: bool, actor: User | None, now: datetime, *, reason: str = "") -> User:
    """Give or take away the broker (platform staff) role. Refuses a broker changing their own role."""
    _not_self(user, actor, "change the staff role of", now)
    if user.is_broker == is_broker:
        return user
    user.is_broker = is_broker
    audit.record(actor, "user.make_broker" if is_broker else "user.unmake_broker", user, now,
                 from_state="broker" if not is_broker else "user", to_state="broker" if is_broker else "user",
                 reason=reason)
    db.session.flush()
    return user


def set_active(user: User, active: bool, actor: User | None, now: datetime, *, reason: str = "") -> User:
    """Deactivate an account (it can no longer sign in, its sessions end and its API tokens are revoked for
    good) or reactivate it.

    Refuses a broker deactivating themselves.
    """
    _not_self(user, actor, "deactivate or reactivate", now)
    if user.is_active_account == active:
        return user
    user.is_active_account = active
    if not active:
        user.session_token = new_session_token()  # ends "remember me" cookies too
        tokens.revoke_all(user, actor, now, why="Account deactivated")
    audit.record(actor, "user.reactivate" if active else "user.deactivate", user, now,
                 from_state="inactive" if active else "active", to_state="active" if active else "inactive",
                 reason=reason)
    db.session.flush()
    return user


def set_verified(org: Organisation, verified: bool, actor: User, now: datetime) -> Organisation:
    """Mark an organisation as verified (the platform team has checked it is who it says) or not."""
    if org.verified == verified:
        return org
    org.verified = verified
    audit.record(actor, "organisation.verify" if verified else "organisation.unverify", org, now,
                 from_state="unverified" if verified else "verified", to_state="verified" if verified else "unverified")
    db.session.flush()
    return org
