"""A submission's team: the owner invites people by email address, and each invitee accepts.

Nobody is put in a team without saying yes, and the form never tells the owner whether an address has an
account: every new address gets the same invitation email, and refusals (a seeker of the challenge, a full
team, the wrong account) are told to the invitee when they open the link. Invitations are rate limited
per owner, counted from the append-only audit log, so removing and re-adding addresses gains nothing.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from challenge.accounts.models import User
from challenge.accounts.services import new_token, normalise_email, token_hash
from challenge.challenges.states import Phase
from challenge.errors import FieldError, InvalidTransition
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform import audit, outbox, tx
from challenge.platform.models import AuditEvent
from challenge.submissions.models import CHANGEABLE_STATES, Submission, TeamInvitation, TeamMember

MAX_TEAM = 10
INVITES_PER_HOUR = 20
LIFETIME = timedelta(days=14)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def parse(text: str, owner: User) -> list[str]:
    """The distinct addresses in `text` (commas, semicolons, spaces or lines), lower-cased, without the owner's.

    Refuses what is not an email address and more than MAX_TEAM people.
    """
    emails: list[str] = []
    for raw in re.split(r"[\s,;]+", text or ""):
        email = normalise_email(raw).lower()
        if not email or email == owner.email.lower() or email in emails:
            continue
        if not _EMAIL.match(email) or len(email) > 254:
            raise FieldError(f"{raw[:80]} is not an email address. Enter one address per line.", "team")
        emails.append(email)
    if len(emails) > MAX_TEAM:
        raise FieldError(f"A team can have at most {MAX_TEAM} members besides you.", "team")
    return emails


def pending(sub: Submission) -> list[TeamInvitation]:
    if sub.id is None:
        return []
    return list(db.session.scalars(db.select(TeamInvitation).where(
        TeamInvitation.submission_id == sub.id, TeamInvitation.accepted_at.is_(None)).order_by(TeamInvitation.id)))


def addresses(sub: Submission) -> list[str]:
    """What the team field shows: members' and invitees' addresses."""
    return [m.user.email for m in sub.team] + [i.email for i in pending(sub)]


def _sent_last_hour(actor: User, now: datetime) -> int:
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.actor_id == actor.id, AuditEvent.action == "submission.team_invite",
        AuditEvent.at > now - timedelta(hours=1)))


def sync(sub: Submission, emails: list[str], actor: User, now: datetime, link_for) -> list[str]:
    """Make the team what the owner listed: drop members and invitations no longer listed, invite new addresses.

    `link_for(token)` builds the emailed link. Returns what changed (for the audit record). Refuses more
    than INVITES_PER_HOUR new invitations from one person in an hour.
    """
    wanted = set(emails)
    members = {m.user.email.lower() for m in sub.team}
    invitations = pending(sub)
    invited = {i.email for i in invitations}
    new = [e for e in emails if e not in members and e not in invited]
    if new and _sent_last_hour(actor, now) + len(new) > INVITES_PER_HOUR:
        raise FieldError(f"You have sent many team invitations in the last hour (at most {INVITES_PER_HOUR}). "
                         "Try again later.", "team")
    changed = []
    for member in list(sub.team):
        if member.user.email.lower() not in wanted:
            sub.team.remove(member)
            changed.append("removed")
    for invitation in invitations:
        if invitation.email not in wanted:
            db.session.delete(invitation)  # its link stops working
            changed.append("uninvited")
    db.session.flush()
    for email in new:
        db.session.execute(db.delete(TeamInvitation).where(  # an old, accepted one for a member since removed
            TeamInvitation.submission_id == sub.id, TeamInvitation.email == email))
        token, digest = new_token()
        invitation = TeamInvitation(submission_id=sub.id, email=email, token_hash=digest, invited_by_id=actor.id,
                                    created_at=now)
        db.session.add(invitation)
        db.session.flush()
        audit.record(actor, "submission.team_invite", sub, now, data={"invitation": invitation.id})
        outbox.queue("submission.team_invitation", email, "team_invitation", now, submission=sub,
                     challenge=sub.challenge, inviter=actor, link=link_for(token), days=LIFETIME.days)
        changed.append("invited")
    return changed


def find(token: str, now: datetime) -> TeamInvitation | None:
    """The pending invitation for `token`, or None when unknown, accepted, withdrawn or expired."""
    invitation = db.session.scalar(db.select(TeamInvitation).where(TeamInvitation.token_hash == token_hash(token)))
    if invitation is None or invitation.accepted_at is not None or invitation.created_at <= now - LIFETIME:
        return None
    return invitation


def accept(invitation: TeamInvitation, user: User, now: datetime) -> TeamMember:
    """Join the team, once (the invitation's row is locked and reread, so a double click joins once).

    Refuses another account than the invited address, a seeker of the challenge, a team already full, and
    an entry that can no longer change (the challenge has closed, or it was withdrawn or disqualified).
    """
    invitation = tx.lock(TeamInvitation, invitation.id)
    sub = invitation.submission
    if invitation.accepted_at is not None:
        raise InvalidTransition("You have already accepted this invitation.")
    if invitation.email != user.email.lower():
        raise InvalidTransition(f"This invitation was sent to {invitation.email}, but you are signed in as "
                                f"{user.email}. Sign out, then sign in with the invited address.")
    if sub.challenge.phase(now) != Phase.OPEN or sub.state not in CHANGEABLE_STATES:
        raise InvalidTransition("This entry can no longer change (the challenge has closed, or the entry was "
                                "withdrawn), so nobody can join its team now.")
    if not can(user, "challenge.submit", sub.challenge, now):  # its seekers may not enter it
        raise InvalidTransition(f"You belong to {sub.challenge.organisation.name}, which runs this challenge, "
                                "so you cannot be in a team entering it.")
    if user.id == sub.owner_id:
        raise InvalidTransition("You made this entry, so you are already in its team.")
    member = next((m for m in sub.team if m.user_id == user.id), None)
    if member is None:
        if len(sub.team) >= MAX_TEAM:
            raise InvalidTransition(f"This team already has {MAX_TEAM} members besides {sub.owner.name}.")
        member = TeamMember(user_id=user.id)
        sub.team.append(member)
    invitation.accepted_at = now
    audit.record(user, "submission.team_join", sub, now, data={"invitation": invitation.id})
    db.session.flush()
    return member
