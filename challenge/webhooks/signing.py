"""The signature on every delivery, as Stripe signs its webhooks (pure: the standard library only).

    X-CX-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint's secret>

Signing the time with the body lets a receiver refuse an old request replayed (TOLERANCE)."""
from __future__ import annotations

import hashlib
import hmac
import time

TOLERANCE = 300  # seconds a receiver should accept between t and its own clock


def signature(secret: str, t: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()


def header(secret: str, t: int, body: bytes) -> str:
    """The X-CX-Signature header's value for `body` sent at unix time `t`."""
    return f"t={t},v1={signature(secret, t, body)}"


def verify(secret: str, header_value: str, body: bytes, now: float | None = None,
           tolerance: int = TOLERANCE) -> bool:
    """What a receiver does (docs/api.md shows the same in a few lines): the v1 signature matches and t is
    within `tolerance` seconds of now."""
    parts = dict(p.split("=", 1) for p in header_value.split(",") if "=" in p)
    try:
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, t, body), parts.get("v1", ""))
