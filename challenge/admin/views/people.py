"""People: searching accounts, and switching the broker role and an account's active state."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from challenge import clock
from challenge.admin import queries, services
from challenge.admin.blueprint import bp
from challenge.admin.forms import SwitchForm, UserSearchForm
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.platform.paging import paginate


@bp.get("/users")
def users():
    ensure("user.manage")
    form = UserSearchForm(request.args)
    valid = form.validate()
    stmt = queries.users_query(form.q.data or "", form.show.data or "") if valid else queries.users_query()
    page = paginate(stmt)
    counts = queries.memberships_per_user(page.items)
    return render_template("admin/users.html", form=form, page=page, counts=counts, switch=SwitchForm(formdata=None))


def _switch_user(user_id: int, service, done: str):
    ensure("user.manage")
    user = queries.user_or_404(user_id)
    form = SwitchForm()
    if not form.validate_on_submit():
        abort(400)
    with tx.unit_of_work(form) as work:
        service(user, form.on, current_user, clock.now())
    if work.refused:
        return tx.done(work.refused.message, url_for("admin.users", q=user.email), "danger")
    return tx.done(done.format(name=user.name, state="now" if form.on else "no longer"),
                   url_for("admin.users", q=user.email))


@bp.post("/users/<id:user_id>/broker")
def set_broker(user_id: int):
    return _switch_user(user_id, services.set_broker, "{name} is {state} a broker.")


@bp.post("/users/<id:user_id>/active")
def set_active(user_id: int):
    return _switch_user(user_id, services.set_active, "{name}'s account is {state} active.")
