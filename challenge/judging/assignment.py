"""Rounds opening and closing, who scores which entry, conflicts and reassignment.

Assignment strategies are a registry: name -> function(entries, judges, conflicts, k, seed) returning
the (judge, entry) pairs. Both skip declared conflicts; "k" spreads the load evenly and is deterministic
for a given seed, so a round can be explained and re-run.
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.dates import format_dt
from challenge.judging.results import touch
from challenge.judging import panel
from challenge.platform.links import site_link
from challenge.judging.models import (
    ASSIGNMENT_MOVES, JUDGED_STATES, ROUND_MOVES, Assignment, AssignmentState, Conflict, Decision, PanelMember, Round, RoundState, Selection,
)
from challenge.judging.pairwise_models import PAIRWISE
from challenge.judging.rubric import criteria_of, rounds_of
from challenge.permissions import can
from challenge.platform import audit, outbox, tx
from challenge.submissions.models import Submission
from challenge.words import count

Pairs = list[tuple[int, int]]
Strategy = Callable[[list[int], list[int], set[tuple[int, int]], int | None, int], Pairs]


def assign_all(entries: list[int], judges: list[int], conflicts: set[tuple[int, int]], k, seed) -> Pairs:
    """Every judge scores every entry they have no conflict with."""
    return [(j, e) for e in entries for j in judges if (j, e) not in conflicts]


def assign_k(entries: list[int], judges: list[int], conflicts: set[tuple[int, int]], k: int | None, seed: int) -> Pairs:
    """Each entry gets k judges: the least loaded without a conflict, ties broken by a seeded order."""
    if not k or k < 2:
        raise DomainError("Each entry needs at least 2 judges.")
    rng = random.Random(seed)
    order = {j: i for i, j in enumerate(rng.sample(judges, len(judges)))}
    load = {j: 0 for j in judges}
    pairs: Pairs = []
    for entry in rng.sample(entries, len(entries)):
        free = sorted((j for j in judges if (j, entry) not in conflicts), key=lambda j: (load[j], order[j]))
        for judge in free[:k]:
            load[judge] += 1
            pairs.append((judge, entry))
    return pairs


STRATEGIES: dict[str, Strategy] = {"all": assign_all, "k": assign_k}


def round_entries(round_: Round) -> list[int]:
    """The entries a round takes: every submitted entry for the first, the chair's shortlist after."""
    if round_.position == 1:
        return list(db.session.scalars(
            db.select(Submission.id).where(Submission.challenge_id == round_.challenge_id,
                                           Submission.state.in_(JUDGED_STATES)).order_by(Submission.id)
        ))
    return list(db.session.scalars(
        db.select(Selection.submission_id).join(Decision).join(Round, Decision.round_id == Round.id)
        .where(Round.challenge_id == round_.challenge_id, Round.position == round_.position - 1,
               Decision.kind == "advance").order_by(Selection.position)
    ))


def conflicts_in(challenge_id: int) -> set[tuple[int, int]]:
    """(panel member, entry) pairs kept apart: declared conflicts and the automatic ones (entrants, their teams
    and organisations on the panel). Score sheets and pairwise rounds (judging/comparisons.py) both obey them."""
    rows = db.session.execute(
        db.select(Conflict.panel_member_id, Conflict.submission_id).join(PanelMember)
        .where(PanelMember.challenge_id == challenge_id, Conflict.has_conflict.is_(True))
    ).all()
    return {(j, e) for j, e in rows} | panel.automatic_conflicts(challenge_id)


# Every entry is read by at least this many judges, unless a broker records why a round may run short.
MIN_JUDGES = 2


def _planned(round_: Round, members: list[PanelMember], entries: list[int]) -> tuple[Pairs, list[int]]:
    """The (judge, entry) pairs the round's strategy would assign, and the entries left with too few judges.
    A pairwise round assigns no score sheets: any judge without a conflict may be shown an entry."""
    conflicts = conflicts_in(round_.challenge_id)
    if round_.strategy == PAIRWISE:
        could = Counter(e for _, e in assign_all(list(entries), [m.id for m in members], conflicts, None, 0))
        return [], [e for e in entries if could[e] < MIN_JUDGES]
    pairs = STRATEGIES[round_.strategy](list(entries), [m.id for m in members], conflicts, round_.k, round_.seed)
    per_entry = Counter(e for _, e in pairs)
    return pairs, [e for e in entries if per_entry[e] < MIN_JUDGES]


