"""Who may do what with a challenge: drafting, review, the public page and its conversation.

The transition table (states.py) says *when* a move is allowed; these rules say *who*."""
from __future__ import annotations

from challenge.challenges.states import CLOSED_PHASES, ChallengeState, Phase
from challenge.extensions import db
from challenge.judging.rules import kept_blind
from challenge.permissions import is_broker, is_seeker, role_in, rule, signed_in
from challenge.submissions.models import NOT_ENTRY_STATES, Submission


@rule("challenge.create")
def _challenge_create(user, org, now):
    return org is not None and role_in(user, org.id) is not None


@rule("challenge.view")
def _challenge_view(user, ch, now):
    return ch.is_public or is_broker(user) or is_seeker(user, ch)


@rule("challenge.manage")
def _challenge_manage(user, ch, now):
    """Sees the actions panel, the review note and the history: the seeker or a broker."""
    return is_seeker(user, ch) or is_broker(user)


@rule("challenge.edit")
def _challenge_edit(user, ch, now):
    """Only a draft: once sent for review the text is what the broker approves; once published it is frozen."""
    return ch.state == ChallengeState.DRAFT and (is_seeker(user, ch) or is_broker(user))


# Moves: these rules say who; the transition table (states.py) says when, with its own message.
@rule("challenge.submit_for_review")
def _challenge_to_review(user, ch, now):
    return is_seeker(user, ch)


@rule("challenge.review")
def _challenge_review(user, ch, now):
    """Publish or send back: brokers only."""
    return is_broker(user)


def has_entries(ch) -> bool:
    return db.session.scalar(
        db.select(Submission.id).where(Submission.challenge_id == ch.id,
                                       Submission.state.not_in(NOT_ENTRY_STATES)).limit(1)
    ) is not None


@rule("challenge.cancel")
def _challenge_cancel(user, ch, now):
    """Seekers cancel before anything is at stake (no entries yet, judging not started); a broker may
    cancel at any time before the decision. The transition table refuses decided/completed/cancelled."""
    if is_broker(user):
        return True
    if not is_seeker(user, ch):
        return False
    if ch.state == ChallengeState.JUDGING:
        return False
    return not (ch.state == ChallengeState.PUBLISHED and has_entries(ch))


@rule("challenge.post_update", "challenge.answer")
def _challenge_speak(user, ch, now):
    return ch.is_public and ch.state != ChallengeState.CANCELLED and (is_seeker(user, ch) or is_broker(user))


@rule("challenge.ask")
def _challenge_ask(user, ch, now):
    """Anyone signed in but those who answer (its seekers, brokers), while the challenge is upcoming or open."""
    return (signed_in(user) and ch.phase(now) in (Phase.UPCOMING, Phase.OPEN)
            and not is_seeker(user, ch) and not is_broker(user))


@rule("challenge.follow")
def _challenge_follow(user, ch, now):
    return signed_in(user) and ch.is_public and ch.state != ChallengeState.CANCELLED


@rule("challenge.unfollow")
def _challenge_unfollow(user, ch, now):
    return signed_in(user) and (ch.is_public or is_seeker(user, ch) or is_broker(user))


@rule("challenge.submit")
def _challenge_submit(user, ch, now):
    """Anyone signed in, while the challenge is open, except its own seekers."""
    return signed_in(user) and ch.phase(now) == Phase.OPEN and not is_seeker(user, ch)


@rule("challenge.view_submissions")
def _challenge_view_submissions(user, ch, now):
    return is_broker(user) or (is_seeker(user, ch) and ch.phase(now) in CLOSED_PHASES
                               and not kept_blind(user, ch, now))


@rule("challenge.blind_to_entrants")
def _challenge_blind_to_entrants(user, ch, now):
    """Not a permission but a state the challenge page explains: a seeker kept from the entrants' names."""
    return is_seeker(user, ch) and ch.phase(now) in CLOSED_PHASES and kept_blind(user, ch, now)


@rule("challenge.manage_state")
def _challenge_manage_state(user, ch, now):
    """Start judging, mark completed: the seeker or a broker, once the challenge is public."""
    return ch.is_public and (is_seeker(user, ch) or is_broker(user))


@rule("challenge.entry_questions")
def _challenge_entry_questions(user, ch, now):
    """Open the entry questions' editor: the seeker or a broker (read-only once frozen)."""
    return is_seeker(user, ch) or is_broker(user)


@rule("challenge.edit_entry_questions")
def _challenge_edit_entry_questions(user, ch, now):
    """Like the rubric: entrants answer the questions once the challenge is published, so they freeze then."""
    if ch.state == ChallengeState.DRAFT:
        return is_seeker(user, ch) or is_broker(user)
    return ch.state == ChallengeState.IN_REVIEW and is_broker(user)


@rule("challenge.edit_documents")
def _challenge_edit_documents(user, ch, now):
    """Attach or remove the brief and data pack: like the text, while a draft (its seeker or a broker) and in
    review (a broker); then fixed, so every entrant reads the same documents."""
    if ch.state == ChallengeState.DRAFT:
        return is_seeker(user, ch) or is_broker(user)
    return ch.state == ChallengeState.IN_REVIEW and is_broker(user)
