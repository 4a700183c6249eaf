"""The second factor's pages: the code asked after the password, and setting up an authenticator app."""
from __future__ import annotations

from flask import current_app, flash, make_response, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user

from challenge import clock
from challenge.accounts import security, sessions, twofactor
from challenge.accounts.blueprint import auth_limit
from challenge.accounts.blueprint import twofactor_bp as bp
from challenge.accounts.forms import SecondFactorForm
from challenge.accounts.models import User
from challenge.extensions import limiter
from challenge.permissions import can
from challenge.platform import tx


def _start_again(message: str, category: str = "danger"):
    session.pop(sessions.PENDING, None)
    flash(message, category)
    return redirect(url_for("accounts.login"))


def _signed_in(user: User, pending: dict):
    session.clear()
    login_user(user, remember=bool(pending["remember"]))
    return tx.done("You are signed in.", pending["next"])


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"], on_breach=security.locked_out)
def code():
    user = sessions.pending_user()
    if user is None:
        return _start_again("Sign in with your email address and password first.", "info")
    form = SecondFactorForm()
    if form.validate_on_submit():
        pending, now = session[sessions.PENDING], clock.now()
        if security.second_factor_locked(user, now):
            return _start_again("There have been too many wrong codes for this account. Wait 15 minutes, "
                                "then sign in again.")
        with tx.unit_of_work():
            right = twofactor.check(user, form.code.data, now) is not None
            start_again = not right and sessions.count_wrong_code(user, pending, now)
        if right:
            return _signed_in(user, pending)
        if start_again:
            return _start_again("That code was wrong too many times. Sign in again.")
        form.code.errors.append("That code is not right. Enter the code your app shows now, or a recovery code")
    return tx.render_form("accounts/two_factor_code.html", form)


def _setup_page(form: SecondFactorForm | None = None, codes: list[str] | None = None, status: int | None = None):
    user = current_user._get_current_object()
    on = twofactor.enabled(user)
    secret = None
    if not on:
        secret = sessions.setup_secret()  # in the session, sealed, until a code confirms it: a GET stores nothing
    uri = twofactor.provisioning_uri(user, secret) if secret else None
    page, shown = tx.render_form(
        "accounts/two_factor.html", form or SecondFactorForm(formdata=None), on=on, codes=codes,
        secret=secret, uri=uri, qr=twofactor.qr_svg(uri) if uri else None,
        required=can(user, "account.second_factor_required"),
        left=twofactor.recovery_codes_left(user) if on else 0)
    return page, status or shown


def _with_code(step, after, ready: bool = True):
    """The set-up page's three buttons, each proven by a current code: run `step(code, now)` as one unit of
    work and answer with `after(its result)`; anything refused shows the set-up page again with a 400."""
    form = SecondFactorForm()
    if form.validate_on_submit() and ready:
        with tx.unit_of_work(form) as work:
            result = step(form.code.data, clock.now())
        if work.done:
            return after(result)
    return _setup_page(form=form, status=400)


@bp.get("/account/two-factor")
@login_required
def setup():
    """The set-up page; recovery codes just made are shown this once (sessions.take_new_codes)."""
    codes = sessions.take_new_codes(clock.now())
    page, status = _setup_page(codes=codes)
    response = make_response(page, status)
    if codes:  # not kept by the browser's cache either: Back shows the page without them
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _turned_on(codes: list[str]):
    remember = bool(request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"]))
    session.clear()  # the new session token ended every session; begin this one again
    login_user(current_user._get_current_object(), remember=remember)
    sessions.keep_new_codes(codes, clock.now())  # shown by the page the redirect opens: a refresh makes none
    flash("Your authenticator app is set up. You will be asked for a code each time you sign in.", "success")
    return redirect(url_for("twofactor.setup"))


@bp.post("/account/two-factor")
@login_required
@limiter.limit(auth_limit, on_breach=security.locked_out)
def confirm():
    secret = sessions.kept_setup_secret()
    return _with_code(lambda code, now: twofactor.turn_on(current_user, secret, code, now), _turned_on,
                      ready=bool(secret))


def _new_codes_shown(codes: list[str]):
    sessions.keep_new_codes(codes, clock.now())
    flash("Your new recovery codes are below. The old ones no longer work.", "success")
    return redirect(url_for("twofactor.setup"))


@bp.post("/account/two-factor/recovery-codes")
@login_required
@limiter.limit(auth_limit, on_breach=security.locked_out)
def new_codes():
    return _with_code(lambda code, now: twofactor.new_recovery_codes(current_user, code, now), _new_codes_shown)


@bp.post("/account/two-factor/off")
@login_required
@limiter.limit(auth_limit, on_breach=security.locked_out)
def turn_off():
    return _with_code(
        lambda code, now: twofactor.turn_off(current_user, code, now),
        lambda _: tx.done("Your account no longer asks for a code from an authenticator app.",
                          url_for("twofactor.setup")))
