"""A button with nothing to fill in (publish, start judging, follow …) on the challenge page: the one way of
platform/buttons.py, going back to the challenge page.

Not a page group: the lifecycle and conversation views use it.
"""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

from challenge import clock
from challenge.challenges.forms import ConfirmForm
from challenge.platform import buttons


def pressed(challenge, verb, message: str, category: str = "success"):
    """Run `verb(challenge, actor, now)` if the button's form (its CSRF token) is valid, then back to the
    challenge page saying `message`. A refusal (an unfunded pool, an empty rubric, a second click) rolls back
    and is said on the same page, beside the actions that lead on (fund it, edit the rubric)."""
    return buttons.pressed(url_for("challenges.show", slug=challenge.slug),
                           lambda: verb(challenge, current_user, clock.now()), message, category, ConfirmForm())
