"""The panel: invitations by email, joining, and the one chair."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from challenge.accounts.models import Membership, User
from challenge.accounts.services import normalise_email
from challenge.challenges.models import Challenge
from challenge.errors import DomainError, FieldError, NotAllowed
from challenge.extensions import db
from challenge.judging.results import touch
from challenge.platform.links import site_link
from challenge.judging.models import JUDGING_OVER, Conflict, PanelInvitation, PanelMember, PanelRole
from challenge.permissions import can
from challenge.platform import audit, outbox
from challenge.submissions.models import Submission, TeamMember

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def members_of(challenge: Challenge) -> list[PanelMember]:
    return list(db.session.scalars(
        db.select(PanelMember).join(User).where(PanelMember.challenge_id == challenge.id)
        .order_by(PanelMember.role.desc(), User.name)
    ))


def pending_invitations(challenge: Challenge) -> list[PanelInvitation]:
    return list(db.session.scalars(
        db.select(PanelInvitation).where(PanelInvitation.challenge_id == challenge.id,
                                         PanelInvitation.accepted_at.is_(None)).order_by(PanelInvitation.created_at)
    ))


def invite(challenge: Challenge, email: str, role: str, service_user: bool, actor, now: datetime) -> PanelInvitation:
    """Invite someone to the panel by email with a single-use link. Refuses a malformed address, an unknown
    role, someone already on the panel, and a challenge whose judging is over."""
    if challenge.state in JUDGING_OVER:
        raise NotAllowed("Judging is over for this challenge: no one can join its panel now.")
    email = normalise_email(email or "")
    if not _EMAIL.match(email) or len(email) > 254:
        raise FieldError("Enter an email address like name@example.org", "email")
    if role not in (PanelRole.JUDGE, PanelRole.CHAIR):
        raise FieldError("Choose judge or chair", "role")
    on_panel = db.session.scalar(
        db.select(PanelMember.id).join(User).where(PanelMember.challenge_id == challenge.id,
                                                   db.func.lower(User.email) == email.lower())
    )
    if on_panel:
        raise FieldError("That person is already on the panel", "email")
    token = secrets.token_urlsafe(32)
    invitation = PanelInvitation(challenge_id=challenge.id, email=email, role=role, service_user=service_user,
                                 token_hash=token_hash(token), invited_by_id=actor.id, created_at=now)
    db.session.add(invitation)
    db.session.flush()
    link = site_link("judging.invitation", token=token)
    outbox.queue("panel_invitation", email, "judging_invitation", now, challenge=challenge, invitation=invitation,
                 link=link, inviter=actor)
    audit.record(actor, "judging.invited", invitation, now, data={"email": email, "role": role,
                                                                  "service_user": service_user})
    return invitation


def find_invitation(token: str) -> PanelInvitation | None:
    """The unused invitation behind a token, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(db.select(PanelInvitation).where(PanelInvitation.token_hash == token_hash(token),
                                                              PanelInvitation.accepted_at.is_(None)))


def accept(invitation: PanelInvitation, user: User, now: datetime) -> PanelMember:
    """Join the panel the invitation is for. Refuses a used invitation and a user whose email differs."""
    if invitation.accepted_at is not None:
        raise DomainError("This invitation has already been used.")
    if not can(user, "judging.accept_invitation", invitation, now):
        raise NotAllowed(f"This invitation was sent to another email address. Sign in with the account for "
                         f"that address, or ask for a new invitation.")
    member = db.session.scalar(db.select(PanelMember).where(PanelMember.challenge_id == invitation.challenge_id,
                                                            PanelMember.user_id == user.id))
    if member is None:
        member = PanelMember(challenge_id=invitation.challenge_id, user_id=user.id, role=PanelRole.JUDGE,
                             service_user=invitation.service_user, joined_at=now)
        db.session.add(member)
        db.session.flush()
    invitation.accepted_at, invitation.accepted_by_id = now, user.id
    touch(invitation.challenge_id)
    audit.record(user, "judging.joined", member, now, data={"invitation": invitation.id})
    if invitation.role == PanelRole.CHAIR:
        make_chair(member, user, now)
    db.session.flush()
    return member


