"""What a sign-in keeps in the session: a fresh session at login, and the second factor's pending step.

Between a right password and a right code, the session holds only who is signing in (for PENDING_FOR);
someone whose role needs a second factor but has none is told to set it up (MUST_SET_UP) and can open
nothing else until then (views/hooks.py).
"""
from __future__ import annotations

import re
from datetime import timedelta

from flask import request, session
from flask_login import login_user

from challenge import clock
from challenge.accounts import security, services
from challenge.accounts.models import User

PENDING, SETUP_SECRET, MUST_SET_UP = "second_factor_pending", "second_factor_secret", "second_factor_required"
PENDING_FOR = timedelta(minutes=5)
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
