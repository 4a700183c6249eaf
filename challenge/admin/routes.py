"""The broker console: counts, the review queue, users, organisations and the audit log."""
from __future__ import annotations

from flask import (
    Blueprint, Response, abort, current_app, flash, redirect, render_template, request, stream_with_context, url_for,
)
from flask_login import current_user

from challenge import clock
from challenge.accounts.models import Membership, Organisation, User
from challenge.admin import queries, services
from challenge.admin.forms import AuditFilterForm, OrganisationSearchForm, SwitchForm, UserSearchForm
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.platform.hygiene import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page() -> int:
    return page_arg()


@bp.get("/")
def index():
    ensure("admin.console")
    return render_template("admin/index.html", counts=queries.console_counts(), queue=len(queries.review_queue()))


@bp.get("/review")
def review_queue():
    ensure("admin.console")
    inline = "challenges.publish" in current_app.view_functions and "challenges.request_changes" in current_app.view_functions
    return render_template("admin/review.html", queue=queries.review_queue(), inline=inline)


@bp.get("/users")
def users():
    ensure("user.manage")
    form = UserSearchForm(request.args)
    valid = form.validate()
    stmt = queries.users_query(form.q.data or "", form.show.data or "") if valid else queries.users_query()
    page = db.paginate(stmt, page=_page(), per_page=current_app.config["TABLE_PER_PAGE"], error_out=False)
    counts = queries.membership_counts(Membership.user_id, [u.id for u in page.items])
    return render_template("admin/users.html", form=form, page=page, counts=counts, switch=SwitchForm(formdata=None))


def _switch_user(user_id: int, service, done: str):
    ensure("user.manage")
    user = db.get_or_404(User, user_id)
    form = SwitchForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service(user, form.on, current_user, clock.now())
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        tx.commit()
        flash(done.format(name=user.name, state="now" if form.on else "no longer"), "success")
    return redirect(url_for("admin.users", q=user.email))


@bp.post("/users/<id:user_id>/broker")
def set_broker(user_id: int):
    return _switch_user(user_id, services.set_broker, "{name} is {state} a broker.")


@bp.post("/users/<id:user_id>/active")
def set_active(user_id: int):
    return _switch_user(user_id, services.set_active, "{name}'s account is {state} active.")


@bp.get("/organisations")
def organisations():
    ensure("admin.console")
    form = OrganisationSearchForm(request.args)
    stmt = queries.organisations_query(form.q.data or "", form.show.data or "") if form.validate() \
        else queries.organisations_query()
    page = db.paginate(stmt, page=_page(), per_page=current_app.config["TABLE_PER_PAGE"], error_out=False)
    counts = queries.membership_counts(Membership.organisation_id, [o.id for o in page.items])
    return render_template("admin/organisations.html", form=form, page=page, counts=counts,
                           switch=SwitchForm(formdata=None))


@bp.post("/organisations/<id:org_id>/verified")
def set_verified(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    ensure("organisation.verify", org)
    form = SwitchForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_verified(org, form.on, current_user, clock.now())
    tx.commit()
    flash(f"{org.name} is {'now' if form.on else 'no longer'} marked as verified.", "success")
    return redirect(url_for("admin.organisations", q=org.name))


AUDIT_FILTERS = ("kind", "object_type", "action", "actor", "ip", "date_from", "date_to")


def _audit_filters() -> tuple[AuditFilterForm, dict]:
    form = AuditFilterForm(request.args)
    types, actions = queries.audit_choices()
    form.object_type.choices = [("", "Any")] + [(t, t) for t in types if t]
    form.action.choices = [("", "Any")] + [(a, a) for a in actions]
    form.validate()
    # A filter with a mistake is left out; the others still apply, and the mistake is explained.
    return form, {name: form[name].data for name in AUDIT_FILTERS if not form[name].errors}


@bp.get("/audit")
def audit():
    ensure("audit.view")
    form, filters = _audit_filters()
    stmt = queries.audit_query(**filters)
    page = db.paginate(stmt, page=_page(), per_page=current_app.config["TABLE_PER_PAGE"], error_out=False)
    return render_template("admin/audit.html", form=form, page=page, labels=queries.object_labels(page.items),
                           args={k: request.args[k] for k in AUDIT_FILTERS if request.args.get(k)})


@bp.get("/audit.csv")
def audit_csv():
    ensure("audit.view")
    form, filters = _audit_filters()
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    return Response(stream_with_context(queries.audit_csv(queries.audit_query(**filters))), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})
