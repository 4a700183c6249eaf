"""Read-only queries for a judge's pages: my panels, my queue, a score sheet and the other sheets for its entry."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from flask import Response, abort

from challenge.accounts.models import Organisation, User
from challenge.challenges.entry_questions import EntryQuestion
from challenge.challenges.lookup import MAX_SLUG
from challenge.challenges.models import Challenge
from challenge.errors import DomainError
from challenge.extensions import db
from sqlalchemy import Boolean, Integer, String, bindparam
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from challenge.judging.models import (
    Assignment, AssignmentState, Conflict, Criterion, PanelMember, Round, RoundState, Score,
)
from challenge.judging.rubric import CRITERION_ORDER
from challenge.permissions import memo, remember
from challenge.platform.paging import page_size, paginate_rows
from challenge.submissions import cleaning, storage
from challenge.submissions.models import Attachment, Submission, TeamMember

UNCLEANABLE = ("This file could not be cleaned of the details that may name its author, so it cannot be sent to "
               "judges of a blind challenge. Ask the chair to contact the broker.")
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")

STATUS_LABELS = {
    "not_started": "Not started",
    "declared": "Ready to score",
    AssignmentState.DRAFT: "Draft saved",
    AssignmentState.SUBMITTED: "Submitted",
}


@dataclass
class Item:
    assignment: Assignment
    status: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


class QueueRow(NamedTuple):
    """One row of the judge's queue page: the sheet's id, its entry's reference and title, and its status."""
    id: int
    reference: str
    title: str
    status: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class PanelSummary:
    member: PanelMember
    challenge: Challenge
    round: Round | None
    done: int
    total: int


def panels_of(user) -> list[PanelSummary]:
    """Every panel the user sits on, with progress in its open (or latest) round."""
    members = list(db.session.scalars(db.select(PanelMember).where(PanelMember.user_id == user.id)
                                      .order_by(PanelMember.joined_at.desc())))
    out = []
    for member in members:
        round_ = _current_round(member)
        done = total = 0
        if round_ is not None:
            states = list(db.session.scalars(db.select(Assignment.state).where(
                Assignment.round_id == round_.id, Assignment.panel_member_id == member.id)))
            done, total = states.count(AssignmentState.SUBMITTED), len(states)
        out.append(PanelSummary(member, member.challenge, round_, done, total))
    return out


def _current_round(member: PanelMember) -> Round | None:
    rounds = rounds_with_work(member)
    open_rounds = [r for r in rounds if r.state == RoundState.OPEN]
    return (open_rounds or rounds or [None])[-1]


def rounds_with_work(member: PanelMember) -> list[Round]:
    """Rounds that have opened, in order (read once per request, and again after any write)."""
    return memo("rounds_with_work", member.id, lambda: list(db.session.scalars(
        db.select(Round).where(Round.challenge_id == member.challenge_id, Round.state != RoundState.PENDING)
        .order_by(Round.position))))


def challenge_with_seat(user, slug: str) -> Challenge:
    """The challenge at `slug` (404 when there is none: found as challenge_or_404(slug, action=None) finds it,
    the queue's rule decides) with the user's seat on its panel and, when they have one, the rounds that have
    opened and the number of conflicts the seat declared, in one statement: what rules.panel_member,
    rounds_with_work and declared_conflicts would each ask on the judge's queue."""
    rows = db.session.execute(_CHALLENGE_WITH_SEAT, {"slug": slug[:MAX_SLUG], "user_id": user.id}).all()
    if not rows:
        abort(404)
    challenge, member = rows[0][0], rows[0][1]
    remember("panel_member", (user.id, challenge.id), member)
    if member is not None:
        remember("rounds_with_work", member.id, [r for _, m, r, _ in rows if m is member and r is not None])
        remember("declared_conflicts", member.id, rows[0][3])
    return challenge


def _conflict_count(member_id):
    """How many conflicts the member declared (a scalar subquery of a column of the enclosing statement, or a
    value)."""
    return db.select(db.func.count()).where(Conflict.panel_member_id == member_id,
                                            Conflict.has_conflict.is_(True)).scalar_subquery()


# challenge_with_seat's statement, built once (building it cost the client about as much as running it).
_CHALLENGE_WITH_SEAT = (
    db.select(Challenge, PanelMember, Round, _conflict_count(PanelMember.id))
    .outerjoin(PanelMember, (PanelMember.challenge_id == Challenge.id) & (PanelMember.user_id == bindparam("user_id")))
    .outerjoin(Round, (Round.challenge_id == PanelMember.challenge_id) & (Round.state != RoundState.PENDING))
    .where(Challenge.slug == bindparam("slug"))
    .order_by(PanelMember.id, Round.position))


