"""The confirmation link's page, and 'send the link again'."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts import confirmation
from challenge.accounts.blueprint import auth_limit
from challenge.accounts.blueprint import confirmation_bp as bp
from challenge.accounts.forms import ButtonForm
from challenge.extensions import limiter
from challenge.platform import tx


def _back(default: str) -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else default


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def confirm(token: str):
    user = confirmation.user_for(token[:300])
    if user is None:
        return render_template("accounts/confirm_expired.html"), 410
    if request.method == "POST":
        if not ButtonForm().validate_on_submit():
            abort(400)
        with tx.unit_of_work():
            confirmation.confirm(token[:300], clock.now())
        return tx.done(f"Thank you: {user.email} is confirmed.",
                       url_for("challenges.dashboard") if current_user.is_authenticated else url_for("accounts.login"))
    return render_template("accounts/confirm_email.html", user=user, form=ButtonForm())


@bp.post("/account/confirm")
@login_required
@limiter.limit(auth_limit)
def resend():
    if not ButtonForm().validate_on_submit():
        abort(400)
    with tx.unit_of_work():
        sent = confirmation.send(current_user, clock.now())
    back = _back(url_for("accounts.profile"))
    if sent:
        return tx.done(f"We have emailed a new link to {current_user.email}. Open it to confirm your address.", back)
    if current_user.email_confirmed_at is not None:
        return tx.done("Your email address is already confirmed.", back, "info")
    return tx.done(f"We sent a link to {current_user.email} a moment ago. Check your inbox (and spam folder).",
                   back, "info")