def _too_few_judges(members: list[PanelMember], short: list[int]) -> str:
    """Why the round cannot open, in words for the chair: the panel is too small, or conflicts leave
    named entries (by reference only, so a blind panel learns nothing) with fewer than two judges."""
    advice = "Invite another judge before opening the round (a broker may open it anyway, with a reason)."
    if len(members) < MIN_JUDGES:
        return f"The panel has only one judge, and every entry needs at least two. {advice}"
    refs = list(db.session.scalars(db.select(Submission.reference).where(Submission.id.in_(short))
                                   .order_by(Submission.reference)))
    named = ", ".join(refs[:5]) + (f" and {len(refs) - 5} more" if len(refs) > 5 else "")
    which = "it" if len(refs) == 1 else "them"
    return (f"Every entry needs at least two judges, but {named} would have fewer: too many of the panel have "
            f"a conflict of interest with {which}. {advice}")


def short_of_judges(round_: Round) -> tuple[str, int]:
    """For the set-up page, before a pending round opens: (why it cannot open yet, how many entries are short),
    or ("", 0) when every entry would get at least two judges."""
    members = list(db.session.scalars(db.select(PanelMember).where(PanelMember.challenge_id == round_.challenge_id)))
    entries = round_entries(round_)
    if not entries or (round_.strategy == "k" and len(members) < (round_.k or 0)):
        return "", 0
    _, short = _planned(round_, members, entries)
    return (_too_few_judges(members, short), len(short)) if short else ("", 0)


def references_of(challenge_id: int) -> dict[int, str]:
    """Each of the challenge's entries' reference, by id: a score sheet keeps its entry's (the judge's queue is
    read in their order, migration 0045)."""
    return dict(db.session.execute(db.select(Submission.id, Submission.reference)
                                   .where(Submission.challenge_id == challenge_id)).all())


def open_round(round_: Round, actor, now: datetime, *, override_reason: str = "") -> int:
    """Open a round and assign its entries, after recording the automatic conflicts (entrants on the panel).
    Refuses unless the challenge is being judged, the earlier round has closed with a shortlist, the rubric
    has criteria, and the panel is large enough for k; refuses too when an entry would get fewer than
    MIN_JUDGES judges, unless a broker gives `override_reason` (recorded on the round and in the audit log)."""
    challenge: Challenge = round_.challenge
    if challenge.state != ChallengeState.JUDGING:
        raise InvalidTransition("Rounds open once the challenge has moved to judging.")
    # Decide under the lock: a double click (or the seeker and the chair at once) opens the round once.
    tx.lock(Round, round_.id)
    ROUND_MOVES.check("open", round_.state)
    earlier = [r for r in rounds_of(challenge) if r.position < round_.position]
    if any(r.state != RoundState.CLOSED for r in earlier):
        raise InvalidTransition("Close the earlier round first.")
    if not criteria_of(challenge):
        raise InvalidTransition("The rubric has no criteria to score against.")
    entries = round_entries(round_)
    if not entries:
        raise InvalidTransition("There are no entries for this round: "
                                + ("nothing was submitted." if round_.position == 1 else "advance a shortlist first."))
    members = list(db.session.scalars(db.select(PanelMember).where(PanelMember.challenge_id == challenge.id)))
    needed = round_.k if round_.strategy == "k" else 1
    if len(members) < max(needed, 1):
        raise InvalidTransition(f"The panel has {count(len(members), 'judge')}; this round needs at least {needed}. "
                                "Invite judges from the panel page, then open the round.")
    found = panel.record_automatic_conflicts(challenge.id, entries, now)
    if found:
        audit.record(actor, "judging.conflicts_found", round_, now, data={"conflicts": found})
    pairs, short = _planned(round_, members, entries)
    override_reason = (override_reason or "").strip()[:2000] if short else ""
    if short and not override_reason:
        raise InvalidTransition(_too_few_judges(members, short))
    if override_reason and not can(actor, "judging.override_panel", challenge, now):
        raise NotAllowed("Only a broker can open a round in which an entry has fewer than two judges.")
    round_.panel_override_reason = override_reason
    if pairs:  # a pairwise round has none
        reference = references_of(challenge.id)
        db.session.execute(db.insert(Assignment), [
            {"round_id": round_.id, "panel_member_id": j, "submission_id": e, "reference": reference[e],
             "state": AssignmentState.PENDING}
            for j, e in pairs
        ])
    before, after = ROUND_MOVES.apply(round_, "open")
    round_.opened_at = now
    touch(challenge.id)
    data = {"entries": len(entries), "assignments": len(pairs), "strategy": round_.strategy}
    if override_reason:
        data |= {"override_reason": override_reason, "short_entries": len(short)}
    audit.record(actor, "judging.round_opened", round_, now, from_state=before, to_state=after, data=data)
    link = site_link("judging.queue", slug=challenge.slug)
    for member in members:
        outbox.queue("round_opened", member.user.email, "judging_round_opened", now, challenge=challenge,
                     round=round_, link=link, member=member)
    db.session.flush()
    return len(pairs)