def declared_conflicts(member: PanelMember) -> int:
    return memo("declared_conflicts", member.id, lambda: db.session.scalar(db.select(_conflict_count(member.id))))


def _chosen_round(member: PanelMember, position: str) -> Round | None:
    """The round asked for by its position, or the open one, or the latest."""
    rounds = rounds_with_work(member)
    return next((r for r in rounds if str(r.position) == position), None) or _current_round(member)


def _items(member: PanelMember, assignments: list[Assignment]) -> list[Item]:
    """Each assignment with its status; a pending one is "declared" once the judge declared no conflict."""
    declared = set(db.session.scalars(db.select(Conflict.submission_id).where(
        Conflict.panel_member_id == member.id, Conflict.has_conflict.is_(False),
        Conflict.submission_id.in_([a.submission_id for a in assignments]))))
    return [Item(a, _status(a.state, a.submission_id in declared)) for a in assignments]


def _conflicts(member: PanelMember) -> list[Conflict]:
    return list(db.session.scalars(db.select(Conflict).where(Conflict.panel_member_id == member.id,
                                                             Conflict.has_conflict.is_(True))
                                   .options(selectinload(Conflict.submission))))


def queue_of(member: PanelMember, position: str):
    """(round, items, conflicts) for the judge: the chosen round, or the open one, or the latest."""
    chosen = _chosen_round(member, position)
    if chosen is None:
        return None, [], []
    assignments = list(db.session.scalars(
        db.select(Assignment).join(Submission).where(Assignment.round_id == chosen.id,
                                                     Assignment.panel_member_id == member.id)
        .options(contains_eager(Assignment.submission)).order_by(Assignment.reference)))
    return chosen, _items(member, assignments), _conflicts(member)


def queue_page(member: PanelMember, position: str, per_page: int):
    """(round, page of rows, tally, conflicts): the judge's queue a page at a time (a round may give a judge
    500 entries), with the same statements whatever their number. `tally` counts the whole round:
    {"total", "submitted", "not_started"}, in the page's statement (apart only for a page past the end);
    `page` is None when no round has opened; the declared conflicts are read only when there are some."""
    chosen = _chosen_round(member, position)
    if chosen is None:
        return None, None, {"total": 0, "submitted": 0, "not_started": 0}, []
    mine = {"round_id": chosen.id, "member_id": member.id}
    # The round's tally and total read apart, for a page past the end only (and then once).
    counted_apart = cache(lambda: db.session.execute(_QUEUE_TALLY, mine).one())
    page = paginate_rows(_QUEUE_ROWS, per_page=per_page, values=mine, paged=True,
                         recount=lambda: counted_apart()[2])
    if page.items or not page.total:
        figures = page.items[0][-2:] if page.items else (0, 0)
    else:
        figures = counted_apart()[:2]
    page.items = [QueueRow(id_, reference, title, _status(state, is_declared))
                  for id_, state, reference, title, is_declared, _, _ in page.items]
    tally = {"total": page.total, "submitted": figures[0], "not_started": figures[1]}
    return chosen, page, tally, _conflicts(member) if declared_conflicts(member) else []


def _queue_statements():
    """The queue's page of rows (each sheet with its entry's title, whether the judge declared no conflict, and
    the round's tally and total beside it) and the tally alone, for one judge's sheets in one round: built once.
    The page is cut from the judge's sheets alone, in reference order from ix_assignments_queue, and only its
    rows are joined to their entries; the tally is counted once beside it, not with a window over every sheet
    (every entry of the round was read and sorted: PostgreSQL 1.45 → 0.47 ms, SQLite 1.5 → 0.76 ms for 500 sheets)."""
    mine = (Assignment.round_id == bindparam("round_id"), Assignment.panel_member_id == bindparam("member_id"))
    no_conflict = db.select(Conflict.submission_id).where(Conflict.panel_member_id == bindparam("member_id"),
                                                          Conflict.has_conflict.is_(False))
    declared = Assignment.submission_id.in_(no_conflict.correlate(None))
    submitted = Assignment.state == AssignmentState.SUBMITTED
    not_started = (Assignment.state == AssignmentState.PENDING) & ~declared
    count = db.func.count()
    tally = db.select(count.filter(submitted).label("submitted"), count.filter(not_started).label("not_started"),
                      count.label("total")).where(*mine)
    counted = tally.subquery("tally")
    cut = (db.select(Assignment.id, Assignment.state, Assignment.reference, Assignment.submission_id,
                     declared.label("declared"))
           .where(*mine).order_by(Assignment.reference)  # one sheet per entry: no two sheets have the same
           .limit(page_size("n")).offset(page_size("skip")).subquery("cut"))
    rows = (db.select(cut.c.id, cut.c.state, cut.c.reference, Submission.title, cut.c.declared, counted.c.submitted,
                      counted.c.not_started, counted.c.total)
            .join(Submission, Submission.id == cut.c.submission_id).join(counted, db.true())
            .order_by(cut.c.reference))
    return rows, tally


