"""The chair's view of one entry in a round (linked from each row of the panel results): the entry as the
panel reads it, and every judge's sheet for it side by side, so a disputed or too-close entry can be
looked into without leaving the results."""
from __future__ import annotations

from dataclasses import dataclass, field

from challenge.accounts.models import User
from challenge.extensions import db
from challenge.judging.models import Assignment, AssignmentState, Criterion, PanelMember, Round
from challenge.judging.rubric import criteria_of
from challenge.submissions.models import Submission

STATE_WORDS = {AssignmentState.PENDING: "Not started", AssignmentState.DRAFT: "Draft (does not count yet)",
               AssignmentState.SUBMITTED: "Submitted"}


@dataclass
class Sheet:
    judge: str
    state: str
    values: dict[int, int] = field(default_factory=dict)  # criterion id -> score
    comment: str = ""

    @property
    def state_words(self) -> str:
        return STATE_WORDS.get(self.state, self.state)


@dataclass
class EntryInRound:
    entry: Submission
    criteria: list[Criterion]
    sheets: list[Sheet]


def entry_in_round(round_: Round, submission_id: int) -> EntryInRound | None:
    """The entry and its sheets in `round_`, or None when the round has no sheet for that entry."""
    assignments = list(db.session.scalars(
        db.select(Assignment).join(PanelMember, PanelMember.id == Assignment.panel_member_id)
        .join(User, User.id == PanelMember.user_id)
        .where(Assignment.round_id == round_.id, Assignment.submission_id == submission_id)
        .order_by(User.name, Assignment.id)))
    if not assignments:
        return None
    sheets = [Sheet(a.member.user.name, a.state, {s.criterion_id: s.value for s in a.scores},
                    a.comment if a.state == AssignmentState.SUBMITTED else "") for a in assignments]
    return EntryInRound(db.session.get(Submission, submission_id), criteria_of(round_.challenge), sheets)
