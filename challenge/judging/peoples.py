"""The people's-choice prize: one vote per signed-in account, results hidden until the vote closes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from challenge import clock
from challenge.challenges.models import Challenge, Prize
from challenge.errors import DomainError, NotAllowed
from challenge.extensions import db
from challenge.judging.models import JudgingSettings, Vote
from challenge.judging.rubric import settings_of
from challenge.platform import audit
from challenge.submissions.models import Submission

# Entries the public may vote for: submitted and not withdrawn or disqualified.
VOTABLE_STATES = ("submitted", "shortlisted", "winner", "not_selected")


def window(settings: JudgingSettings | None, now: datetime) -> str:
    """'off', 'before', 'open' or 'closed'."""
    if settings is None or not settings.peoples_choice or not (settings.vote_opens_at and settings.vote_closes_at):
        return "off"
    if settings.challenge.state in ("draft", "in_review", "cancelled"):
        return "off"
    if now < settings.vote_opens_at:
        return "before"
    return "open" if now < settings.vote_closes_at else "closed"


def entries(challenge: Challenge) -> list[Submission]:
    return list(db.session.scalars(
        db.select(Submission).where(Submission.challenge_id == challenge.id, Submission.state.in_(VOTABLE_STATES))
        .order_by(Submission.title, Submission.id)
    ))


def my_vote(challenge: Challenge, user) -> Vote | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(db.select(Vote).where(Vote.challenge_id == challenge.id, Vote.user_id == user.id))


def cast(challenge: Challenge, submission: Submission | None, actor, now: datetime) -> Vote:
    """Record the actor's vote. Refuses outside the voting window, an entry of another challenge or not in
    the running, a vote for one's own entry, and a second vote from the same account."""
    settings = settings_of(challenge)
    state = window(settings, now)
    if state != "open":
        raise NotAllowed("Voting is not open." if state != "closed" else "Voting has closed.")
    if submission is None or submission.challenge_id != challenge.id or submission.state not in VOTABLE_STATES:
        raise DomainError("Choose one of the entries listed.")
    if actor.id in submission.member_ids():
        raise NotAllowed("You cannot vote for an entry you are part of.")
    if my_vote(challenge, actor) is not None:
        raise DomainError("You have already voted in this people's choice: each account has one vote.")
    vote = Vote(challenge_id=challenge.id, user_id=actor.id, submission_id=submission.id, cast_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except IntegrityError:  # a second vote racing the first
        raise DomainError("You have already voted in this people's choice: each account has one vote.") from None
    audit.record(actor, "judging.vote_cast", vote, now)
    return vote


def counts(challenge: Challenge) -> list[tuple[Submission, int]]:
    """Votes per entry, most first; ties in order of submission. Show only once the vote has closed."""
    tally = dict(db.session.execute(
        db.select(Vote.submission_id, db.func.count(Vote.id)).where(Vote.challenge_id == challenge.id)
        .group_by(Vote.submission_id)).all())
    rows = [(s, tally.get(s.id, 0)) for s in entries(challenge)]
    return sorted(rows, key=lambda r: (-r[1], r[0].submitted_at or r[0].created_at, r[0].id))


def vote_winner(challenge: Challenge, now: datetime | None = None) -> tuple[Submission, Prize] | None:
    """The public's winner and the people's-choice prize, once the vote has closed and someone voted."""
    settings = settings_of(challenge)
    if window(settings, now or clock.now()) != "closed" or settings.peoples_choice_prize is None:
        return None
    ranked = counts(challenge)
    if not ranked or ranked[0][1] == 0:
        return None
    return ranked[0][0], settings.peoples_choice_prize
