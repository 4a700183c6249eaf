"""Finding a challenge from a URL: the one loader every package's views use."""
from __future__ import annotations

from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.permissions import ensure

MAX_SLUG = 220


def challenge_or_404(slug: str, action: str | None = "challenge.view") -> Challenge:
    """The challenge with `slug`, or 404 when there is none or the user may not see it or do `action`.

    `action=None` only finds it: for pages whose own rule decides (a judge's queue, an invitation), the view
    calls `ensure()` with that rule straight after.
    """
    return visible_or_404(db.first_or_404(db.select(Challenge).where(Challenge.slug == slug[:MAX_SLUG])), action)


def visible_or_404(challenge: Challenge, action: str | None = "challenge.view") -> Challenge:
    """The challenge found by a page's own statement, checked as `challenge_or_404` checks it."""
    if action is not None:
        ensure("challenge.view", challenge)
        if action != "challenge.view":
            ensure(action, challenge)
    return challenge
