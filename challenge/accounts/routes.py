"""Sign up, sign in, sign out, forgotten passwords, and your own profile."""
from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from challenge import clock
from challenge.accounts import confirmation, passwords, security, services, twofactor, twofactor_routes
from challenge.accounts.forms import (
    ChangePasswordForm, ForgotPasswordForm, LoginForm, ProfileForm, ResetPasswordForm, SignUpForm,
)
from challenge.extensions import limiter
from challenge.permissions import can
from challenge.platform import tx

bp = Blueprint("accounts", __name__)


def auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


# A path on this site in printable ASCII: no spaces, tabs, line breaks or backslashes, which browsers
# drop or read as "/" (so "/\t/evil.example" would be followed as "//evil.example", off the site).
_LOCAL_PATH = re.compile(r"/(?![/\\])[!-\[\]-~]*")


def _safe_next(default: str) -> str:
    target = request.args.get("next", "")
    return target if _LOCAL_PATH.fullmatch(target) else default


def _start_session(user, remember: bool) -> None:
    session.clear()  # a fresh session at login: nothing carried over from before
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def signup():
    form = SignUpForm(email=request.args.get("email", "")[:254])
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            user = services.create_user(form.name.data, form.email.data, form.password.data, clock.now())
            confirmation.send(user, clock.now())
        if work.done:
            _start_session(user, remember=False)
            return tx.done(f"Welcome, {user.name}. Your account is ready. We have emailed a link to {user.email}: "
                           "open it to confirm your address.", _safe_next(url_for("challenges.dashboard")))
    return tx.render_form("accounts/signup.html", form)


def _signed_in(user, remember: bool, target: str):
    """Where a right password leads: the code step, the second factor's set-up, or `target`."""
    if twofactor.enabled(user):
        twofactor_routes.begin(user, remember, target)
        return redirect(url_for("twofactor.code"))
    _start_session(user, remember=remember)
    flash("You are signed in.", "success")
    if can(user, "account.second_factor_required"):
        twofactor_routes.must_set_up()
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
            return _signed_in(user, form.remember.data, _safe_next(url_for("challenges.dashboard")))
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
            passwords.reset_password(token, form.password.data, clock.now())
        if work.done:
            return tx.done("Your password has been changed. Sign in with your new password.",
                           url_for("accounts.login"))
    return tx.render_form("accounts/reset_password.html", form)


def _profile_page(details: ProfileForm | None = None, password: ChangePasswordForm | None = None):
    details = details or ProfileForm(prefix="details", obj=current_user)
    password = password or ChangePasswordForm(prefix="password")
    return tx.render_form("accounts/profile.html", details=details, password=password,
                          memberships=services.memberships_of(current_user),
                          has_errors=bool(details.errors or password.errors))


@bp.get("/account")
@login_required
def profile():
    return _profile_page()


@bp.post("/account/details")
@login_required
def update_profile():
    form = ProfileForm(prefix="details")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.update_profile(current_user, form.name.data, form.bio.data or "", current_user, clock.now())
        if work.done:
            return tx.done("Your details have been saved.", url_for("accounts.profile"))
    return _profile_page(details=form)


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="password")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.change_password(current_user, form.current_password.data, form.new_password.data, clock.now())
        if work.done:
            _start_session(current_user._get_current_object(), remember=False)
            return tx.done("Your password has been changed. You have been signed out everywhere else.",
                           url_for("accounts.profile"))
    return _profile_page(password=form)