_QUEUE_ROWS, _QUEUE_TALLY = _queue_statements()


def _status(state: str, declared: bool) -> str:
    """The assignment's state; a pending one is "declared" once the judge declared no conflict."""
    if state != AssignmentState.PENDING:
        return state
    return "declared" if declared else "not_started"


def next_to_score(assignment: Assignment) -> Assignment | None:
    """The judge's next sheet still to score in the same round, in queue order (after this one, then from the
    top); None when every other sheet is submitted."""
    sheets = list(db.session.scalars(
        db.select(Assignment).where(Assignment.round_id == assignment.round_id,
                                    Assignment.panel_member_id == assignment.panel_member_id)
        .order_by(Assignment.reference)))
    here = next((i for i, a in enumerate(sheets) if a.id == assignment.id), len(sheets))
    later = sheets[here + 1:] + sheets[:here]
    return next((a for a in later if a.state != AssignmentState.SUBMITTED), None)


def entrant(submission: Submission, blind: bool) -> str | None:
    """Who entered, for the declaration: 'Name, Organisation'; None when judging is blind."""
    if blind:
        return None
    org = submission.organisation
    return entered_by(submission.owner.name, org.name if org is not None else None)


def entered_by(owner: str, organisation: str | None) -> str:
    return f"{owner}, {organisation}" if organisation is not None else owner


class SheetPage(NamedTuple):
    challenge: Challenge
    assignment: Assignment  # with its round, its entry and (in `scores`) its scores
    criteria: list[Criterion]  # the challenge's, in order
    entered_by: str  # 'Name, Organisation' (shown unless judging is blind)
    asks_questions: bool  # whether the challenge has entry questions (none: no answers to read)


def sheet_page(user, slug: str, assignment_id: int) -> SheetPage:
    """The challenge at `slug` and one of its score sheets with what the sheet's page shows (its round, the
    entry, who entered it, the challenge's criteria, the sheet's scores, whether it asks entry questions), in
    two statements. When the sheet is the user's, the first also gives what rules.panel_member and
    rules._declared_no_conflict would each ask: their seat (the sheet's) and their declaration about the
    entry. 404 when there is no such challenge or the sheet is not its (the challenge is found as
    challenge_or_404(slug, action=None) finds it: the sheet's rules decide)."""
    row = db.session.execute(_SHEET, {"id": assignment_id, "slug": slug[:MAX_SLUG]}).first()
    if row is None:
        abort(404)
    assignment, seat, has_conflict, owner, organisation, asks_questions = row
    challenge = assignment.round.challenge
    if seat.user_id == user.id and seat.challenge_id == challenge.id:  # else not theirs: the rules look
        remember("panel_member", (user.id, challenge.id), seat)
    remember("declared_no_conflict", (assignment.panel_member_id, assignment.submission_id), has_conflict is False)
    rubric = db.session.execute(_RUBRIC_WITH_SCORES, {"id": assignment.id, "challenge_id": challenge.id}).all()
    set_committed_value(assignment, "scores", [score for _, score in rubric if score is not None])
    return SheetPage(challenge, assignment, [criterion for criterion, _ in rubric], entered_by(owner, organisation),
                     asks_questions)


# The score sheet page's statements are built once: building one cost the client about as much CPU as running it.

# The sheet with its round, its challenge and its entry, the sheet's judge's seat, that judge's declaration
# about the entry, the names of who entered it and whether the challenge asks entry questions. PostgreSQL
# plans a statement of nine joined tables in about 1 ms, of five joined tables and a few single-row lookups
# in half that: the seat is the sheet's own (a primary key, not a search of the panel), the declaration only
# a yes/no, and the entrant's names two values. The challenge joined here costs PostgreSQL about 0.2 ms more
# planning and saves the client a statement of its own (about as much CPU) and a round trip.
_SHEET = (
    db.select(Assignment, PanelMember,
              db.select(Conflict.has_conflict).where(Conflict.panel_member_id == Assignment.panel_member_id,
                                                     Conflict.submission_id == Assignment.submission_id)
              .scalar_subquery(),
              db.select(User.name).where(User.id == Submission.owner_id).scalar_subquery(),
              db.select(Organisation.name).where(Organisation.id == Submission.organisation_id).scalar_subquery(),
              db.select(EntryQuestion.id).where(EntryQuestion.challenge_id == Round.challenge_id).exists())
    .join(Assignment.round).join(Round.challenge).join(Assignment.submission)
    .join(PanelMember, PanelMember.id == Assignment.panel_member_id)
    .where(Assignment.id == bindparam("id"), Challenge.slug == bindparam("slug"))
    .options(contains_eager(Assignment.round).contains_eager(Round.challenge), contains_eager(Assignment.submission)))

