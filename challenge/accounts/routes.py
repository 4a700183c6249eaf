"""Sign up, sign in, sign out."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from challenge import clock
from challenge.accounts import services
from challenge.accounts.forms import LoginForm, SignUpForm
from challenge.extensions import limiter
from challenge.platform import tx

bp = Blueprint("accounts", __name__)


def auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


def _safe_next(default: str) -> str:
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


def _start_session(user, remember: bool) -> None:
    session.clear()  # a fresh session at login: nothing carried over from before
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def signup():
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(form.name.data, form.email.data, form.password.data, clock.now())
        except services.AccountError as exc:
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            tx.commit()
            _start_session(user, remember=False)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(_safe_next(url_for("challenges.dashboard")))
    return render_template("accounts/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.email.errors.append("The email address or password is not right")
        else:
            tx.commit()
            _start_session(user, remember=form.remember.data)
            flash("You are signed in.", "success")
            return redirect(_safe_next(url_for("challenges.dashboard")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("challenges.catalogue"))
