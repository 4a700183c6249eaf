"""Confirmed email addresses: a link emailed at sign-up proves the person reads that mailbox.

The people's-choice vote counts only confirmed accounts, so a throwaway address that nobody reads
cannot vote. The link is signed (itsdangerous, with the app's secret) rather than stored: it names the
account and the address, so it stops working if the address changes, and it lasts CONFIRM_DAYS days.
Opening the link shows a button; pressing it confirms (a GET changes nothing, and a mail scanner that
fetches links does not confirm for anyone).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from challenge.accounts.models import User
from challenge.extensions import db
from challenge.platform import audit, outbox
from challenge.platform.links import site_link
from challenge.platform.models import AuditEvent

CONFIRM_DAYS = 7
RESEND_EVERY = timedelta(minutes=2)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="confirm-email")


def token_for(user: User) -> str:
    return _serializer().dumps({"user": user.id, "email": user.email.lower()})


def send(user: User, now: datetime) -> bool:
    """Email the confirmation link (again). Does nothing for a confirmed address, or within RESEND_EVERY of
    the last link, so the button cannot be used to flood a mailbox; True when an email was queued."""
    if user.email_confirmed_at is not None:
        return False
    last = db.session.scalar(db.select(db.func.max(AuditEvent.at)).where(
        AuditEvent.actor_id == user.id, AuditEvent.action == "user.confirmation_sent"))
    if last is not None and now - last < RESEND_EVERY:
        return False
    outbox.queue("account.confirm", user.email, "confirm_email", now, user=user, days=CONFIRM_DAYS,
                 link=site_link("confirmation.confirm", token=token_for(user)))
    audit.record(user, "user.confirmation_sent", user, now)
    db.session.flush()
    return True


def user_for(token: str) -> User | None:
    """The account a valid, unexpired link names, while its address is still the one the link was sent to."""
    try:
        data = _serializer().loads(token, max_age=CONFIRM_DAYS * 24 * 3600)
    except (BadSignature, UnicodeError):
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) and isinstance(data.get("user"), int) else None
    if user is None or user.email.lower() != data.get("email"):
        return None
    return user


def confirm(token: str, now: datetime) -> User | None:
    """Mark the address confirmed (once; a second press changes nothing). None for a bad or expired link."""
    user = user_for(token)
    if user is None:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        audit.record(user, "user.confirm_email", user, now)
        db.session.flush()
    return user
