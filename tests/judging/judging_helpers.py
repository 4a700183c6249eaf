"""Helpers the judging tests share: open a round, find a score sheet, score everything."""
from __future__ import annotations

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import services
from challenge.judging.models import Assignment, Conflict


def open_round(world, position=1):
    round_ = world.rounds[position - 1]
    assign.open_round(round_, world.chair, clock.now())
    db.session.commit()
    return round_


def sheet(round_, member, submission) -> Assignment:
    return db.session.scalar(db.select(Assignment).where(
        Assignment.round_id == round_.id, Assignment.panel_member_id == member.id,
        Assignment.submission_id == submission.id))


def score_all(world, round_, values_for, comment="Good work", members=None):
    """Every assignment in the round: declare no conflict, then submit `values_for(member, sub)` (a list)."""
    for member in members or world.members:
        user = next(u for u in world.judges if u.id == member.user_id)
        for sub in world.subs:
            a = sheet(round_, member, sub)
            if a is None:
                continue
            if not db.session.scalar(db.select(Conflict.id).where(Conflict.panel_member_id == member.id,
                                                                  Conflict.submission_id == sub.id)):
                assign.declare(a, False, "", user, clock.now())
            values = {str(c.id): v for c, v in zip(world.criteria, values_for(member, sub))}
            services.save_scores(a, values, comment, True, user, clock.now())
    db.session.commit()
