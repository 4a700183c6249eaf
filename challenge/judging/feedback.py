"""Feedback for entrants after the decision: how their entry scored against the field and the winners."""
from __future__ import annotations

from dataclasses import dataclass

from challenge.extensions import db
from challenge.judging import results
from challenge.judging.models import Assignment, AssignmentState, Conflict, Criterion, Round
from challenge.submissions.models import Submission, SubmissionState


@dataclass
class Line:
    criterion: Criterion
    mine: float | None
    field: float | None
    winners: float | None


@dataclass
class Feedback:
    round: Round | None
    lines: list[Line]
    comments: list[str]
    my_mean: float | None
    field_mean: float | None
    winners_mean: float | None


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def last_round(sub: Submission) -> Round | None:
    """The latest round in which the entry was scored: the one its feedback compares within."""
    return db.session.scalar(
        db.select(Round).join(Assignment, Assignment.round_id == Round.id)
        .where(Assignment.submission_id == sub.id, Assignment.state == AssignmentState.SUBMITTED)
        .order_by(Round.position.desc()).limit(1)
    )


def comments_for(sub: Submission) -> list[str]:
    """The judges' comments on the entry from every round, without the judges' names."""
    conflicted = db.select(Conflict.panel_member_id).where(Conflict.submission_id == sub.id,
                                                           Conflict.has_conflict.is_(True))
    return [c for c in db.session.scalars(
        db.select(Assignment.comment).join(Round).where(
            Assignment.submission_id == sub.id, Assignment.state == AssignmentState.SUBMITTED,
            Assignment.comment != "", Assignment.panel_member_id.not_in(conflicted))
        .order_by(Round.position, Assignment.id))]


def feedback_for(sub: Submission) -> Feedback:
    """Per-criterion averages for the entry, the field (every entry of that round) and the winners."""
    round_ = last_round(sub)
    if round_ is None:
        return Feedback(None, [], comments_for(sub), None, None, None)
    res = results.load(round_)
    mine = next((e for e in res.entries if e.id == sub.id), None)
    scored = [e for e in res.entries if e.criterion_means]
    winners = [e for e in scored if e.state == SubmissionState.WINNER]
    lines = [
        Line(c, mine.criterion_means.get(c.id) if mine else None,
             _mean(e.criterion_means.get(c.id) for e in scored),
             _mean(e.criterion_means.get(c.id) for e in winners))
        for c in res.criteria
    ]
    return Feedback(round_, lines, comments_for(sub), mine.raw_mean if mine else None,
                    _mean(e.raw_mean for e in scored), _mean(e.raw_mean for e in winners))


def entry_by_reference(challenge_id: int, reference: str) -> Submission | None:
    """The challenge's entry with this reference (the feedback page's URL names it), or None."""
    return db.session.scalar(db.select(Submission).where(Submission.challenge_id == challenge_id,
                                                         Submission.reference == reference[:20]))
