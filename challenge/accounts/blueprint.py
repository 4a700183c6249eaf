"""The accounts package's blueprints (their views live in challenge/accounts/views/) and the loaders they share."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app

from challenge.accounts.models import Membership, Organisation
from challenge.extensions import db

bp = Blueprint("accounts", __name__)  # sign-up, sign-in, passwords, the profile
confirmation_bp = Blueprint("confirmation", __name__)  # confirming an email address
twofactor_bp = Blueprint("twofactor", __name__)  # the second factor at sign-in and its set-up
organisations_bp = Blueprint("organisations", __name__)  # organisations, members, invitations

_SLUG = re.compile(r"^[a-z0-9-]{1,180}$")


def auth_limit() -> str:
    """The rate limit on the sign-in family of forms (per IP address)."""
    return current_app.config["RATELIMIT_AUTH"]


def org_or_404(slug: str) -> Organisation:
    if not _SLUG.match(slug):
        abort(404)  # never send odd bytes to the database
    return db.first_or_404(db.select(Organisation).where(Organisation.slug == slug))


def membership_or_404(org: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != org.id:
        abort(404)
    return membership
