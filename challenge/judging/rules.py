"""Who may do what in judging: the rubric, the panel, conflicts, score sheets, decisions, the people's vote."""
from __future__ import annotations

from challenge.accounts.services import normalise_email
from challenge.challenges.states import ChallengeState, Phase
from challenge.extensions import db
from challenge.judging import peoples
from challenge.judging.models import (
    DECIDED, DECIDED_ENTRIES, JUDGING_OVER, AssignmentState, Conflict, PanelMember, RoundState,
)
from challenge.judging.pairwise_models import PAIRWISE
from challenge.judging.rubric import kept_settings
from challenge.judging.peoples import VoteWindow
from challenge.permissions import is_broker, is_seeker, memo, rule, signed_in


def panel_member(user, challenge):
    """The user's PanelMember on the challenge's panel, or None. Memoised for the request (permissions.memo)."""
    if not signed_in(user) or challenge is None:
        return None
    return memo("panel_member", (user.id, challenge.id), lambda: db.session.scalar(
        db.select(PanelMember).where(PanelMember.challenge_id == challenge.id, PanelMember.user_id == user.id)))


def kept_blind(user, ch, now) -> bool:
    """A seeker who sits on the challenge's blind panel, before the decision: the seekers' lists and
    entries name the entrants, so they stay closed to this judge until the winners are decided.
    (Brokers run the platform and see entrants everywhere: they should not sit on blind panels.)"""
    return bool(ch.blind_judging) and ch.phase(now) not in (Phase.DECIDED, Phase.COMPLETED) \
        and panel_member(user, ch) is not None


def is_chair(user, challenge) -> bool:
    member = panel_member(user, challenge)
    return member is not None and member.is_chair


def _own_assignment(user, assignment) -> bool:
    member = panel_member(user, assignment.round.challenge)
    return member is not None and member.id == assignment.panel_member_id


def _declared_no_conflict(assignment) -> bool:
    """The judge declared no conflict with the entry (asked by several rules for one page: read once)."""
    key = (assignment.panel_member_id, assignment.submission_id)
    return memo("declared_no_conflict", key, lambda: db.session.scalar(
        db.select(Conflict.has_conflict).where(Conflict.panel_member_id == key[0], Conflict.submission_id == key[1])
    ) is False)


@rule("judging.edit_rubric")
def _judging_edit_rubric(user, ch, now):
    """The rubric is the public basis for choosing winners: frozen once the challenge is published."""
    if ch.state == ChallengeState.DRAFT:
        return is_seeker(user, ch) or is_broker(user)
    return ch.state == ChallengeState.IN_REVIEW and is_broker(user)


@rule("judging.waive_social_value")
def _judging_waive_social_value(user, ch, now):
    """Only a broker decides that the social value rule does not fit a public body's challenge."""
    return is_broker(user)


@rule("judging.rubric")
def _judging_rubric(user, ch, now):
    """Open the rubric editor: the seeker or a broker (read-only once frozen)."""
    return is_seeker(user, ch) or is_broker(user)


@rule("judging.view_rubric")
def _judging_view_rubric(user, ch, now):
    return ch.is_public or is_broker(user) or is_seeker(user, ch)


@rule("judging.manage_panel")
def _judging_manage_panel(user, ch, now):
    """Invite judges, set up rounds and dates: the seeker, a broker or the chair, until the decision."""
    if ch.state in JUDGING_OVER:
        return False
    return is_broker(user) or is_seeker(user, ch) or is_chair(user, ch)


@rule("judging.set_grant")
def _judging_set_grant(user, ch, now):
    """Set or change a round's stage grant (money for each entry advanced): the seeker or a broker, until the
    decision. A chair shortlists but does not create money."""
    if ch.state in JUDGING_OVER:
        return False
    return is_broker(user) or is_seeker(user, ch)


@rule("judging.view_setup")
def _judging_view_setup(user, ch, now):
    return is_broker(user) or is_seeker(user, ch) or is_chair(user, ch)


@rule("judging.chair")
def _judging_chair(user, ch, now):
    """Close rounds, reassign, see conflict declarations, advance and decide: the chair or a broker."""
    return ch.state == ChallengeState.JUDGING and (is_broker(user) or is_chair(user, ch))


@rule("judging.publish")
def _judging_publish(user, ch, now):
    """Publish the recorded decision: whoever may record or take part in it (the chair, the seeker, a
    broker). Whether there is an unpublished decision is the service's refusal (409), not the door's."""
    return is_broker(user) or is_chair(user, ch) or is_seeker(user, ch)


