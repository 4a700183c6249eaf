"""The people's-choice prize: one vote per person, results hidden until the vote closes.

A person is a confirmed mailbox: voting needs a confirmed email address (accounts/confirmation.py), and
addresses that reach the same mailbox (`Ann.Lee+2@gmail.com`, `annlee@googlemail.com`) count as one voter,
which the database enforces. Throwaway accounts that still get through show up as bursts: many young
accounts voting for one entry within minutes, which the broker sees on the vote page.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from challenge import clock
from challenge.accounts.models import User
from challenge.challenges.models import Challenge, Prize
from challenge.challenges.states import ChallengeState
from challenge.errors import DomainError, NotAllowed
from challenge.extensions import db
from challenge.judging.models import JUDGED_STATES, JudgingSettings, Vote
from challenge.judging.rubric import settings_for, settings_of
from challenge.permissions import can
from challenge.platform import audit
from challenge.submissions.models import Submission

# Entries the public may vote for: submitted and not withdrawn or disqualified.
VOTABLE_STATES = JUDGED_STATES
# The challenge is not public (or was cancelled): no vote is shown.
NO_VOTE_STATES = (ChallengeState.DRAFT, ChallengeState.IN_REVIEW, ChallengeState.CANCELLED)
# A burst: at least BURST_VOTES votes for one entry within BURST_WINDOW, each from an account made less than
# YOUNG_ACCOUNT before it voted.
BURST_VOTES = 5
BURST_WINDOW = timedelta(minutes=10)
YOUNG_ACCOUNT = timedelta(days=1)
# Mail providers whose addresses ignore dots in the local part, and their other domain names.
_DOTLESS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


class VoteWindow(enum.StrEnum):
    """Where the people's-choice vote stands."""

    OFF = "off"  # no vote offered (or the challenge is not public)
    BEFORE = "before"
    OPEN = "open"
    CLOSED = "closed"


def window(settings: JudgingSettings | None, now: datetime) -> VoteWindow:
    """Whether the vote is off, yet to open, open or closed at `now`."""
    if settings is None or not settings.peoples_choice or not (settings.vote_opens_at and settings.vote_closes_at):
        return VoteWindow.OFF
    if settings.challenge.state in NO_VOTE_STATES:
        return VoteWindow.OFF
    if now < settings.vote_opens_at:
        return VoteWindow.BEFORE
    return VoteWindow.OPEN if now < settings.vote_closes_at else VoteWindow.CLOSED


def entries(challenge: Challenge) -> list[Submission]:
    return list(db.session.scalars(
        db.select(Submission).where(Submission.challenge_id == challenge.id, Submission.state.in_(VOTABLE_STATES))
        .order_by(Submission.title, Submission.id)
    ))


def entry_by_id(submission_id: int) -> Submission | None:
    """The entry a vote names (`cast` refuses one of another challenge or not in the running)."""
    return db.session.get(Submission, submission_id) if submission_id else None


