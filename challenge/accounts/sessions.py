"""What a sign-in keeps in the session: a fresh session at login, the second factor's pending step and the
secret being set up, and a new API token until the account page has shown it once.

Between a right password and a right code, the session holds only who is signing in (for PENDING_FOR);
someone whose role needs a second factor but has none is told to set it up (MUST_SET_UP) and can open
nothing else until then (views/hooks.py).

The secret of an authenticator app being set up waits in the session until a code confirms it (only then does
it reach the database), sealed like a new API token below.

A new API token is created by a POST that redirects to the account page (so a refresh creates nothing). The
token travels to that one GET sealed (platform/sealed.py: the session cookie is signed, not encrypted) and
is taken out of the session as it is shown, so a second visit or a refresh shows it no more. New recovery
codes (turning sign-in codes on, or making new ones) travel to the sign-in codes page the same way.
"""
from __future__ import annotations

import re
from datetime import timedelta

from flask import request, session
from flask_login import login_user

from challenge import clock
from challenge.accounts import security, services
from challenge.accounts import tokens, twofactor
from challenge.accounts.models import User
from challenge.platform import sealed

PENDING, SETUP_SECRET, MUST_SET_UP = "second_factor_pending", "second_factor_secret", "second_factor_required"
NEW_API_TOKEN, NEW_RECOVERY_CODES = "api_token_to_show", "recovery_codes_to_show"
PENDING_FOR = timedelta(minutes=5)
SHOW_TOKEN_FOR = timedelta(minutes=10)  # a token not shown by then (the redirect never followed) is not shown
_TOKEN_ONCE = sealed.Purpose(salt=b"challenge-exchange-api-token-once", info=b"new api token shown once v1")
_CODES_ONCE = sealed.Purpose(salt=b"challenge-exchange-recovery-codes-once", info=b"new recovery codes shown once v1")
_SETUP_SECRET = sealed.Purpose(salt=b"challenge-exchange-second-factor-setup", info=b"totp setup secret in session v1")
MAX_ATTEMPTS = 5

# A path on this site in printable ASCII: no spaces, tabs, line breaks or backslashes, which browsers
# drop or read as "/" (so "/\t/evil.example" would be followed as "//evil.example", off the site).
_LOCAL_PATH = re.compile(r"/(?![/\\])[!-\[\]-~]*")


def safe_next(default: str) -> str:
    """The `?next=` path when it stays on this site, else `default`."""
    target = request.args.get("next", "")
    return target if _LOCAL_PATH.fullmatch(target) else default


def start_session(user: User, remember: bool) -> None:
    session.clear()  # a fresh session at login: nothing carried over from before
    login_user(user, remember=remember)


def begin(user: User, remember: bool, target: str) -> None:
    """The password was right and the user has an authenticator: ask for its code before signing in."""
    session.clear()
    session[PENDING] = {"user": user.get_id(), "remember": remember, "next": target,
                        "until": (clock.now() + PENDING_FOR).timestamp(), "attempts": 0}


def must_set_up() -> None:
    """Signed in with the password alone by someone whose role needs a second factor: set it up first."""
    session[MUST_SET_UP] = True


def pending_user() -> User | None:
    """Who is between their password and their code (None when nobody is, or it took too long)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < clock.now().timestamp():
        return None
    return services.load_user(str(pending.get("user", "")))  # None once the password changed meanwhile


def count_wrong_code(user: User, pending: dict, now) -> bool:
    """Count a wrong code (recorded as a security event); True once the attempt must start again."""
    pending["attempts"] += 1
    session[PENDING] = pending
    security.failed_second_factor(user, now, attempts=pending["attempts"])
    return pending["attempts"] >= MAX_ATTEMPTS


def setup_secret() -> str:
    """The secret of the authenticator app being set up: the one kept in the session, else a new one, kept."""
    secret = kept_setup_secret()
    if secret is None:
        secret = twofactor.new_secret()
        session[SETUP_SECRET] = _SETUP_SECRET.seal(secret)
    return secret


def kept_setup_secret() -> str | None:
    """The secret `setup_secret` kept, or None when there is none or it no longer opens (SECRET_KEY changed)."""
    kept = session.get(SETUP_SECRET)
    return sealed.unsealed_or_none(_SETUP_SECRET, kept) if isinstance(kept, str) else None


def keep_new_token(token_id: int, secret: str) -> None:
    """Keep a token just created, sealed, for the account page to show once."""
    session[NEW_API_TOKEN] = {"id": token_id, "sealed": _TOKEN_ONCE.seal(secret)}


def take_new_token(user: User, now) -> str | None:
    """The token kept by `keep_new_token`, removed from the session as it is read; None when there is none, it
    is `user`'s no more (revoked meanwhile), or it is older than SHOW_TOKEN_FOR."""
    kept = session.pop(NEW_API_TOKEN, None)
    if not isinstance(kept, dict):
        return None
    token = tokens.own_token(user, kept.get("id") if isinstance(kept.get("id"), int) else 0)
    if token is None or now - token.created_at > SHOW_TOKEN_FOR:
        return None
    return sealed.unsealed_or_none(_TOKEN_ONCE, str(kept.get("sealed", "")))


def keep_new_codes(codes: list[str], now) -> None:
    """Keep recovery codes just made, sealed, for the sign-in codes page to show once."""
    session[NEW_RECOVERY_CODES] = {"at": now.timestamp(), "sealed": _CODES_ONCE.seal(" ".join(codes))}


def take_new_codes(now) -> list[str] | None:
    """The codes kept by `keep_new_codes`, removed from the session as they are read; None when there are none
    or they were kept more than SHOW_TOKEN_FOR ago (the redirect never followed)."""
    kept = session.pop(NEW_RECOVERY_CODES, None)
    if not isinstance(kept, dict) or now.timestamp() - float(kept.get("at", 0)) > SHOW_TOKEN_FOR.total_seconds():
        return None
    codes = sealed.unsealed_or_none(_CODES_ONCE, str(kept.get("sealed", "")))
    return codes.split() if codes else None
