"""Who may see, change and disqualify an entry."""
from __future__ import annotations

from challenge.challenges.states import CLOSED_PHASES, Phase
from challenge.judging.rules import kept_blind
from challenge.permissions import is_broker, is_seeker, rule, signed_in
from challenge.submissions.models import CHANGEABLE_STATES, SEEN_BY_SEEKERS, SUBMISSION_MOVES


def is_creator(user, sub) -> bool:
    """The owner or a named team member."""
    return signed_in(user) and user.id in sub.member_ids()


@rule("submission.view", "submission.download")
def _submission_view(user, sub, now):
    if is_broker(user) or is_creator(user, sub):
        return True
    return (sub.state in SEEN_BY_SEEKERS and is_seeker(user, sub.challenge)
            and sub.challenge.phase(now) in CLOSED_PHASES and not kept_blind(user, sub.challenge, now))


@rule("submission.edit", "submission.withdraw")
def _submission_edit(user, sub, now):
    """The owner alone (not the team), while the challenge is open and the entry is live."""
    return (
        signed_in(user)
        and user.id == sub.owner_id
        and sub.state in CHANGEABLE_STATES
        and sub.challenge.phase(now) == Phase.OPEN
    )


@rule("submission.list_all", "submission.moderate")
def _submission_moderate(user, thing, now):
    """A broker sees every entry on the platform, in every state."""
    return is_broker(user)


@rule("submission.disqualify")
def _submission_disqualify(user, sub, now):
    """A broker, until the decision is recorded, while the entry's lifecycle allows it."""
    return (is_broker(user) and SUBMISSION_MOVES.allowed("disqualify", sub.state)
            and sub.challenge.phase(now) in (Phase.OPEN, Phase.CLOSED, Phase.JUDGING))
