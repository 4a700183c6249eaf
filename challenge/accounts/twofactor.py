"""The second factor at sign-in: an authenticator app (TOTP, RFC 6238, by pyotp) and single-use recovery codes.

Brokers must use one, and so must the owners of organisations that pay into prize pools (the code has no
finance role: owners manage their organisation's money); anyone else may turn it on. The secret is kept
encrypted with a key derived from SECRET_KEY; recovery codes are stored as SHA-256 digests and shown once.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

import pyotp
from markupsafe import Markup

from challenge.accounts import tokens
from challenge.accounts.models import RecoveryCode, SecondFactor, User
from challenge.accounts.services import new_session_token, user_fact, user_fact_sql
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform import audit
from challenge.platform.sealed import Purpose

RECOVERY_CODES = 10
ISSUER = "Challenge Exchange"
_DIGITS = re.compile(r"\d{6}")


SECRETS = Purpose(salt=b"challenge-exchange-second-factor", info=b"totp secret v1")


def new_secret() -> str:
    return pyotp.random_base32()


def code_at(secret: str, when: datetime) -> str:
    """The code an authenticator app with `secret` shows at `when` (for the demo and the CLI)."""
    return pyotp.TOTP(secret).at(when)


def factor_of(user: User, *, lock: bool = False) -> SecondFactor | None:
    """The user's confirmed authenticator, or None (`lock`: for update, read afresh)."""
    stmt = db.select(SecondFactor).where(SecondFactor.user_id == user.id, SecondFactor.confirmed_at.is_not(None))
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(stmt)


@user_fact_sql("second_factor")
def _has_factor(user_id):
    return db.exists().where(SecondFactor.user_id == user_id, SecondFactor.confirmed_at.is_not(None))


def enabled(user: User) -> bool:
    """Whether the user has a confirmed authenticator (read with the signed-in user; afresh after a write)."""
    return user_fact("second_factor", user)


def secret_of(factor: SecondFactor) -> str:
    return SECRETS.unseal(factor.secret_encrypted)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// link an authenticator app reads (from the QR code, or typed in by hand)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The otpauth link as an inline SVG QR code, drawn here (no outside service sees the secret)."""
    import segno  # only the set-up page draws a QR code: not loaded into every worker

    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff",
                                                 title="QR code for your authenticator app")
    return Markup(svg)  # segno writes only the code's own markup: no user text but the escaped title


def _matching_step(secret: str, code: str, now: datetime, after: int) -> int | None:
    """The 30-second step (now, or one either side for a slow clock) whose code is `code`, if later than `after`."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if step > after and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()[:64]


def _code_hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _new_recovery_codes(user: User, now: datetime) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returns them, to be shown once."""
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{part[:5]}-{part[5:]}" for part in (secrets.token_hex(5) for _ in range(RECOVERY_CODES))]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(c), created_at=now) for c in codes)
    return codes


def turn_on(user: User, secret: str, code: str, now: datetime) -> list[str]:
    """Start using the authenticator whose `secret` the user has just added, proven by a `code` from it.

    Returns the new recovery codes (shown once). Every other session of the user ends: they began with
    the password alone. Refuses a wrong code; refuses when an authenticator is already on.
    """
    db.session.execute(db.select(User.id).where(User.id == user.id).with_for_update())  # one at a time
    if factor_of(user, lock=True) is not None:
        raise FieldError("Your account already uses an authenticator app", "code")
    step = _matching_step(secret, _clean(code), now, 0) if _DIGITS.fullmatch(_clean(code)) else None
    if step is None:
        raise FieldError("That code is not right. Enter the 6-digit code your app shows now", "code")
    db.session.execute(db.delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.add(SecondFactor(user_id=user.id, secret_encrypted=SECRETS.seal(secret),
                                confirmed_at=now, last_step=step, created_at=now))
    codes = _new_recovery_codes(user, now)
    user.session_token = new_session_token()
    audit.record(user, "user.second_factor_on", user, now)
    db.session.flush()
    return codes


def check(user: User, code: str, now: datetime) -> str | None:
    """Whether `code` proves the user holds their second factor: 'app' for a code from the authenticator,
    'recovery' for an unused recovery code (spent now), None otherwise.

    A code works once: the factor's row is locked and an authenticator code must be of a later step than
    the last one accepted; a recovery code is spent by one conditional update, so two requests at the same
    moment cannot both use it.
    """
    code = _clean(code)
    factor = factor_of(user, lock=True)
    if factor is None or not code:
        return None
    if _DIGITS.fullmatch(code):
        step = _matching_step(secret_of(factor), code, now, factor.last_step)
        if step is None:
            return None
        factor.last_step = step
        db.session.flush()
        return "app"
    spent = db.session.execute(
        db.update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(code),
                                      RecoveryCode.used_at.is_(None)).values(used_at=now)
        .execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        return None
    audit.record(user, "user.recovery_code_used", user, now, data={"left": recovery_codes_left(user)})
    db.session.flush()
    return "recovery"


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(db.select(db.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def new_recovery_codes(user: User, code: str, now: datetime) -> list[str]:
    """Replace the recovery codes (the old ones stop working), proven by a current code. Returns them once."""
    if check(user, code, now) is None:
        raise FieldError("That code is not right. Enter the 6-digit code your app shows now", "code")
    codes = _new_recovery_codes(user, now)
    audit.record(user, "user.recovery_codes", user, now)
    db.session.flush()
    return codes


def turn_off(user: User, code: str, now: datetime) -> None:
    """Stop using the authenticator, proven by a current code. Refused to those who must use one
    (the rule account.second_factor_required)."""
    if can(user, "account.second_factor_required", None, now):
        raise FieldError("Your role needs a second factor, so it cannot be turned off", "code")
    if check(user, code, now) is None:
        raise FieldError("That code is not right. Enter the 6-digit code your app shows now", "code")
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(db.delete(SecondFactor).where(SecondFactor.user_id == user.id))
    audit.record(user, "user.second_factor_off", user, now)
    db.session.flush()


def reset(user: User, reason: str, now: datetime) -> None:
    """Staff remove a person's authenticator when both their phone and every recovery code are lost, after
    checking who they are outside the platform. Every session of theirs ends and every API token is revoked; someone who must use a second
    factor sets up a new one at their next sign-in. Refuses without a reason (the audit log keeps it)."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise FieldError("Give the reason for resetting the sign-in codes (at least 5 characters)", "reason")
    db.session.execute(db.select(User.id).where(User.id == user.id).with_for_update())
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(db.delete(SecondFactor).where(SecondFactor.user_id == user.id))
    user.session_token = new_session_token()
    tokens.revoke_all(user, None, now, why="Second factor reset by staff")
    audit.record(None, "user.second_factor_reset", user, now, reason=reason[:1000])
    db.session.flush()
