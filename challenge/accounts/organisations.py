"""Organisations: their details, their members and roles, and invitations to join.

An organisation always keeps at least one owner: every verb that could remove the last one refuses.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from challenge.accounts import orgids
from challenge.accounts.models import Invitation, Membership, MembershipRole, Organisation, OrganisationKind, User
from challenge.accounts.services import add_member, new_token, normalise_email, token_hash
from challenge.challenges.models import Challenge
from challenge.challenges.states import UNPUBLISHED_STATES
from challenge.errors import DomainError, FieldError
from challenge.extensions import db
from challenge.permissions import role_in
from challenge.platform import audit, outbox
from challenge.platform.links import site_link

INVITATION_LIFETIME = timedelta(days=14)
ROLES = (MembershipRole.OWNER, MembershipRole.MEMBER)


def update_organisation(org: Organisation, actor: User, now: datetime, *, name: str, kind: str,
                        description: str, website: str, identifiers: dict[str, str] | None = None,
                        publish: bool | None = None) -> Organisation:
    """Change the public details. Refuses an empty name, an unknown kind and an org-id identifier out of its
    register's shape. The slug (the address) stays. `publish` (the 360Giving opt-in) is the owners' to set:
    None leaves it as it is."""
    if not name.strip():
        raise FieldError("Enter the name of the organisation", "name")
    if kind not in OrganisationKind.__members__.values():
        raise FieldError("Choose a kind of organisation from the list", "kind")
    values = {"name": name.strip(), "kind": kind, "description": description.strip(), "website": website.strip()}
    values.update(_identifiers(identifiers or {}))
    if publish is not None:
        if role_in(actor, org.id) != MembershipRole.OWNER:
            raise DomainError("Only an owner of the organisation can choose to publish its grants as open data")
        values["publish_grants_open_data"] = bool(publish)
    changed = sorted(k for k, v in values.items() if getattr(org, k) != v)
    for key in changed:
        setattr(org, key, values[key])
    if changed:
        audit.record(actor, "organisation.update", org, now, data={"fields": changed})
    db.session.flush()
    return org


def _identifiers(given: dict[str, str]) -> dict[str, str]:
    try:
        return {name: orgids.normalise(name, value) for name, value in given.items()}
    except orgids.OrgIdError as exc:
        raise FieldError(str(exc), exc.field) from exc


def members(org: Organisation) -> list[Membership]:
    """Owners first, then by name."""
    return list(db.session.scalars(
        db.select(Membership).join(User).where(Membership.organisation_id == org.id)
        .order_by(Membership.role.desc(), User.name)
    ))


def public_challenges(org: Organisation) -> list[Challenge]:
    """The organisation's challenges that have been published, newest first."""
    return list(db.session.scalars(
        db.select(Challenge).where(Challenge.organisation_id == org.id,
                                   Challenge.state.not_in(UNPUBLISHED_STATES))
        .order_by(Challenge.published_at.desc(), Challenge.id.desc())
    ))


def pending_invitations(org: Organisation, now: datetime) -> list[Invitation]:
    return list(db.session.scalars(
        db.select(Invitation).where(Invitation.organisation_id == org.id, Invitation.accepted_at.is_(None),
                                    Invitation.created_at > now - INVITATION_LIFETIME)
        .order_by(Invitation.created_at.desc())
    ))