def close_round(round_: Round, actor, now: datetime) -> Round:
    """Close an open round: scores freeze; drafts never submitted do not count."""
    before, after = ROUND_MOVES.apply(round_, "close")
    round_.closed_at = now
    touch(round_.challenge_id)
    audit.record(actor, "judging.round_closed", round_, now, from_state=before, to_state=after)
    db.session.flush()
    return round_


# A round's judges are reminded at most this often, so a worried chair cannot flood their inboxes.
REMIND_EVERY = timedelta(hours=24)


def sheets_left(round_: Round) -> dict[PanelMember, tuple[int, int]]:
    """Per panel member with work left in the round: (sheets still to submit, sheets in all). A conflict
    declaration takes the sheet out of the round, so what remains is the judge's to score."""
    left = db.func.sum(db.case((Assignment.state != AssignmentState.SUBMITTED, 1), else_=0))
    rows = db.session.execute(
        db.select(PanelMember, db.func.count(Assignment.id), left).join(Assignment)
        .where(Assignment.round_id == round_.id).group_by(PanelMember.id)).all()
    return {member: (todo, total) for member, total, todo in rows if todo}


NO_ONE_LEFT = {"all": "Every judge has submitted every sheet in this round: there is no one to remind.",
               PAIRWISE: "Every judge has made their fair share of comparisons, or has no pairs left to "
                         "compare: there is no one to remind."}

# What each judge still has to do in a round, by the round's strategy: {panel member: (left, in all)} for the
# judges with work left. Score sheets: sheets_left. A pairwise round registers its own (judging/comparisons.py:
# the judges below their fair share of the round's comparisons, with pairs still open to them).
WORK_LEFT: dict[str, Callable[[Round], dict[PanelMember, tuple[int, int]]]] = {}


def work_left(round_: Round) -> dict[PanelMember, tuple[int, int]]:
    """The judges a reminder goes to, with (what is left for them, their work in all)."""
    return WORK_LEFT.get(round_.strategy, sheets_left)(round_)


def remind_judges(round_: Round, actor, now: datetime) -> int:
    """Email each judge who has work left in an open round (work_left: score sheets to submit, or in a
    pairwise round comparisons short of their fair share): how many, the deadline and their queue.
    No entrant is named, so it is as blind as the queue. Refuses a round that is not open for scoring and
    a second reminder within REMIND_EVERY. Returns how many judges were reminded."""
    if not round_.is_open(now):
        raise InvalidTransition("Only the judges of a round open for scoring can be reminded.")
    if round_.reminded_at is not None and now - round_.reminded_at < REMIND_EVERY:
        raise InvalidTransition("The judges were reminded less than a day ago; you can remind them again "
                                f"from {format_dt(round_.reminded_at + REMIND_EVERY)}.")
    left = work_left(round_)
    if not left:
        raise InvalidTransition(NO_ONE_LEFT.get(round_.strategy, NO_ONE_LEFT["all"]))
    challenge = round_.challenge
    link = site_link("judging.queue", slug=challenge.slug)
    for member, (todo, total) in sorted(left.items(), key=lambda item: item[0].id):
        outbox.queue("judging_reminder", member.user.email, "judging_reminder", now, challenge=challenge,
                     round=round_, member=member, left=todo, total=total, link=link)
    round_.reminded_at = now
    audit.record(actor, "judging.judges_reminded", round_, now, data={"judges": len(left)})
    db.session.flush()
    return len(left)


