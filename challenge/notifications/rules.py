"""Who may answer an invitation from their dashboard: the person it is addressed to, by their confirmed
email address (panel and team invitations) or by name (an introduction). Anyone else is told nothing: the
dashboard's buttons answer 404. Whether the invitation still waits for an answer is the answering service's
to say (a second click is refused in words, not with a 404)."""
from __future__ import annotations

from challenge.partnerships.states import Answer
from challenge.permissions import is_broker, is_seeker, rule, signed_in


def confirmed_email(user) -> str | None:
    """The signed-in person's address once they have confirmed it (lower case), else None."""
    if not signed_in(user) or user.email_confirmed_at is None:
        return None
    return user.email.lower()


@rule("notification.join_panel", "notification.join_team")
def _addressed_by_email(user, invitation, now):
    return confirmed_email(user) == invitation.email.lower()


def side_of(user, intro) -> str | None:
    """The side of the introduction `user` is named on (the creator, or the counterpart's contact), if any."""
    if not signed_in(user):
        return None
    if intro.partnership.creator_id == user.id:
        return "creator"
    return "counterpart" if intro.counterpart_contact_id == user.id else None


def pending_side(user, intro) -> str | None:
    """`side_of`, while that side has not answered and the introduction is still open."""
    side = side_of(user, intro)
    if side is None or not intro.is_open or getattr(intro, f"{side}_answer") != Answer.PENDING:
        return None
    return side


@rule("notification.answer_introduction")
def _answer_introduction(user, intro, now):
    return side_of(user, intro) is not None


@rule("notification.message_entrants")
def _message_entrants(user, challenge, now):
    """Message a challenge's entrants: its seekers and brokers, once it has been published (entries exist)."""
    return challenge.is_public and (is_seeker(user, challenge) or is_broker(user))
