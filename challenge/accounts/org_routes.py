"""Organisations: their public page, their details, their members and invitations."""
from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from challenge import clock
from challenge.accounts import organisations as orgs
from challenge.accounts import services
from challenge.accounts.forms import InviteForm, OrganisationForm, RoleForm
from challenge.accounts.models import Membership, MembershipRole, Organisation
from challenge.extensions import db
from challenge.permissions import ensure
from challenge.platform import tx

bp = Blueprint("organisations", __name__)
_SLUG = re.compile(r"^[a-z0-9-]{1,180}$")


def _org(slug: str) -> Organisation:
    if not _SLUG.match(slug):
        abort(404)  # never send odd bytes to the database
    return db.first_or_404(db.select(Organisation).where(Organisation.slug == slug))


def _membership(org: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != org.id:
        abort(404)
    return membership


class LeaveForm(FlaskForm):
    """The leave button: CSRF only (a refusal is said in a flash message)."""


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
    org = _org(slug)
    ensure("organisation.view", org)
    return render_template("accounts/organisation.html", org=org, members=orgs.members(org),
                           challenges=orgs.public_challenges(org))


@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    org = _org(slug)
    ensure("organisation.manage", org)
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            orgs.update_organisation(org, current_user, clock.now(), name=form.name.data, kind=form.kind.data,
                                     description=form.description.data or "", website=form.website.data or "")
        if work.done:
            return tx.done("The organisation's details have been saved.", url_for("organisations.show", slug=org.slug))
    return tx.render_form("accounts/organisation_form.html", form, org=org)


def _members_page(org: Organisation, invite: InviteForm | None = None, row: RoleForm | None = None,
                  row_id: int | None = None):
    members = orgs.members(org)
    role_forms = {m.id: RoleForm(prefix=f"m{m.id}", role=m.role, formdata=None) for m in members}
    if row is not None:
        role_forms[row_id] = row
    invite = invite or InviteForm(formdata=None)
    failed = invite if invite.errors else row
    return tx.render_form("accounts/members.html", org=org, members=members, role_forms=role_forms,
                          invite=invite, failed=failed, has_errors=bool(failed and failed.errors),
                          invitations=orgs.pending_invitations(org, clock.now()))


@bp.get("/organisations/<slug>/members")
def members(slug: str):
    org = _org(slug)
    ensure("organisation.manage", org)
    return _members_page(org)


@bp.post("/organisations/<slug>/invitations")
def invite(slug: str):
    org = _org(slug)
    ensure("organisation.manage", org)
    form = InviteForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            orgs.invite(org, form.email.data, form.role.data, current_user, clock.now())
        if work.done:
            return tx.done(f"We have emailed an invitation to {form.email.data}.",
                           url_for("organisations.members", slug=org.slug))
    return _members_page(org, invite=form)


@bp.post("/organisations/<slug>/invitations/<id:invitation_id>/cancel")
def cancel_invitation(slug: str, invitation_id: int):
    org = _org(slug)
    ensure("organisation.manage", org)
    invitation = orgs.pending_invitation(org, invitation_id) or abort(404)
    with tx.unit_of_work():
        orgs.cancel_invitation(invitation, current_user, clock.now())
    return tx.done(f"The invitation to {invitation.email} has been cancelled.",
                   url_for("organisations.members", slug=org.slug))


def _role_words(role: str) -> str:
    return "an owner" if role == MembershipRole.OWNER else "a member"


@bp.post("/organisations/<slug>/members/<id:membership_id>/role")
def change_role(slug: str, membership_id: int):
    org = _org(slug)
    ensure("organisation.manage", org)
    membership = _membership(org, membership_id)
    form = RoleForm(prefix=f"m{membership.id}")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            orgs.change_role(membership, form.role.data, current_user, clock.now())
        if work.done:
            return tx.done(f"{membership.user.name} is now {_role_words(form.role.data)}.",
                           url_for("organisations.members", slug=org.slug))
        form.role.data = membership.role  # refused: show the role they still have
    return _members_page(org, row=form, row_id=membership.id)


@bp.post("/organisations/<slug>/members/<id:membership_id>/remove")
def remove_member(slug: str, membership_id: int):
    org = _org(slug)
    ensure("organisation.manage", org)
    membership = _membership(org, membership_id)
    form = RoleForm(prefix=f"m{membership.id}", role=membership.role, formdata=None)
    with tx.unit_of_work(form) as work:
        orgs.remove_member(membership, current_user, clock.now())
    if work.done:
        return tx.done(f"{membership.user.name} has been removed from {org.name}.",
                       url_for("organisations.members", slug=org.slug))
    return _members_page(org, row=form, row_id=membership.id)


@bp.post("/organisations/<slug>/leave")
@login_required
def leave(slug: str):
    org = _org(slug)
    ensure("organisation.leave", org)
    membership = orgs.membership_of(org, current_user)
    with tx.unit_of_work(LeaveForm(formdata=None)) as work:
        orgs.remove_member(membership, current_user, clock.now())
    if work.refused:
        return tx.done(work.refused.message, url_for("organisations.show", slug=org.slug), "danger")
    return tx.done(f"You have left {org.name}.", url_for("accounts.profile"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    invitation = orgs.find_invitation(token, clock.now())
    if invitation is None:
        return render_template("accounts/invitation_expired.html"), 410
    if not current_user.is_authenticated:
        known = services.find_user_by_email(invitation.email) is not None
        flash(f"{'Sign in' if known else 'Create an account'} to accept the invitation to join "
              f"{invitation.organisation.name}.", "info")
        endpoint = "accounts.login" if known else "accounts.signup"
        return redirect(url_for(endpoint, next=url_for("organisations.invitation", token=token),
                                email=invitation.email))
    if request.method == "POST":
        with tx.unit_of_work():
            membership = orgs.accept_invitation(token, current_user, clock.now())
        return tx.done(f"Welcome to {membership.organisation.name}. You are {_role_words(membership.role)}.",
                       url_for("organisations.show", slug=membership.organisation.slug))
    return render_template("accounts/invitation.html", invitation=invitation, token=token)