def make_chair(member: PanelMember, actor, now: datetime) -> PanelMember:
    """Make `member` the panel's chair; the previous chair becomes a judge (one chair per panel)."""
    if member.is_chair:
        return member
    previous = db.session.scalar(db.select(PanelMember).where(PanelMember.challenge_id == member.challenge_id,
                                                              PanelMember.role == PanelRole.CHAIR))
    if previous is not None:
        previous.role = PanelRole.JUDGE
        audit.record(actor, "judging.chair_stepped_down", previous, now, from_state="chair", to_state="judge")
        db.session.flush()  # the database allows one chair: demote before promoting
    member.role = PanelRole.CHAIR
    touch(member.challenge_id)
    audit.record(actor, "judging.chair_appointed", member, now, from_state="judge", to_state="chair")
    db.session.flush()
    return member


def set_service_user(member: PanelMember, service_user: bool, actor, now: datetime) -> PanelMember:
    """Mark a judge as a service-user (lived-experience) judge, or not."""
    member.service_user = service_user
    touch(member.challenge_id)
    audit.record(actor, "judging.service_user", member, now, data={"service_user": service_user})
    db.session.flush()
    return member


# --- conflicts the platform finds by itself ------------------------------------------------------------

# Deliberately vague: the chair of a blind panel must not learn which of the three ties it is, nor the
# organisation's name.
AUTOMATIC_REASON = "Found by the platform: an entrant, a member of the team or of the entering organisation."


def automatic_conflicts(challenge_id: int, entries: list[int] | None = None) -> set[tuple[int, int]]:
    """(panel member, entry) pairs where the judge entered, is on the team, or belongs to the organisation the
    entry was made for. Computed afresh each time, so a judge who joins later is covered too."""
    members = dict(db.session.execute(
        db.select(PanelMember.id, PanelMember.user_id).where(PanelMember.challenge_id == challenge_id)).all())
    if not members:
        return set()
    query = db.select(Submission.id, Submission.owner_id, Submission.organisation_id).where(
        Submission.challenge_id == challenge_id)
    if entries is not None:
        query = query.where(Submission.id.in_(entries))
    subs = db.session.execute(query).all()
    people = {sid: {owner} for sid, owner, _ in subs}
    for sid, user_id in db.session.execute(db.select(TeamMember.submission_id, TeamMember.user_id)
                                           .where(TeamMember.submission_id.in_(people))).all():
        people[sid].add(user_id)
    orgs: dict[int, set[int]] = {}
    for user_id, org_id in db.session.execute(db.select(Membership.user_id, Membership.organisation_id)
                                              .where(Membership.user_id.in_(set(members.values())))).all():
        orgs.setdefault(user_id, set()).add(org_id)
    return {(member_id, sid) for sid, _, org_id in subs for member_id, user_id in members.items()
            if user_id in people[sid] or (org_id is not None and org_id in orgs.get(user_id, ()))}


def record_automatic_conflicts(challenge_id: int, entries: list[int], now: datetime) -> int:
    """Record the automatic conflicts among `entries` as conflicts of interest, so the chair sees them, the
    results leave them out and the judge cannot open the entry. An earlier "no conflict" declaration gives
    way (the judge may have joined the organisation since). Returns how many were newly recorded."""
    found = automatic_conflicts(challenge_id, entries)
    if not found:
        return 0
    existing = {(c.panel_member_id, c.submission_id): c for c in db.session.scalars(
        db.select(Conflict).join(PanelMember).where(PanelMember.challenge_id == challenge_id,
                                                    Conflict.submission_id.in_(entries)))}
    added = 0
    for member_id, sid in sorted(found):
        conflict = existing.get((member_id, sid))
        if conflict is not None and conflict.has_conflict:
            continue
        if conflict is None:
            conflict = Conflict(panel_member_id=member_id, submission_id=sid)
            db.session.add(conflict)
        conflict.has_conflict, conflict.automatic, conflict.reason, conflict.declared_at = (
            True, True, AUTOMATIC_REASON, now)
        added += 1
    db.session.flush()
    if added:
        touch(challenge_id)
    return added

