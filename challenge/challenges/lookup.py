"""Finding a challenge from a URL: the one loader every package's views use."""
from __future__ import annotations

from flask import abort
from sqlalchemy import bindparam

from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.permissions import ensure

MAX_SLUG = 220


def challenge_or_404(slug: str, action: str | None = "challenge.view") -> Challenge:
    """The challenge with `slug`, or 404 when there is none or the user may not see it or do `action`.

    `action=None` only finds it: for pages whose own rule decides (a judge's queue, an invitation), the view
    calls `ensure()` with that rule straight after.
    """
    challenge = db.session.scalar(_BY_SLUG, {"slug": slug[:MAX_SLUG]})
    if challenge is None:
        abort(404)
    return visible_or_404(challenge, action)


_BY_SLUG = db.select(Challenge).where(Challenge.slug == bindparam("slug"))  # built once: most pages start here


def visible_or_404(challenge: Challenge, action: str | None = "challenge.view") -> Challenge:
    """The challenge found by a page's own statement, checked as `challenge_or_404` checks it."""
    if action is not None:
        ensure("challenge.view", challenge)
        if action != "challenge.view":
            ensure(action, challenge)
    return challenge