# The challenge's criteria in order, each with the sheet's score for it (None when not scored).
_RUBRIC_WITH_SCORES = (
    db.select(Criterion, Score)
    .outerjoin(Score, (Score.assignment_id == bindparam("id")) & (Score.criterion_id == Criterion.id))
    .where(Criterion.challenge_id == bindparam("challenge_id")).order_by(*CRITERION_ORDER))


class OtherSheet(NamedTuple):
    """Another judge's submitted sheet for the same entry, as the score sheet page shows it (without the judge)."""
    comment: str
    values: dict[int, int]  # criterion id -> score


class BesideTheSheet(NamedTuple):
    """What the score sheet page shows beside the judge's own sheet."""
    files: list  # each attachment's (original_name, size), numbered from 1 in id order as its download link is
    team: list[str]  # the names of the entry's team members
    others: list[OtherSheet] | None  # the other judges' submitted sheets; None when not asked for


def beside_the_sheet(assignment: Assignment, with_others: bool) -> BesideTheSheet:
    """The entry's attachments and its team's names and, `with_others` (the rules let the judge see them), the
    other judges' submitted sheets for the same entry and round with their scores: one statement of plain
    rows, no objects (three cost PostgreSQL a round trip each)."""
    out = BesideTheSheet([], [], [] if with_others else None)
    sheets: dict[int, OtherSheet] = {}
    for kind, id_, text, number, value in db.session.execute(_BESIDE_THE_SHEET, {
            "submission_id": assignment.submission_id, "round_id": assignment.round_id, "id": assignment.id,
            "with_others": with_others}):
        if kind == "file":
            out.files.append((text, number))
        elif kind == "team":
            out.team.append(text)
        else:
            sheet = sheets.get(id_)
            if sheet is None:
                sheet = sheets[id_] = OtherSheet(text, {})
                out.others.append(sheet)
            if number is not None:
                sheet.values[number] = value
    return out


_files = (db.select(db.literal("file", String).label("kind"), Attachment.id.label("id"),
                    Attachment.original_name.label("text"), Attachment.size.label("number"),
                    db.cast(db.null(), Integer).label("value"))
          .where(Attachment.submission_id == bindparam("submission_id")))
_team = (db.select(db.literal("team", String), TeamMember.id, User.name, db.cast(db.null(), Integer),
                   db.cast(db.null(), Integer))
         .join(User, User.id == TeamMember.user_id).where(TeamMember.submission_id == bindparam("submission_id")))
# The other sheets: each sheet's comment, then (number, value) its scores (criterion id, score), one row a score
# (a single row with none when it has none).
_others = (db.select(db.literal("other", String), Assignment.id, Assignment.comment, Score.criterion_id, Score.value)
           .outerjoin(Score, Score.assignment_id == Assignment.id)
           .where(bindparam("with_others", type_=Boolean), Assignment.round_id == bindparam("round_id"),
                  Assignment.submission_id == bindparam("submission_id"), Assignment.id != bindparam("id"),
                  Assignment.state == AssignmentState.SUBMITTED))
_BESIDE_THE_SHEET = db.union_all(_files, _team, _others).order_by("kind", "id")


def member_or_404(challenge: Challenge, member_id: int) -> PanelMember:
    member = db.session.get(PanelMember, member_id) if member_id else None
    if member is None or member.challenge_id != challenge.id:
        abort(404)
    return member


def send_to_judge(item, blind: bool, download_name: str) -> Response:
    """An entry's file (an attachment or a file answer) for a judge whose access is already checked: a blind
    challenge's judges get the metadata-free copy, or a refusal when the file cannot be cleaned; 404 when
    the file is gone."""
    if item is None or not storage.exists(item.stored_name):
        abort(404)
    name = cleaning.for_judges(item) if blind else item.stored_name
    if name is None:
        raise DomainError(UNCLEANABLE)
    return storage.send(name, item.content_type, download_name)


def blind_name(file: Attachment, number: int) -> str:
    """'Attachment 2.pdf': the original name may carry the creator's name."""
    suffix = Path(file.original_name).suffix.lower()
    return f"Attachment {number}{suffix if _SUFFIX.match(suffix) else ''}"


def find_assignment(round_: Round, member: PanelMember, reference: str) -> Assignment:
    """The member's assignment for the entry with this reference in the round; refuses with a clear message."""
    found = db.session.scalar(db.select(Assignment).join(Submission).where(
        Assignment.round_id == round_.id, Assignment.panel_member_id == member.id,
        Submission.reference == (reference or "").strip()[:20]))
    if found is None:
        raise DomainError(f"{member.user.name} has no entry with the reference “{(reference or '').strip()[:20]}” "
                          f"in {round_.name}.")
    return found
