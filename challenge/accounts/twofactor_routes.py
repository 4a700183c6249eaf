"""The second factor's pages: the code asked after the password, and setting up an authenticator app.

Also the gate: a broker without an authenticator (or anyone told at sign-in that their role needs one)
can open no other page until it is set up.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user

from challenge import clock
from challenge.accounts import security, services, twofactor
from challenge.accounts.forms import SecondFactorForm
from challenge.accounts.models import User
from challenge.extensions import limiter
from challenge.permissions import ON_DENIED, can
from challenge.platform import tx

bp = Blueprint("twofactor", __name__)
PENDING, SETUP_SECRET, MUST_SET_UP = "second_factor_pending", "second_factor_secret", "second_factor_required"
PENDING_FOR = timedelta(minutes=5)
MAX_ATTEMPTS = 5
# What someone who must set up a second factor may still open.
OPEN_DURING_SETUP = {"twofactor.setup", "twofactor.confirm", "accounts.logout", "static", "bootstrap.static"}


def auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


bp.after_app_request(security.write_noted)


@bp.record_once
def _listen(state) -> None:
    if security.denied not in ON_DENIED:
        ON_DENIED.append(security.denied)


def begin(user: User, remember: bool, target: str) -> None:
    """The password was right and the user has an authenticator: ask for its code before signing in."""
    session.clear()
    session[PENDING] = {"user": user.get_id(), "remember": remember, "next": target,
                        "until": (clock.now() + PENDING_FOR).timestamp(), "attempts": 0}


def must_set_up() -> None:
    """Signed in with the password alone by someone whose role needs a second factor: set it up first."""
    session[MUST_SET_UP] = True


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < clock.now().timestamp():
        return None
    return services.load_user(str(pending.get("user", "")))  # None once the password changed meanwhile


def _start_again(message: str, category: str = "danger"):
    session.pop(PENDING, None)
    flash(message, category)
    return redirect(url_for("accounts.login"))


def _wrong_code(user: User, pending: dict, now) -> bool:
    """Count a wrong code (recorded as a security event); True once the attempt must start again."""
    pending["attempts"] += 1
    session[PENDING] = pending
    security.failed_second_factor(user, now, attempts=pending["attempts"])
    return pending["attempts"] >= MAX_ATTEMPTS


def _signed_in(user: User, pending: dict):
    session.clear()
    login_user(user, remember=bool(pending["remember"]))
    return tx.done("You are signed in.", pending["next"])


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"], on_breach=security.locked_out)
def code():
    user = _pending_user()
    if user is None:
        return _start_again("Sign in with your email address and password first.", "info")
    form = SecondFactorForm()
    if form.validate_on_submit():
        pending, now = session[PENDING], clock.now()
        if security.second_factor_locked(user, now):
            return _start_again("There have been too many wrong codes for this account. Wait 15 minutes, "
                                "then sign in again.")
        with tx.unit_of_work():
            right = twofactor.check(user, form.code.data, now) is not None
            start_again = not right and _wrong_code(user, pending, now)
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
        secret = session.get(SETUP_SECRET) or twofactor.new_secret()
        session[SETUP_SECRET] = secret  # only in the signed session until confirmed: a GET stores nothing
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
    return _setup_page()


def _turned_on(codes: list[str]):
    remember = bool(request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"]))
    session.clear()  # the new session token ended every session; begin this one again
    login_user(current_user._get_current_object(), remember=remember)
    flash("Your authenticator app is set up. You will be asked for a code each time you sign in.", "success")
    return _setup_page(codes=codes)


@bp.post("/account/two-factor")
@login_required
@limiter.limit(auth_limit, on_breach=security.locked_out)
def confirm():
    secret = session.get(SETUP_SECRET)
    return _with_code(lambda code, now: twofactor.turn_on(current_user, secret, code, now), _turned_on,
                      ready=bool(secret))


def _new_codes_shown(codes: list[str]):
    flash("Your new recovery codes are below. The old ones no longer work.", "success")
    return _setup_page(codes=codes)


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


@bp.before_app_request
def _gate():
    """A broker without an authenticator, or someone told at sign-in to set one up, sees only its setup."""
    if not current_user.is_authenticated or request.endpoint in OPEN_DURING_SETUP:
        return None
    if not (session.get(MUST_SET_UP) or current_user.is_broker):
        return None
    if twofactor.enabled(current_user):
        session.pop(MUST_SET_UP, None)
        return None
    flash("Set up an authenticator app first: your role needs a second factor at sign-in.", "warning")
    return redirect(url_for("twofactor.setup"))
