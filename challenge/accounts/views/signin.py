"""Signing up, signing in (the password step) and signing out."""
from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_required, logout_user

from challenge import clock
from challenge.accounts import confirmation, security, services, sessions, twofactor
from challenge.accounts.blueprint import auth_limit, bp
from challenge.accounts.forms import LoginForm, SignUpForm
from challenge.extensions import limiter
from challenge.permissions import can
from challenge.platform import tx


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def signup():
    form = SignUpForm(email=request.args.get("email", "")[:254])
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            user = services.create_user(form.name.data, form.email.data, form.password.data, clock.now())
            confirmation.send(user, clock.now())
        if work.done:
            sessions.start_session(user, remember=False)
            return tx.done(f"Welcome, {user.name}. Your account is ready. We have emailed a link to {user.email}: "
                           "open it to confirm your address.", sessions.safe_next(url_for("challenges.dashboard")))
    return tx.render_form("accounts/signup.html", form)


def _signed_in(user, remember: bool, target: str):
    """Where a right password leads: the code step, the second factor's set-up, or `target`."""
    if twofactor.enabled(user):
        sessions.begin(user, remember, target)
        return redirect(url_for("twofactor.code"))
    sessions.start_session(user, remember=remember)
    flash("You are signed in.", "success")
    if can(user, "account.second_factor_required"):
        sessions.must_set_up()
        return redirect(url_for("twofactor.setup"))
    return redirect(target)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"], on_breach=security.locked_out)
def login():
    form = LoginForm(email=request.args.get("email", "")[:254])
    if form.validate_on_submit():
        with tx.unit_of_work():
            user = services.authenticate(form.email.data, form.password.data)
            if user is None:
                security.failed_sign_in(form.email.data, services.find_user_by_email(form.email.data), clock.now())
        if user is not None:
            return _signed_in(user, form.remember.data, sessions.safe_next(url_for("challenges.dashboard")))
        form.email.errors.append("The email address or password is not right")
    return tx.render_form("accounts/login.html", form)


@bp.post("/logout")
@login_required
def logout():
    with tx.unit_of_work():
        services.end_sessions(current_user, clock.now())
    logout_user()
    session.clear()
    return tx.done("You are signed out.", url_for("challenges.catalogue"), "info")
