"""Organisations: creating one, its public page, its details, and leaving it."""
from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts import organisations as orgs
from challenge.accounts import services
from challenge.accounts.blueprint import org_or_404
from challenge.accounts.blueprint import organisations_bp as bp
from challenge.accounts.forms import ButtonForm, OrganisationForm
from challenge.permissions import can, ensure
from challenge.platform import tx


@bp.route("/organisations/new", methods=["GET", "POST"])
@login_required
def create():
    ensure("organisation.create")
    form = OrganisationForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            org = services.create_organisation(current_user, form.name.data, form.kind.data, clock.now(),
                                               description=form.description.data or "", website=form.website.data or "")
        if work.done:
            return tx.done(f"{org.name} has been created. You are its owner: invite your colleagues below.",
                           url_for("organisations.members", slug=org.slug))
    return tx.render_form("accounts/organisation_form.html", form, org=None)


@bp.get("/organisations/<slug>")
def show(slug: str):
    org = org_or_404(slug)
    ensure("organisation.view", org)
    may = {action: can(current_user, f"organisation.{action}", org) for action in ("manage", "view_members", "leave")}
    return render_template("accounts/organisation.html", org=org, members=orgs.members(org),
                           challenges=orgs.public_challenges(org), may=may)


@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    org = org_or_404(slug)
    ensure("organisation.manage", org)
    form = OrganisationForm(obj=org)
    owner = can(current_user, "organisation.publish_open_data", org)
    if not owner:
        del form.publish_grants_open_data
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            orgs.update_organisation(org, current_user, clock.now(), name=form.name.data, kind=form.kind.data,
                                     description=form.description.data or "", website=form.website.data or "",
                                     identifiers=form.identifiers(),
                                     publish=form.publish_grants_open_data.data if owner else None)
        if work.done:
            return tx.done("The organisation's details have been saved.", url_for("organisations.show", slug=org.slug))
    return tx.render_form("accounts/organisation_form.html", form, org=org)


@bp.post("/organisations/<slug>/leave")
@login_required
def leave(slug: str):
    org = org_or_404(slug)
    ensure("organisation.leave", org)
    membership = orgs.membership_of(org, current_user)
    with tx.unit_of_work(ButtonForm(formdata=None)) as work:
        orgs.remove_member(membership, current_user, clock.now())
    if work.refused:
        return tx.done(work.refused.message, url_for("organisations.show", slug=org.slug), "danger")
    return tx.done(f"You have left {org.name}.", url_for("accounts.profile"))
