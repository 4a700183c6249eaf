"""The public catalogue, a challenge's page, and the signed-in dashboard."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.permissions import ensure

bp = Blueprint("challenges", __name__)


@bp.get("/")
def catalogue():
    challenges = db.session.scalars(
        db.select(Challenge).where(Challenge.state.not_in(("draft", "in_review", "cancelled")))
        .order_by(Challenge.closes_at)
    ).all()
    return render_template("challenges/catalogue.html", challenges=challenges, now=clock.now())


@bp.get("/challenges/<slug>")
def show(slug: str):
    challenge = db.first_or_404(db.select(Challenge).where(Challenge.slug == slug))
    ensure("challenge.view", challenge)
    return render_template("challenges/show.html", challenge=challenge, now=clock.now())


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("challenges/dashboard.html", user=current_user)
