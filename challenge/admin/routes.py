"""The broker console: counts, the review queue, users, organisations and the audit log."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, stream_with_context, url_for
from flask_login import current_user

from challenge import clock
from challenge.admin import queries, services
from challenge.admin.forms import AuditFilterForm, OrganisationSearchForm, SwitchForm, UserSearchForm
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.platform.paging import paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


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


@bp.get("/organisations")
def organisations():
    ensure("admin.console")
    form = OrganisationSearchForm(request.args)
    stmt = queries.organisations_query(form.q.data or "", form.show.data or "") if form.validate() \
        else queries.organisations_query()
    page = paginate(stmt)
    counts = queries.memberships_per_organisation(page.items)
    return render_template("admin/organisations.html", form=form, page=page, counts=counts,
                           switch=SwitchForm(formdata=None))


@bp.post("/organisations/<id:org_id>/verified")
def set_verified(org_id: int):
    org = queries.organisation_or_404(org_id)
    ensure("organisation.verify", org)
    form = SwitchForm()
    if not form.validate_on_submit():
        abort(400)
    with tx.unit_of_work():
        services.set_verified(org, form.on, current_user, clock.now())
    return tx.done(f"{org.name} is {'now' if form.on else 'no longer'} marked as verified.",
                   url_for("admin.organisations", q=org.name))


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
    page = paginate(stmt)
    return render_template("admin/audit.html", form=form, page=page, labels=queries.object_labels(page.items),
                           args={k: request.args[k] for k in AUDIT_FILTERS if request.args.get(k)})


@bp.get("/audit.csv")
def audit_csv():
    ensure("audit.view")
    form, filters = _audit_filters()
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    return Response(stream_with_context(queries.audit_csv(queries.audit_query(**filters))), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})
