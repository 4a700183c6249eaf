"""Your personal API tokens, on the account page: create one (shown once, after a redirect), revoke one."""
from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts import sessions, tokens
from challenge.accounts.blueprint import bp
from challenge.accounts.forms import ApiTokenForm
from challenge.accounts.views.profile import profile_page
from challenge.platform import buttons, tx


@bp.post("/account/tokens")
@login_required
def create_token():
    """Post, redirect, get: the account page shows the new token once (sessions.keep_new_token), and a refresh
    of it creates nothing."""
    form = ApiTokenForm(prefix="token")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            token, secret = tokens.create(current_user, form.name.data, form.scope.data, clock.now())
        if work.done:
            sessions.keep_new_token(token.id, secret)
            return tx.done(f"The token “{token.name}” is created: copy it now, it is shown only this once.",
                           url_for("accounts.profile", _anchor="api-tokens-heading"))
    return profile_page(token_form=form)


@bp.post("/account/tokens/<id:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = tokens.own_token(current_user, token_id)
    if token is None:
        abort(404)
    back = url_for("accounts.profile", _anchor="api-tokens-heading")
    return buttons.pressed(back, lambda: tokens.revoke(token, current_user, clock.now()),
                           f"The token “{token.name}” is revoked: requests with it are refused from now on.")
