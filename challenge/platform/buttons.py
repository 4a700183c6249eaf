"""A button with nothing (or little) to fill in — publish, open a round, make chair …: the one way its POST is
handled, for every package. A refusal leads back to the page the person came from, with the reason (which
says the way forward: fund it, invite judges) in a banner beside the actions that lead on.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from flask_wtf import FlaskForm

from challenge.errors import DomainError
from challenge.platform import tx


class ButtonForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


def pressed(back: str, action: Callable[[], Any], message: str | Callable[[Any], str],
            category: str = "success", form: FlaskForm | None = None, then: str | None = None):
    """Run `action()` as one unit of work if the button's form is valid, then go to `then` (else back to
    `back`) saying `message` (or `message(result)`). A refusal rolls back and is said on the page at `back`;
    so is a form field's error (an over-long reason). A form whose CSRF token alone fails goes back without
    doing anything."""
    form = form if form is not None else ButtonForm()
    if not form.validate_on_submit():
        said = [e for name, errors in form.errors.items() if name != "csrf_token" for e in errors]
        if said:
            flash(" ".join(said), "danger")
        return redirect(back)
    try:
        with tx.unit_of_work():
            result = action()
    except DomainError as refusal:
        flash(refusal.message, "danger")
        return redirect(back)
    return tx.done(message(result) if callable(message) else message, then or back, category)
