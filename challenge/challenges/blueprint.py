"""The challenges blueprint, shared by its route modules, and helpers every view uses."""
from __future__ import annotations

from flask import Blueprint, current_app, url_for

from challenge.challenges.models import Challenge
from challenge.challenges.services import ChallengeError
from challenge.extensions import db
from challenge.permissions import ensure

bp = Blueprint("challenges", __name__)


def load(slug: str, action: str = "challenge.view") -> Challenge:
    """The challenge with `slug`, or 404 when it does not exist or the user may not see it or do `action`."""
    challenge = db.first_or_404(db.select(Challenge).where(Challenge.slug == slug))
    ensure("challenge.view", challenge)
    if action != "challenge.view":
        ensure(action, challenge)
    return challenge


def attach_error(form, exc: ChallengeError) -> None:
    """Show a service's refusal on the field it is about (or on the form when it names none)."""
    target = form._fields.get(exc.field or "") or next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    target.errors = [*(target.errors if isinstance(target.errors, list) else []), exc.message]


def organisation_url(org) -> str | None:
    """The organisation's page, when the accounts package provides one."""
    if "organisations.show" in current_app.view_functions:
        return url_for("organisations.show", slug=org.slug)
    return None
