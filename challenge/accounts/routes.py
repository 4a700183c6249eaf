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


def _refused(form, exc: services.AccountError, default_field: str) -> None:
    getattr(form, exc.field if exc.field in form._fields else default_field).errors.append(exc.message)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def signup():
    form = SignUpForm(email=request.args.get("email", "")[:254])
    if form.validate_on_submit():
        try:
            user = services.create_user(form.name.data, form.email.data, form.password.data, clock.now())
            confirmation.send(user, clock.now())
        except services.AccountError as exc:
            _refused(form, exc, "email")
        else:
            tx.commit()
            _start_session(user, remember=False)
            flash(f"Welcome, {user.name}. Your account is ready. We have emailed a link to {user.email}: "
                  "open it to confirm your address.", "success")
            return redirect(_safe_next(url_for("challenges.dashboard")))
    return render_template("accounts/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"], on_breach=security.locked_out)
def login():
    form = LoginForm(email=request.args.get("email", "")[:254])
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        target = _safe_next(url_for("challenges.dashboard"))
        if user is None:
            security.failed_sign_in(form.email.data, services.find_user_by_email(form.email.data), clock.now())
            tx.commit()
            form.email.errors.append("The email address or password is not right")
        elif twofactor.enabled(user):
            tx.commit()
            twofactor_routes.begin(user, form.remember.data, target)
            return redirect(url_for("twofactor.code"))
        else:
            tx.commit()
            _start_session(user, remember=form.remember.data)
            flash("You are signed in.", "success")
            if can(user, "account.second_factor_required"):
                twofactor_routes.must_set_up()
                return redirect(url_for("twofactor.setup"))
            return redirect(target)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_sessions(current_user, clock.now())
    tx.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("challenges.catalogue"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_reset(form.email.data, clock.now())
        tx.commit()
        # The same page whether or not the address has an account.
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"], on_breach=security.locked_out)
def reset_password(token: str):
    if passwords.usable_token(token, clock.now()) is None:
        return render_template("accounts/reset_expired.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(token, form.password.data, clock.now())
        except services.AccountError as exc:
            _refused(form, exc, "password")
        else:
            tx.commit()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


def _profile_page(details: ProfileForm | None = None, password: ChangePasswordForm | None = None):
    details = details or ProfileForm(prefix="details", obj=current_user)
    password = password or ChangePasswordForm(prefix="password")
    return render_template("accounts/profile.html", details=details, password=password,
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
        try:
            services.update_profile(current_user, form.name.data, form.bio.data or "", current_user, clock.now())
        except services.AccountError as exc:
            _refused(form, exc, "name")
        else:
            tx.commit()
            flash("Your details have been saved.", "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(details=form)


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="password")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data, clock.now())
        except services.AccountError as exc:
            _refused(form, exc, "new_password")
        else:
            tx.commit()
            _start_session(current_user._get_current_object(), remember=False)
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(password=form)
