"""Organisations: searching them, and marking one verified."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from challenge import clock
from challenge.admin import queries, services
from challenge.admin.blueprint import bp
from challenge.admin.forms import OrganisationSearchForm, SwitchForm
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.platform.paging import paginate


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