def pending_invitation(org: Organisation, invitation_id: int) -> Invitation | None:
    """The organisation's invitation `invitation_id` while it waits for an answer (None otherwise)."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != org.id or invitation.accepted_at is not None:
        return None
    return invitation


def membership_of(org: Organisation, user: User) -> Membership | None:
    return db.session.scalar(db.select(Membership).where(
        Membership.organisation_id == org.id, Membership.user_id == user.id))


def _membership_of_email(org: Organisation, email: str) -> Membership | None:
    return db.session.scalar(
        db.select(Membership).join(User)
        .where(Membership.organisation_id == org.id, db.func.lower(User.email) == email.lower())
    )


def invite(org: Organisation, email: str, role: str, actor: User, now: datetime) -> Invitation:
    """Invite `email` to join with `role`, and email them a single-use link.

    Refuses an unknown role and someone who is already a member. A new invitation to the same address
    replaces a pending one, so only the latest link works.
    """
    email = normalise_email(email)
    if role not in ROLES:
        raise FieldError("Choose owner or member", "role")
    if _membership_of_email(org, email):
        raise FieldError(f"{email} is already a member of {org.name}", "email")
    for old in db.session.scalars(db.select(Invitation).where(
            Invitation.organisation_id == org.id, Invitation.accepted_at.is_(None),
            db.func.lower(Invitation.email) == email.lower())):
        db.session.delete(old)
    token, digest = new_token()
    invitation = Invitation(organisation_id=org.id, email=email, role=role, token_hash=digest,
                            invited_by_id=actor.id, created_at=now)
    db.session.add(invitation)
    db.session.flush()
    outbox.queue("invitation", email, "invitation", now, org=org, inviter=actor, role=role, email=email,
                 link=site_link("organisations.invitation", token=token), days=INVITATION_LIFETIME.days)
    audit.record(actor, "organisation.invite", org, now, data={"email": email, "role": role})
    return invitation


def find_invitation(token: str, now: datetime) -> Invitation | None:
    """The pending invitation for `token`, or None when unknown, accepted, cancelled or expired."""
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if invitation is None or invitation.accepted_at is not None or invitation.created_at <= now - INVITATION_LIFETIME:
        return None
    return invitation


def accept_invitation(token: str, user: User, now: datetime) -> Membership:
    """Join the organisation as the invited role, once.

    Refuses an unknown, used or expired link, and a signed-in user whose email is not the invited one.
    Someone who is already a member keeps their role.
    """
    invitation = find_invitation(token, now)
    if invitation is None:
        raise DomainError("This invitation has expired, has been cancelled or has already been used. "
                           "Ask an owner of the organisation to invite you again.")
    if invitation.email.lower() != user.email.lower():
        raise DomainError(f"This invitation was sent to {invitation.email}, but you are signed in as "
                           f"{user.email}. Sign out, then sign in with the invited address.")
    invitation.accepted_at = now
    org = invitation.organisation
    existing = _membership_of_email(org, user.email)
    membership = existing or add_member(org, user, invitation.role, now)
    audit.record(user, "organisation.join", org, now, to_state=membership.role,
                 data={"user_id": user.id, "invitation_id": invitation.id})
    db.session.flush()
    return membership


def cancel_invitation(invitation: Invitation, actor: User, now: datetime) -> None:
    """Withdraw a pending invitation, so its link stops working."""
    if invitation.accepted_at is not None:
        raise DomainError("That invitation has already been accepted")
    audit.record(actor, "organisation.cancel_invitation", invitation.organisation, now,
                 data={"email": invitation.email})
    db.session.delete(invitation)
    db.session.flush()


def _owner_count(org_id: int) -> int:
    # Lock the organisation row so two owners demoting each other at once cannot both succeed.
    db.session.execute(db.select(Organisation.id).where(Organisation.id == org_id).with_for_update())
    return db.session.scalar(db.select(db.func.count(Membership.id)).where(
        Membership.organisation_id == org_id, Membership.role == MembershipRole.OWNER))


def owned_alone_by(user: User, *, lock: bool = False) -> list[Organisation]:
    """The organisations `user` is the only owner of: those an erasure of the account would leave without one.
    With `lock`, the organisations they own are locked first (in id order, as `_owner_count` locks one), so
    another owner leaving or being erased at the same moment waits and then counts again."""
    owned = db.select(Membership.organisation_id).where(Membership.user_id == user.id,
                                                        Membership.role == MembershipRole.OWNER)
    if lock:
        db.session.execute(db.select(Organisation.id).where(Organisation.id.in_(owned)).order_by(Organisation.id)
                           .with_for_update())
    others = db.select(Membership.organisation_id).where(Membership.user_id != user.id,
                                                         Membership.role == MembershipRole.OWNER)
    return list(db.session.scalars(db.select(Organisation).where(Organisation.id.in_(owned),
                                                                 Organisation.id.not_in(others))
                                   .order_by(Organisation.name)))


def _refuse_losing_last_owner(membership: Membership, what: str) -> None:
    if membership.role == MembershipRole.OWNER and _owner_count(membership.organisation_id) <= 1:
        raise FieldError(f"{what.format(org=membership.organisation.name)} An organisation needs at least "
                           "one owner: make someone else an owner first.", "role")


def change_role(membership: Membership, role: str, actor: User, now: datetime) -> Membership:
    """Make a member an owner or an owner a member. Refuses to demote the last owner."""
    if role not in ROLES:
        raise FieldError("Choose owner or member", "role")
    if role == membership.role:
        return membership
    if role == MembershipRole.MEMBER:
        _refuse_losing_last_owner(membership, "{org} has only one owner, who cannot become a member.")
    before, membership.role = membership.role, role
    audit.record(actor, "organisation.change_role", membership.organisation, now, from_state=before,
                 to_state=role, data={"user_id": membership.user_id})
    db.session.flush()
    return membership


def remove_member(membership: Membership, actor: User, now: datetime) -> None:
    """Remove someone from the organisation (or let them leave). Refuses to remove the last owner."""
    leaving = actor.id == membership.user_id
    _refuse_losing_last_owner(membership, "You are the only owner of {org}, so you cannot leave it." if leaving
                              else "This is the only owner of {org}, who cannot be removed.")
    action = "organisation.leave" if leaving else "organisation.remove_member"
    audit.record(actor, action, membership.organisation, now, from_state=membership.role,
                 data={"user_id": membership.user_id})
    db.session.delete(membership)
    db.session.flush()
