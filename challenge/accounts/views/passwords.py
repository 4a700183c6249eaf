"""A forgotten password: asking for a link, and setting a new password with it."""
from __future__ import annotations

from flask import render_template, url_for

from challenge import clock
from challenge.accounts import passwords, security, tokens
from challenge.accounts.blueprint import auth_limit, bp
from challenge.accounts.forms import ForgotPasswordForm, ResetPasswordForm
from challenge.extensions import limiter
from challenge.platform import tx


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            passwords.request_reset(form.email.data, clock.now())
        if work.done:  # the same page whether or not the address has an account
            return render_template("accounts/reset_sent.html", email=form.email.data)
    return tx.render_form("accounts/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"], on_breach=security.locked_out)
def reset_password(token: str):
    if passwords.usable_token(token, clock.now()) is None:
        return render_template("accounts/reset_expired.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            user = passwords.reset_password(token, form.password.data, clock.now())
        if work.done:
            return tx.done("Your password has been changed. Sign in with your new password." + tokens.still_work(user),
                           url_for("accounts.login"))
    return tx.render_form("accounts/reset_password.html", form)
