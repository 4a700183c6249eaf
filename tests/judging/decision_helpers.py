"""A published decision written straight into the database, for tests of what follows it (the money page)
whose worlds were not judged through the panel. The panel's own path is tested in tests/judging."""
from __future__ import annotations

from challenge import clock
from challenge.extensions import db
from challenge.judging.models import Decision, Round, RoundState, Selection


def published_decision(challenge, placements, actor, *, published: bool = True) -> Decision:
    """A final decision placing `placements` [(submission, prize), …], published unless told otherwise."""
    round_ = db.session.scalar(db.select(Round).where(Round.challenge_id == challenge.id).limit(1))
    if round_ is None:
        round_ = Round(challenge_id=challenge.id, position=1, name="Final", state=RoundState.CLOSED)
        db.session.add(round_)
        db.session.flush()
    now = clock.now()
    decision = Decision(challenge_id=challenge.id, round_id=round_.id, kind="final", decided_by_id=actor.id,
                        decided_at=now, published_at=now if published else None,
                        published_by_id=actor.id if published else None)
    decision.selections.extend(Selection(submission_id=s.id, prize_id=p.id, position=n)
                               for n, (s, p) in enumerate(placements, start=1))
    db.session.add(decision)
    db.session.commit()
    return decision