def _least_loaded(round_: Round, submission_id: int, exclude: Iterable[int]) -> PanelMember | None:
    """The panel member with the fewest assignments in this round who may take the entry, or None."""
    blocked = set(exclude) | {j for j, e in conflicts_in(round_.challenge_id) if e == submission_id}
    blocked |= set(db.session.scalars(db.select(Assignment.panel_member_id).where(
        Assignment.round_id == round_.id, Assignment.submission_id == submission_id)))
    loads = dict(db.session.execute(
        db.select(PanelMember.id, db.func.count(Assignment.id)).outerjoin(
            Assignment, (Assignment.panel_member_id == PanelMember.id) & (Assignment.round_id == round_.id))
        .where(PanelMember.challenge_id == round_.challenge_id).group_by(PanelMember.id)
    ).all())
    candidates = sorted((load, member_id) for member_id, load in loads.items() if member_id not in blocked)
    return db.session.get(PanelMember, candidates[0][1]) if candidates else None


def declare(assignment: Assignment, has_conflict: bool, reason: str, actor, now: datetime) -> Conflict:
    """Record a judge's declaration about an entry before they open it (or a conflict found later). A conflict
    releases the assignment (its scores go with it) and, for k-per-entry rounds, hands the entry to the
    least-loaded judge without a conflict. Refuses a conflict without a reason, and any other second
    declaration."""
    reason = (reason or "").strip()
    if has_conflict and not reason:
        raise FieldError("Say briefly what the conflict is, for the chair's record", "reason")
    conflict = db.session.scalar(db.select(Conflict).where(Conflict.panel_member_id == assignment.panel_member_id,
                                                           Conflict.submission_id == assignment.submission_id))
    if conflict is not None and (conflict.has_conflict or not has_conflict):
        raise DomainError("You have already made a declaration about this entry.")
    if conflict is None:
        conflict = Conflict(panel_member_id=assignment.panel_member_id, submission_id=assignment.submission_id)
        db.session.add(conflict)
    # A judge who finds a conflict after opening the entry declares it late: the same consequences follow.
    conflict.has_conflict, conflict.declared_at = has_conflict, now
    conflict.reason = reason[:2000] if has_conflict else ""
    db.session.flush()
    touch(assignment.round.challenge_id)
    audit.record(actor, "judging.conflict_declared" if has_conflict else "judging.no_conflict_declared", conflict,
                 now, data={"submission": assignment.submission_id})
    if has_conflict:
        round_, entry, judge = assignment.round, assignment.submission_id, assignment.panel_member_id
        reference = assignment.reference
        db.session.delete(assignment)
        db.session.flush()
        if round_.strategy == "k":
            stand_in = _least_loaded(round_, entry, exclude=[judge])
            if stand_in is not None:
                db.session.add(Assignment(round_id=round_.id, panel_member_id=stand_in.id, submission_id=entry,
                                          reference=reference))
                audit.record(actor, "judging.reassigned", round_, now, data={"submission": entry, "to": stand_in.id,
                                                                             "because": "conflict"})
        db.session.flush()
    return conflict


def reassign(assignment: Assignment, to: PanelMember, actor, now: datetime) -> Assignment:
    """Hand an entry from one judge to another (the chair's call). Refuses a closed round, a submitted score
    sheet, a judge of another panel, a judge with a conflict, and one already assigned to the entry."""
    round_ = assignment.round
    if not round_.is_open(now):
        raise InvalidTransition("The round is closed: its assignments can no longer change.")
    if not ASSIGNMENT_MOVES.allowed("reassign", assignment.state):
        raise NotAllowed(ASSIGNMENT_MOVES.refusal("reassign", assignment.state))
    if to.challenge_id != round_.challenge_id:
        raise NotAllowed("That person is not on this panel.")
    if (to.id, assignment.submission_id) in conflicts_in(round_.challenge_id):
        raise DomainError("That judge has declared a conflict with this entry.")
    taken = db.session.scalar(db.select(Assignment.id).where(
        Assignment.round_id == round_.id, Assignment.submission_id == assignment.submission_id,
        Assignment.panel_member_id == to.id))
    if taken:
        raise DomainError("That judge is already scoring this entry.")
    before = assignment.panel_member_id
    touch(round_.challenge_id)
    assignment.scores.clear()
    ASSIGNMENT_MOVES.apply(assignment, "reassign")
    assignment.panel_member_id, assignment.comment = to.id, ""
    audit.record(actor, "judging.reassigned", round_, now, data={"submission": assignment.submission_id,
                                                                 "from": before, "to": to.id})
    db.session.flush()
    return assignment
