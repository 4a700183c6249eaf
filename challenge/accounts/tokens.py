"""Personal API tokens: created with a name and a scope, shown once, kept only as a SHA-256, revoked at once.

Why SHA-256 and not argon2 like passwords: a token is 256 bits from `secrets`, so it cannot be guessed and a
leaked hash cannot be reversed by trying candidates; a fast hash also lets each API request find its token
with one indexed lookup instead of trying a slow hash against every row.

When tokens end without their owner revoking them (docs/api.md, "When tokens stop working"), as GitHub does
for a suspended account: a broker deactivating the account and staff resetting its second factor (a
security reset: whoever had the old factor may have made tokens) revoke every token, for good: reactivating
the account or setting up a new authenticator does not bring them back. Erasing the account deletes them.
A password change or reset does not (a script should not break because someone forgot their password);
the pages that confirm it point to the tokens instead."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from challenge.accounts.models import ApiScope, ApiToken, User
from challenge.errors import FieldError, NotAllowed
from challenge.extensions import db
from challenge.platform import audit

PREFIX = "cx_"
MAX_NAME = 80
MAX_TOKENS = 20
# How stale the shown last-used time may be: a request writes it only when it is older than this.
LAST_USED_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    """A person's tokens still in force, newest first."""
    return list(db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id,
                                                             ApiToken.revoked_at.is_(None))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create(user: User, name: str, scope: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token itself, which is never shown again.
    Refuses a blank or over-long name, an unknown scope, and more than MAX_TOKENS in force."""
    name = (name or "").strip()
    if not name:
        raise FieldError("Enter a name for the token, like Council website", "name")
    if len(name) > MAX_NAME:
        raise FieldError(f"Keep the name to {MAX_NAME} characters or fewer", "name")
    if scope not in ApiScope.__members__.values():
        raise FieldError("Choose read, or read and write", "scope")
    if len(tokens_of(user)) >= MAX_TOKENS:
        raise FieldError(f"You have {MAX_TOKENS} tokens already: revoke one you no longer use first", "name")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, scope=scope, token_hash=_hash(secret), created_at=now)
    db.session.add(token)
    db.session.flush()
    audit.record(user, "api_token.create", token, now, data={"name": name, "scope": scope})
    return token, secret


def own_token(user: User, token_id: int) -> ApiToken | None:
    """`user`'s own token in force with this id; None for someone else's, a revoked one or none at all."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return None
    return token


def revoke(token: ApiToken, actor: User, now: datetime) -> ApiToken:
    """Revoke a token: the next request with it is refused. Only its owner may, and only once."""
    if token.user_id != actor.id:
        raise NotAllowed("Only the token's owner can revoke it.")
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(actor, "api_token.revoke", token, now, data={"name": token.name})
        db.session.flush()
    return token


def revoke_all(user: User, actor: User | None, now: datetime, *, why: str) -> int:
    """Revoke every token of `user` in force (an account deactivated, a second factor reset by staff), in
    one audit event naming `why`; returns how many. Nothing to revoke records nothing."""
    in_force = tokens_of(user)
    for token in in_force:
        token.revoked_at = now
    if in_force:
        audit.record(actor, "api_token.revoke_all", user, now, reason=why,
                     data={"tokens": [token.name for token in in_force]})
        db.session.flush()
    return len(in_force)


def still_work(user: User) -> str:
    """After a password change or reset: a sentence saying the person's tokens in force still work, or ''."""
    count = len(tokens_of(user))
    if not count:
        return ""
    which = "Your API token still works" if count == 1 else f"Your {count} API tokens still work"
    return f" {which}: revoke any you do not recognise on your account page."


def authenticate(secret: str, now: datetime) -> ApiToken | None:
    """The token in force that `secret` names, its owner's account active; None for anything else. Notes the
    time it was used when the note is more than a minute old (so a busy client does not write per request)."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token
