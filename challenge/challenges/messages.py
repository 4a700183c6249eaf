"""A seeker's (or broker's) message to the entrants of their challenge: to everyone who entered, or only
to the shortlisted. One email to each person through the outbox, a line in their notification list, and —
when the challenge is public and the sender asks — a copy among the challenge's updates.

Sent once: the confirmation form carries a key, the challenge's row is locked while sending, and a second
press of "Send" (a double click, a retried request) finds the message already sent and sends nothing.
"""
from __future__ import annotations

from datetime import datetime

from flask import url_for

from challenge.accounts.models import User
from challenge.challenges import conversation
from challenge.challenges.models import Challenge
from challenge.challenges.services import required_text
from challenge.errors import FieldError, NotAllowed
from challenge.extensions import db
from challenge.notifications.models import Audience, EntrantMessage
from challenge.notifications.services import notify
from challenge.permissions import can
from challenge.platform import audit, outbox, tx
from challenge.platform.links import site_link
from challenge.submissions.models import NOT_ENTRY_STATES, Submission, SubmissionState, TeamMember

MAX_SUBJECT = 150
MAX_BODY = 5_000
# The shortlisted: entries a round advanced, and the winners chosen among them.
SHORTLISTED_STATES = (SubmissionState.SHORTLISTED, SubmissionState.WINNER)
AUDIENCE_LABELS = {Audience.ALL: "Everyone who entered", Audience.SHORTLISTED: "Only the shortlisted entrants"}


def recipients(challenge: Challenge, audience: str) -> list[User]:
    """The people a message to `audience` reaches: each entry's owner and team (drafts and withdrawn entries
    are not entries), active accounts only, each person once, by name."""
    if audience == Audience.SHORTLISTED:
        entered = Submission.state.in_(SHORTLISTED_STATES)
    else:
        entered = Submission.state.not_in(NOT_ENTRY_STATES)
    entries = db.select(Submission.id).where(Submission.challenge_id == challenge.id, entered)
    owners = db.select(Submission.owner_id).where(Submission.id.in_(entries))
    team = db.select(TeamMember.user_id).where(TeamMember.submission_id.in_(entries))
    return list(db.session.scalars(
        db.select(User).where(db.or_(User.id.in_(owners), User.id.in_(team)), User.is_active_account.is_(True))
        .order_by(User.name, User.id)))


def counts(challenge: Challenge) -> dict[str, int]:
    """How many people each audience reaches, for the form's choices."""
    return {audience: len(recipients(challenge, audience)) for audience in Audience}


def check(challenge: Challenge, audience: str, subject: str, body: str, post_copy: bool, actor,
          now: datetime) -> tuple[str, str, list[User]]:
    """The message's subject, body and recipients, or a refusal on the field at fault: anyone but the
    challenge's seekers or a broker; an unknown audience or one nobody is in; an empty or long subject or body;
    a copy on the updates page of a challenge that is not public."""
    if not can(actor, "notification.message_entrants", challenge, now):
        raise NotAllowed("Only the challenge's organisation or a broker can message its entrants.")
    if audience not in AUDIENCE_LABELS:
        raise FieldError("Choose who receives the message", "audience")
    subject = required_text(subject, "subject", "a subject", MAX_SUBJECT)
    body = required_text(body, "body", "the message", MAX_BODY)
    if post_copy and not can(actor, "challenge.post_update", challenge, now):
        raise FieldError("Only a public challenge has an updates page: untick the copy.", "post_copy")
    people = recipients(challenge, audience)
    if not people:
        raise FieldError("Nobody is in that group yet: there is no one to send the message to.", "audience")
    return subject, body, people


def send(challenge: Challenge, audience: str, subject: str, body: str, post_copy: bool, send_key: str, actor,
         now: datetime) -> tuple[EntrantMessage, bool]:
    """Send the message (see `check` for what is refused) and say whether this call sent it: (message, True),
    or (the message already sent with this key, False), in which case nothing more is sent."""
    if not send_key or len(send_key) > 64:
        raise FieldError("The form had expired: preview the message again.")
    tx.lock(Challenge, challenge.id)
    sent = db.session.scalar(db.select(EntrantMessage).where(EntrantMessage.send_key == send_key))
    if sent is not None:
        return sent, False
    subject, body, people = check(challenge, audience, subject, body, post_copy, actor, now)
    update = conversation.post_update(challenge, subject, body, actor, now) if post_copy else None
    message = EntrantMessage(challenge_id=challenge.id, author_id=actor.id, audience=audience, subject=subject,
                             body=body, recipients=len(people), update_id=update.id if update else None,
                             send_key=send_key, sent_at=now)
    db.session.add(message)
    db.session.flush()
    link = site_link("challenges.show", slug=challenge.slug)
    for person in people:
        outbox.queue("challenge.entrant_message", person.email, "entrant_message", now, person=person,
                     challenge=challenge, subject=subject, body=body, link=link,
                     shortlisted=audience == Audience.SHORTLISTED)
        notify(person, f"{challenge.organisation.name} sent you a message about “{challenge.title}”: {subject}",
               url_for("challenges.show", slug=challenge.slug), now, actor)
    audit.record(actor, "challenge.message_entrants", challenge, now,
                 data={"message_id": message.id, "audience": audience, "recipients": len(people)})
    return message, True
