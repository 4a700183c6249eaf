"""Forgotten passwords: a single-use link, sent by email, that works for one hour."""
from __future__ import annotations

from datetime import datetime, timedelta

from challenge.accounts.models import PasswordResetToken, User
from challenge.accounts.services import find_user_by_email, new_token, set_password, token_hash
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.platform import audit, outbox
from challenge.platform.links import site_link

RESET_LIFETIME = timedelta(hours=1)


def request_reset(email: str, now: datetime) -> None:
    """Email a reset link to the account with `email`, if there is an active one.

    Does nothing visible otherwise: the caller shows the same page either way, so the form cannot be
    used to find out who has an account.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token, digest = new_token()
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=digest, expires_at=now + RESET_LIFETIME))
    outbox.queue("password_reset", user.email, "password_reset", now, user=user,
                 link=site_link("accounts.reset_password", token=token), hours=1)
    db.session.flush()


def usable_token(token: str, now: datetime, *, fresh: bool = False) -> PasswordResetToken | None:
    """The stored token for `token` if it has not been used and has not expired (`fresh`: read again from
    the database, not from the session's copy)."""
    stmt = db.select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
    row = db.session.scalar(stmt.execution_options(populate_existing=fresh))
    if row is None or row.used_at is not None or row.expires_at <= now or not row.user.is_active:
        return None
    return row


def reset_password(token: str, password: str, now: datetime) -> User:
    """Set a new password with an emailed token, then spend it and every other token of that user.

    Refuses a used, expired or unknown token, and a weak password (the token stays usable then).
    Every session of the user ends, because set_password rotates the session token.
    Several requests at once (a double click, a replayed link, two links of one person): the user's row
    is locked and the token read again under the lock, so exactly one of them changes the password.
    """
    row = usable_token(token, now)
    if row is not None:
        db.session.execute(db.select(User.id).where(User.id == row.user_id).with_for_update())
        row = usable_token(token, now, fresh=True)
    if row is None:
        raise FieldError("This link to reset your password has expired or has already been used. "
                           "Ask for a new one.", "password")
    set_password(row.user, password)
    for other in db.session.scalars(db.select(PasswordResetToken).where(
            PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None))):
        other.used_at = now
    audit.record(row.user, "user.reset_password", row.user, now)
    db.session.flush()
    return row.user