@rule("judging.correct")
def _judging_correct(user, ch, now):
    """Correct the recorded decision before it is published: a broker only (the platform answers for it).
    A published decision is the service's refusal (409), not the door's."""
    return is_broker(user)


@rule("judging.remind")
def _judging_remind(user, ch, now):
    """Remind the judges of the sheets they have left: the chair, the seeker who runs the panel, a broker."""
    return ch.state == ChallengeState.JUDGING and (is_broker(user) or is_chair(user, ch) or is_seeker(user, ch))


@rule("judging.override_panel")
def _judging_override_panel(user, ch, now):
    """Open a round in which an entry has fewer than two judges, with a recorded reason: a broker alone."""
    return ch.state == ChallengeState.JUDGING and is_broker(user)


@rule("judging.view_conflicts")
def _judging_view_conflicts(user, ch, now):
    return is_broker(user) or is_chair(user, ch)


@rule("judging.queue")
def _judging_queue(user, ch, now):
    return panel_member(user, ch) is not None


@rule("judging.declare")
def _judging_declare(user, assignment, now):
    """The judge's own assignment, while its round is open: declare before opening the entry."""
    return _own_assignment(user, assignment) and assignment.round.is_open(now)


@rule("judging.own_sheet")
def _judging_own_sheet(user, assignment, now):
    """The judge the score sheet is assigned to (scoring also needs a declaration of no conflict)."""
    return _own_assignment(user, assignment)


@rule("judging.view_entry")
def _judging_view_entry(user, assignment, now):
    """Only the assigned judge, after declaring no conflict."""
    return _own_assignment(user, assignment) and _declared_no_conflict(assignment)


@rule("judging.score")
def _judging_score(user, assignment, now):
    return _judging_view_entry(user, assignment, now) and assignment.round.is_open(now)


@rule("judging.others_scores")
def _judging_others_scores(user, assignment, now):
    """No anchoring: the other judges' scores only after submitting one's own."""
    return _judging_view_entry(user, assignment, now) and assignment.state == AssignmentState.SUBMITTED


@rule("judging.compare")
def _judging_compare(user, round_, now):
    """Compare entries in a pairwise round: a member of its panel, while the round is open for judging."""
    return round_.strategy == PAIRWISE and panel_member(user, round_.challenge) is not None and round_.is_open(now)


@rule("judging.panel_view")
def _judging_panel_view(user, round_, now):
    """The chair and brokers at any time; the seeker once the round has closed."""
    ch = round_.challenge
    if is_broker(user) or is_chair(user, ch):
        return True
    return is_seeker(user, ch) and round_.state == RoundState.CLOSED


@rule("judging.feedback")
def _judging_feedback(user, sub, now):
    """The entry's creators, after the decision and on or after the announced feedback date."""
    ch = sub.challenge
    if not (signed_in(user) and user.id in sub.member_ids() and ch.feedback_to_entrants):
        return False
    if ch.state not in DECIDED or sub.state not in DECIDED_ENTRIES:
        return False
    settings = kept_settings(ch)  # asked of every row of "Your submissions": read once (or with the outcomes)
    return settings is None or settings.feedback_at is None or now >= settings.feedback_at


@rule("judging.accept_invitation")
def _judging_accept_invitation(user, invitation, now):
    """Join a panel by its emailed link: the person it was sent to (their account's address), once."""
    return signed_in(user) and normalise_email(user.email).lower() == invitation.email.lower()


@rule("judging.vote_for")
def _judging_vote_for(user, sub, now):
    """Vote for an entry: anyone signed in but its own creators."""
    return signed_in(user) and user.id not in sub.member_ids()


@rule("judging.vote")
def _judging_vote(user, settings, now):
    return signed_in(user) and peoples.window(settings, now) == VoteWindow.OPEN


@rule("judging.vote_results")
def _judging_vote_results(user, settings, now):
    """Results stay hidden from everyone, brokers included, until the vote closes."""
    return peoples.window(settings, now) == VoteWindow.CLOSED


@rule("judging.vote_bursts")
def _judging_vote_bursts(user, settings, now):
    """Suspicious bursts of votes (judging/peoples.py): brokers only, while the vote is open and after."""
    return is_broker(user) and peoples.window(settings, now) in (VoteWindow.OPEN, VoteWindow.CLOSED)
