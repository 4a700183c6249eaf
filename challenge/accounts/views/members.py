"""An organisation's members: their roles, invitations to join, and accepting one."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from challenge import clock
from challenge.accounts import organisations as orgs
from challenge.accounts import services
from challenge.accounts.blueprint import membership_or_404, org_or_404
from challenge.accounts.blueprint import organisations_bp as bp
from challenge.accounts.forms import ButtonForm, InviteForm, RoleForm
from challenge.accounts.models import MembershipRole, Organisation
from challenge.permissions import ensure
from challenge.platform import tx


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
    org = org_or_404(slug)
    ensure("organisation.manage", org)
    return _members_page(org)


@bp.post("/organisations/<slug>/invitations")
def invite(slug: str):
    org = org_or_404(slug)
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
    org = org_or_404(slug)
    ensure("organisation.manage", org)
    invitation = orgs.pending_invitation(org, invitation_id) or abort(404)
    email = invitation.email  # read before the row is gone
    with tx.unit_of_work():
        orgs.cancel_invitation(invitation, current_user, clock.now())
    return tx.done(f"The invitation to {email} has been cancelled.",
                   url_for("organisations.members", slug=org.slug))


def _role_words(role: str) -> str:
    return "an owner" if role == MembershipRole.OWNER else "a member"


@bp.post("/organisations/<slug>/members/<id:membership_id>/role")
def change_role(slug: str, membership_id: int):
    org = org_or_404(slug)
    ensure("organisation.manage", org)
    membership = membership_or_404(org, membership_id)
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
    org = org_or_404(slug)
    ensure("organisation.manage", org)
    membership = membership_or_404(org, membership_id)
    form = RoleForm(prefix=f"m{membership.id}", role=membership.role, formdata=None)
    name = membership.user.name  # read before the row is gone
    with tx.unit_of_work(form) as work:
        orgs.remove_member(membership, current_user, clock.now())
    if work.done:
        return tx.done(f"{name} has been removed from {org.name}.",
                       url_for("organisations.members", slug=org.slug))
    return _members_page(org, row=form, row_id=membership.id)


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
    form = ButtonForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            membership = orgs.accept_invitation(token, current_user, clock.now())
        if work.done:
            return tx.done(f"Welcome to {membership.organisation.name}. You are {_role_words(membership.role)}.",
                           url_for("organisations.show", slug=membership.organisation.slug))
    return tx.render_form("accounts/invitation.html", form, invitation=invitation, token=token)
