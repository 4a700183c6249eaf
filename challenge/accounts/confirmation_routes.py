"""The confirmation link's page, and 'send the link again'."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from challenge import clock
from challenge.accounts import confirmation
from challenge.extensions import limiter
from challenge.platform import tx

bp = Blueprint("confirmation", __name__)


class ConfirmForm(FlaskForm):
    """A button that posts: CSRF only."""


def _back(default: str) -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else default


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_AUTH"], methods=["POST"])
def confirm(token: str):
    user = confirmation.user_for(token[:300])
    if user is None:
        return render_template("accounts/confirm_expired.html"), 410
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        with tx.unit_of_work():
            confirmation.confirm(token[:300], clock.now())
        return tx.done(f"Thank you: {user.email} is confirmed.",
                       url_for("challenges.dashboard") if current_user.is_authenticated else url_for("accounts.login"))
    return render_template("accounts/confirm_email.html", user=user, form=ConfirmForm())


@bp.post("/account/confirm")
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_AUTH"])
def resend():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with tx.unit_of_work():
        sent = confirmation.send(current_user, clock.now())
    if sent:
        message = f"We have emailed a new link to {current_user.email}. Open it to confirm your address."
        return tx.done(message, _back(url_for("accounts.profile")))
    if current_user.email_confirmed_at is not None:
        return tx.done("Your email address is already confirmed.", _back(url_for("accounts.profile")), "info")
    return tx.done(f"We sent a link to {current_user.email} a moment ago. Check your inbox (and spam folder).",
                   _back(url_for("accounts.profile")), "info")
