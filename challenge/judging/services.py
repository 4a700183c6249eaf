"""A judge's scores: saved as a draft, submitted, changed until the round closes."""
from __future__ import annotations

from datetime import datetime

from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging.results import touch
from challenge.judging.models import ASSIGNMENT_MOVES, Assignment, Criterion, Score
from challenge.judging.rubric import criteria_of
from challenge.permissions import can
from challenge.platform import audit

MAX_COMMENT = 5000


def _as_score(raw, criterion: Criterion) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise FieldError(f"Choose a score for “{criterion.name}”", f"score-{criterion.id}") from None
    if not criterion.scale_min <= value <= criterion.scale_max:
        raise FieldError(f"A score for “{criterion.name}” must be from {criterion.scale_min} to {criterion.scale_max}",
                         f"score-{criterion.id}")
    return value


def save_scores(assignment: Assignment, values: dict[str, str | int | None], comment: str, submit: bool,
                actor, now: datetime) -> Assignment:
    """Save a judge's scores (keys are criterion ids) and comment; `submit` makes them count.

    Refuses: someone other than the assigned judge, a judge who has not declared no conflict, a round that
    is closed, a criterion not in this challenge’s rubric, a score off the scale or not a whole number;
    on submit also a missing score, and a missing comment when the round requires one.
    """
    round_ = assignment.round
    if actor is None or not can(actor, "judging.own_sheet", assignment, now):
        raise NotAllowed("Only the judge assigned to this entry can score it.")
    if not can(actor, "judging.view_entry", assignment, now):
        raise NotAllowed("Declare that you have no conflict with this entry before scoring it.")
    if not round_.is_open(now):
        raise InvalidTransition("This round has closed: scores can no longer change.")
    criteria = {str(c.id): c for c in criteria_of(round_.challenge)}
    unknown = [key for key in values if key not in criteria]
    if unknown:
        raise FieldError("Those scores are for criteria that are not in this challenge’s rubric.")
    parsed = {key: _as_score(values.get(key), c) for key, c in criteria.items()}
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise FieldError(f"Keep the comment under {MAX_COMMENT:,} characters", "comment")
    if submit:
        missing = {f"score-{c.id}": f"Choose a score for “{c.name}” before submitting"
                   for key, c in criteria.items() if parsed[key] is None}
        if missing:
            first = next(iter(missing))
            raise FieldError(missing.pop(first), first, others=missing)
        if round_.comments_required and not comment:
            raise FieldError("This round asks for a comment with every score sheet: it helps the entrant", "comment")
    existing = {s.criterion_id: s for s in assignment.scores}
    for key, value in parsed.items():
        cid = int(key)
        if value is None:
            if cid in existing:
                assignment.scores.remove(existing[cid])
        elif cid in existing:
            existing[cid].value = value
        else:
            assignment.scores.append(Score(criterion_id=cid, value=value))
    assignment.comment, assignment.updated_at = comment, now
    # A draft saved over a submitted sheet withdraws it from the results until it is submitted again.
    before, _ = ASSIGNMENT_MOVES.apply(assignment, "submit" if submit else "save_draft")
    if submit:
        assignment.submitted_at = now
    touch(round_.challenge_id)
    audit.record(actor, "judging.scores_submitted" if submit else "judging.scores_saved", assignment, now,
                 from_state=before, to_state=assignment.state,
                 data={"scores": {k: v for k, v in parsed.items() if v is not None}})
    db.session.flush()
    return assignment


def declare_all(assignments: list[Assignment], answers: dict[int, tuple[bool | None, str]], actor,
                now: datetime) -> list:
    """A judge's declarations for several entries at once (`answers`: assignment id → (has conflict, reason)),
    each through the one-entry declaration; the caller's unit of work undoes them all if one is refused."""
    if not assignments:
        raise FieldError("There are no entries waiting for your declaration in this round.")
    unanswered = [a.submission.reference for a in assignments if answers.get(a.id, (None, ""))[0] is None]
    if unanswered:
        raise FieldError(f"Say whether you have a conflict with each entry: {', '.join(unanswered)} has no answer.")
    declared = []
    for assignment in assignments:
        if not can(actor, "judging.declare", assignment, now):
            raise NotAllowed("You can only declare for your own entries while their round is open.")
        has_conflict, reason = answers[assignment.id]
        try:
            declared.append(assign.declare(assignment, has_conflict, reason, actor, now))
        except DomainError as refused:
            raise FieldError(f"{assignment.submission.reference}: {refused.message}") from refused
    return declared
