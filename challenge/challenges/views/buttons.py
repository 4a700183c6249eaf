"""A button with nothing to fill in (publish, start judging, follow …): the one way its POST is handled.

Not a page group: the lifecycle and conversation views use it.
"""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from challenge import clock
from challenge.challenges.forms import ConfirmForm
from challenge.errors import DomainError
from challenge.platform import tx


def pressed(challenge, verb, message: str, category: str = "success"):
    """Run `verb(challenge, actor, now)` if the button's form (its CSRF token) is valid, then back to the
    challenge page saying `message`. A refusal (an unfunded pool, an empty rubric, a second click) rolls back
    and is said on the same page, beside the actions that lead on (fund it, edit the rubric)."""
    page = url_for("challenges.show", slug=challenge.slug)
    if not ConfirmForm().validate_on_submit():
        return redirect(page)
    try:
        with tx.unit_of_work():
            verb(challenge, current_user, clock.now())
    except DomainError as refusal:
        flash(refusal.message, "danger")
        return redirect(page)
    return tx.done(message, page, category)
