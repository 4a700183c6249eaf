"""Email a person may refuse: their preference, and one-click unsubscribe (RFC 8058).

Challenge updates to followers and closing-soon reminders (`outbox.OPTIONAL_KINDS`) are not strictly
needed to use the platform. Each carries `List-Unsubscribe` (an https link with a signed token naming the
address) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`; a POST to the link unsubscribes without
signing in, and the person's account page has the same switch. While unsubscribed, `outbox.queue` skips
those kinds for them. The hooks below are registered with the outbox when this module is imported (by the
privacy views, at start-up).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from challenge.accounts.services import find_user_by_email
from challenge.extensions import db
from challenge.platform import audit, outbox
from challenge.platform.links import site_link
from challenge.privacy.models import EmailPreference

SALT = "unsubscribe"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(email: str) -> str:
    return _signer().dumps(email.strip().lower())


def unsubscribe_link(email: str) -> str:
    return site_link("privacy.unsubscribe", token=token_for(email))


def takes_optional_email(user) -> bool:
    pref = db.session.get(EmailPreference, user.id)
    return pref is None or pref.optional_email


def set_optional_email(user, wanted: bool, actor, now: datetime) -> EmailPreference:
    """Switch the person's optional email on or off (the person themselves, or the unsubscribe link)."""
    pref = db.session.get(EmailPreference, user.id)
    if pref is None:
        pref = EmailPreference(user_id=user.id, optional_email=wanted, changed_at=now)
        db.session.add(pref)
    elif pref.optional_email == wanted:
        return pref  # a second click changes nothing
    pref.optional_email, pref.changed_at = wanted, now
    audit.record(actor, "user.email_preferences", user, now, data={"optional_email": wanted})
    db.session.flush()
    return pref


def person_of(token: str):
    """The account a signed unsubscribe token names, or None (a forged link, or an account since erased)."""
    try:
        email = _signer().loads(token)
    except BadSignature:
        return None
    return find_user_by_email(email) if isinstance(email, str) else None


def unsubscribe(token: str, now: datetime):
    """One-click unsubscribe from optional email. Needs no sign-in: the signed token is the key. Returns
    the person, or None for a link that names nobody."""
    user = person_of(token)
    if user is not None:
        set_optional_email(user, False, user, now)
    return user


def _wanted(kind: str, to_email: str) -> bool:
    user = find_user_by_email(to_email)
    return user is None or takes_optional_email(user)


def _headers(kind: str, to_email: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{unsubscribe_link(to_email)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


if _wanted not in outbox.WANTED:
    outbox.WANTED.append(_wanted)
    outbox.HEADERS.append(_headers)
