"""Your own profile: the details others see, and your password."""
from __future__ import annotations

from flask import make_response, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts import services, sessions, tokens
from challenge.accounts.blueprint import bp
from challenge.accounts.forms import ApiTokenForm, ChangePasswordForm, ProfileForm
from challenge.platform import tx


def profile_page(details: ProfileForm | None = None, password: ChangePasswordForm | None = None,
                 token_form: ApiTokenForm | None = None):
    """The account page; a token just created is shown this once (sessions.take_new_token)."""
    details = details or ProfileForm(prefix="details", obj=current_user)
    password = password or ChangePasswordForm(prefix="password")
    token_form = token_form or ApiTokenForm(prefix="token", formdata=None)
    new_token = sessions.take_new_token(current_user, clock.now())
    response = make_response(tx.render_form(
        "accounts/profile.html", details=details, password=password, token_form=token_form,
        memberships=services.memberships_of(current_user), new_token=new_token,
        api_tokens=tokens.tokens_of(current_user),
        has_errors=bool(details.errors or password.errors or token_form.errors)))
    if new_token:  # not kept by the browser's cache either: Back shows the page without it
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/account")
@login_required
def profile():
    return profile_page()


@bp.post("/account/details")
@login_required
def update_profile():
    form = ProfileForm(prefix="details")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.update_profile(current_user, form.name.data, form.bio.data or "", current_user, clock.now())
        if work.done:
            return tx.done("Your details have been saved.", url_for("accounts.profile"))
    return profile_page(details=form)


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="password")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.change_password(current_user, form.current_password.data, form.new_password.data, clock.now())
        if work.done:
            sessions.start_session(current_user._get_current_object(), remember=False)
            return tx.done("Your password has been changed. You have been signed out everywhere else."
                           + tokens.still_work(current_user), url_for("accounts.profile"))
    return profile_page(password=form)