def mailbox(email: str) -> str:
    """The mailbox an address reaches: lower-cased, without a +tag, and without dots where the provider ignores them."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS:
        local, domain = local.replace(".", ""), _DOTLESS[domain]
    return f"{local}@{domain}"


def my_vote(challenge: Challenge, user) -> Vote | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(db.select(Vote).where(Vote.challenge_id == challenge.id, Vote.user_id == user.id))


def cast(challenge: Challenge, submission: Submission | None, actor, now: datetime) -> Vote:
    """Record the actor's vote. Refuses outside the voting window, an account whose email address is not
    confirmed, an entry of another challenge or not in the running, a vote for one's own entry, and a second
    vote from the same account or the same mailbox."""
    settings = settings_of(challenge)
    state = window(settings, now)
    if state != VoteWindow.OPEN:
        raise NotAllowed("Voting is not open." if state != VoteWindow.CLOSED else "Voting has closed.")
    if submission is None or submission.challenge_id != challenge.id or submission.state not in VOTABLE_STATES:
        raise DomainError("Choose one of the entries listed.")
    if actor.email_confirmed_at is None:
        raise NotAllowed("Confirm your email address to vote: open the link we emailed you when you signed up, "
                         "or send it again from your account page.")
    if not can(actor, "judging.vote_for", submission, now):
        raise NotAllowed("You cannot vote for an entry you are part of.")
    voter = mailbox(actor.email)
    if db.session.scalar(db.select(Vote.id).where(Vote.challenge_id == challenge.id,
                                                  (Vote.user_id == actor.id) | (Vote.voter == voter))):
        raise DomainError("You have already voted in this people's choice: each person has one vote.")
    vote = Vote(challenge_id=challenge.id, user_id=actor.id, voter=voter, submission_id=submission.id, cast_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except IntegrityError:  # a second vote racing the first
        raise DomainError("You have already voted in this people's choice: each person has one vote.") from None
    audit.record(actor, "judging.vote_cast", vote, now)
    return vote


def counts(challenge: Challenge) -> list[tuple[Submission, int]]:
    """Votes per entry, most first; ties in order of submission. Show only once the vote has closed."""
    tally = dict(db.session.execute(
        db.select(Vote.submission_id, db.func.count(Vote.id)).where(Vote.challenge_id == challenge.id)
        .group_by(Vote.submission_id)).all())
    rows = [(s, tally.get(s.id, 0)) for s in entries(challenge)]
    return sorted(rows, key=_ranking)


def _ranking(row: tuple[Submission, int]) -> tuple:
    """Most votes first; ties in order of submission."""
    sub, votes = row
    return -votes, sub.submitted_at or sub.created_at, sub.id


def vote_winner(challenge: Challenge, now: datetime | None = None) -> tuple[Submission, Prize] | None:
    """The public's winner and the people's-choice prize, once the vote has closed and someone voted."""
    return vote_winners([challenge], now).get(challenge.id)


def vote_winners(challenges, now: datetime | None = None,
                 settings: dict[int, JudgingSettings | None] | None = None) -> dict[int, tuple[Submission, Prize]]:
    """vote_winner for each of several challenges (a list of entries), in two queries however many (one when
    their judging `settings` were read already): the entry with the most votes (ties as `counts` orders them) of
    each challenge whose vote has closed."""
    now = now or clock.now()
    closed = {cid: s for cid, s in (settings_for(challenges) if settings is None else settings).items()
              if window(s, now) == VoteWindow.CLOSED and s.peoples_choice_prize is not None}
    if not closed:
        return {}
    tally = (db.select(Vote.challenge_id, Vote.submission_id, db.func.count(Vote.id).label("votes"))
             .where(Vote.challenge_id.in_(closed)).group_by(Vote.challenge_id, Vote.submission_id).subquery())
    voted: dict[int, list[tuple[Submission, int]]] = {}
    for sub, votes in db.session.execute(
            db.select(Submission, tally.c.votes).join(tally, tally.c.submission_id == Submission.id)
            .where(Submission.challenge_id == tally.c.challenge_id, Submission.state.in_(VOTABLE_STATES))):
        voted.setdefault(sub.challenge_id, []).append((sub, votes))
    return {cid: (min(rows, key=_ranking)[0], closed[cid].peoples_choice_prize) for cid, rows in voted.items()}


@dataclass(frozen=True)
class Burst:
    entry: Submission
    votes: int  # young accounts' votes for the entry inside the window
    first_at: datetime
    last_at: datetime


def bursts(challenge: Challenge) -> list[Burst]:
    """Entries that drew BURST_VOTES or more votes from young accounts within BURST_WINDOW: the largest such
    run for each entry, biggest first. For the broker, who can then look at those accounts."""
    rows = db.session.execute(
        db.select(Vote.submission_id, Vote.cast_at, User.created_at).join(User, User.id == Vote.user_id)
        .where(Vote.challenge_id == challenge.id).order_by(Vote.submission_id, Vote.cast_at)).all()
    times: dict[int, list[datetime]] = {}
    for sub_id, at, joined in rows:
        if at - joined < YOUNG_ACCOUNT:
            times.setdefault(sub_id, []).append(at)
    found = []
    for sub_id, ats in times.items():
        best, start = (0, 0, 0), 0
        for end, at in enumerate(ats):
            while at - ats[start] > BURST_WINDOW:
                start += 1
            if end - start + 1 > best[0]:
                best = (end - start + 1, start, end)
        if best[0] >= BURST_VOTES:
            found.append(Burst(db.session.get(Submission, sub_id), best[0], ats[best[1]], ats[best[2]]))
    return sorted(found, key=lambda b: (-b.votes, b.first_at))
