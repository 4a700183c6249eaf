"""The chair's decisions: advancing a shortlist to the next round, and placing the winners.

Both start from the computed ranking of a closed round (results.load). Entries below the round's
quality threshold are refused outright; entries with fewer complete score sheets than required need an
override reason; any departure from the computed order needs a reason. Both reasons go to the audit log.
"""
from __future__ import annotations

from datetime import datetime

from challenge.challenges.models import Challenge, Prize
from challenge.challenges.states import ChallengeState
from challenge.challenges.services import move
from challenge.errors import DomainError, FieldError, InvalidTransition
from challenge.extensions import db
from challenge.payouts.awards import create_awards, create_stage_grants
from challenge.payouts.funding import pool_status
from challenge.judging import results as results_mod
from challenge.judging.models import JUDGED_STATES, Decision, Round, RoundState, Selection
from challenge.judging.peoples import vote_winner
from challenge.judging.rubric import rounds_of, settings_of
from challenge.platform import audit, tx
from challenge.submissions.models import Submission, SubmissionState

MAX_REASON = 4000


def computed_order(res: results_mod.Results) -> list[results_mod.Entry]:
    """The entries that may be chosen without a reason, best first: complete, and above any threshold."""
    return [e for e in res.entries if e.is_complete and e.meets_threshold is not False and e.rank is not None]


def _check(res: results_mod.Results, chosen_ids: list[int], override_reason: str, departure_reason: str,
           expected_ranks: list[int | None], chosen_ranks: list[int | None]) -> dict:
    by_id = {e.id: e for e in res.entries}
    if len(set(chosen_ids)) != len(chosen_ids):
        raise FieldError("Each entry can be chosen only once.")
    for sid in chosen_ids:
        entry = by_id.get(sid)
        if entry is None:
            raise FieldError("That entry was not judged in this round.")
        if entry.meets_threshold is False:
            raise FieldError(f"{entry.reference} is below this round's quality threshold of "
                             f"{res.round.threshold_percent}% and cannot go forward.")
    incomplete = [by_id[s].reference for s in chosen_ids if not by_id[s].is_complete]
    if incomplete and not override_reason.strip():
        raise FieldError(f"{', '.join(incomplete)} {'has' if len(incomplete) == 1 else 'have'} fewer complete "
                         f"scores than required: give a reason to decide anyway.", "override_reason")
    departs = chosen_ranks != expected_ranks
    if departs and not departure_reason.strip():
        raise FieldError("This departs from the computed ranking: give a reason.", "departure_reason")
    if len(override_reason) > MAX_REASON or len(departure_reason) > MAX_REASON:
        raise FieldError(f"Keep each reason under {MAX_REASON:,} characters.")
    return {"incomplete": incomplete, "departs": departs,
            "computed": expected_ranks, "chosen": chosen_ranks}


def _lock(round_: Round) -> None:
    """Lock the round's row for the rest of the transaction and re-read it, so a second request waits for
    the first and then sees its decision."""
    tx.lock(Round, round_.id)


def _ready(round_: Round, kind: str) -> None:
    if round_.challenge.state != ChallengeState.JUDGING:
        raise InvalidTransition("Decisions are made while the challenge is being judged.")
    if round_.state != RoundState.CLOSED:
        raise InvalidTransition("Close the round before deciding on it: scores must be final.")
    if db.session.scalar(db.select(Decision.id).where(Decision.round_id == round_.id, Decision.kind == kind)):
        raise InvalidTransition("This decision has already been recorded.")


def _set_state(sub: Submission, state: str, actor, now: datetime, reason: str = "") -> None:
    if sub.state != state:
        audit.record(actor, f"submission.{state}", sub, now, from_state=sub.state, to_state=state, reason=reason)
        sub.state, sub.updated_at = state, now


def advance(round_: Round, submission_ids: list[int], actor, now: datetime, *, override_reason: str = "",
            departure_reason: str = "") -> tuple[Decision, int]:
    """Send a shortlist from a closed round to the next, paying the round's stage grant to each entry when
    pays_stage_grants(). Refuses an empty shortlist, when there is no later round waiting, and the
    threshold, completeness and ranking rules in the module docstring. Returns the decision and how many
    stage grants it paid. Decided under the round's lock, so a double click records one shortlist."""
    _lock(round_)
    _ready(round_, "advance")
    following = [r for r in rounds_of(round_.challenge) if r.position == round_.position + 1]
    if not following or following[0].state != RoundState.PENDING:
        raise InvalidTransition("There is no later round to advance entries to: add one, or record the decision.")
    if not submission_ids:
        raise FieldError("Choose at least one entry for the shortlist.", "entries")
    res = results_mod.load(round_)
    by_id = {e.id: e for e in res.entries}
    chosen_ranks = sorted((by_id[s].rank if s in by_id else None) or 10**9 for s in submission_ids)
    expected = [e.rank for e in computed_order(res)[:len(submission_ids)]]
    facts = _check(res, submission_ids, override_reason, departure_reason, expected, chosen_ranks)
    decision = Decision(challenge_id=round_.challenge_id, round_id=round_.id, kind="advance",
                        override_reason=override_reason.strip(), departure_reason=departure_reason.strip(),
                        decided_by_id=actor.id, decided_at=now)
    ordered = sorted(submission_ids, key=lambda s: (by_id[s].rank or 10**9, by_id[s].reference))
    for position, sid in enumerate(ordered, start=1):
        decision.selections.append(Selection(submission_id=sid, position=position, computed_rank=by_id[sid].rank))
    db.session.add(decision)
    db.session.flush()
    advancing = {s.id: s for s in db.session.scalars(db.select(Submission).where(Submission.id.in_(submission_ids)))}
    for sub in advancing.values():
        _set_state(sub, SubmissionState.SHORTLISTED, actor, now)
    results_mod.touch(round_.challenge_id)
    granted = _stage_grants(round_, [advancing[sid] for sid in ordered], actor, now)
    audit.record(actor, "judging.shortlist_advanced", decision, now, reason=departure_reason.strip(),
                 data={**facts, "override_reason": override_reason.strip(), "entries": ordered,
                       "stage_grants": granted})
    return decision, granted


def pays_stage_grants(round_: Round) -> bool:
    """Whether advancing from this round pays its stage grant at once: it has one and the pool holds money.
    A pool that holds nothing yet (funding waived and not paid) leaves them to the broker's money page."""
    return bool(round_.advance_grant) and _holds_money(round_.challenge)


def _holds_money(challenge: Challenge) -> bool:
    return pool_status(challenge).held > 0


def _stage_grants(round_: Round, advancing: list[Submission], actor, now: datetime) -> int:
    """The round's stage grant for each entry it advances, paid like a prize from the money the pool holds;
    a pool that cannot cover them refuses the whole shortlist, so nothing is half-recorded."""
    if not pays_stage_grants(round_):
        return 0
    challenge = round_.challenge
    try:
        create_stage_grants(challenge, advancing, round_.advance_grant, challenge.currency, round_.position, actor, now)
    except DomainError as exc:
        raise FieldError(f"The stage grants cannot be paid. {exc.message} Advance fewer entries, or ask the seeker "
                         "or a broker to change the round's grant or the stage-grant budget.", "entries") from None
    return len(advancing)


def prize_slots(challenge: Challenge) -> list[tuple[Prize, int]]:
    """The (tier, slot number) pairs the chair fills, best first; the people's-choice tier is the public's."""
    settings = settings_of(challenge)
    public = settings.peoples_choice_prize_id if settings and settings.peoples_choice else None
    return [(p, n) for p in challenge.prizes if p.id != public for n in range(1, p.winners + 1)]


def decide(round_: Round, choices: list[int | None], actor, now: datetime, *, override_reason: str = "",
           departure_reason: str = "") -> Decision:
    """Record the final decision: `choices` fills prize_slots() in order (None leaves a slot empty).

    Refuses a round that is not closed, more choices than slots, and the threshold, completeness and
    ranking rules above. Winners become `winner`, every other judged entry `not_selected`, and the
    challenge moves to decided. Decided under the round's lock, so a double click records one decision.
    """
    _lock(round_)
    _ready(round_, "final")
    challenge = round_.challenge
    slots = prize_slots(challenge)
    if len(choices) > len(slots):
        raise FieldError("There are more choices than prize places.")
    res = results_mod.load(round_)
    by_id = {e.id: e for e in res.entries}
    picked = [(slot, sid) for slot, sid in zip(slots, choices) if sid]
    chosen_ids = [sid for _, sid in picked]
    chosen_ranks = [(by_id[s].rank if s in by_id else None) for s in choices[:len(slots)]]
    chosen_ranks += [None] * (len(slots) - len(chosen_ranks))
    expected = [e.rank for e in computed_order(res)[:len(slots)]]
    expected += [None] * (len(slots) - len(expected))
    facts = _check(res, chosen_ids, override_reason, departure_reason, expected, chosen_ranks)
    decision = Decision(challenge_id=challenge.id, round_id=round_.id, kind="final",
                        override_reason=override_reason.strip(), departure_reason=departure_reason.strip(),
                        decided_by_id=actor.id, decided_at=now)
    for position, ((prize, _), sid) in enumerate(picked, start=1):
        decision.selections.append(Selection(submission_id=sid, prize_id=prize.id, position=position,
                                             computed_rank=by_id[sid].rank))
    db.session.add(decision)
    db.session.flush()
    for sub in db.session.scalars(db.select(Submission).where(Submission.challenge_id == challenge.id,
                                                              Submission.state.in_(JUDGED_STATES))):
        _set_state(sub, SubmissionState.WINNER if sub.id in chosen_ids else SubmissionState.NOT_SELECTED, actor, now)
    results_mod.touch(challenge.id)
    audit.record(actor, "judging.decided", decision, now, reason=departure_reason.strip(),
                 data={**facts, "override_reason": override_reason.strip(), "winners": chosen_ids})
    move(challenge, "decide", actor, now, reason=departure_reason.strip() or override_reason.strip())
    _award(challenge, actor, now)
    return decision


def _award(challenge: Challenge, actor, now: datetime) -> None:
    """The decision creates the awards, paid from the money held for the pool. A pool that holds nothing
    yet (funding waived and not paid) is awarded later from the challenge's money page."""
    winners = placements(challenge)
    if winners and _holds_money(challenge):
        create_awards(challenge, winners, actor, now)


def final_decision(challenge: Challenge) -> Decision | None:
    return db.session.scalar(db.select(Decision).where(Decision.challenge_id == challenge.id, Decision.kind == "final"))


def placements(challenge: Challenge) -> list[tuple[Submission, Prize]]:
    """Winners and their prize tiers, best tier first: the chair's placements, then the public vote's winner
    once the vote has closed (it may share no tier with the panel's winners)."""
    decision = final_decision(challenge)
    out: list[tuple[Submission, Prize]] = []
    if decision is not None:
        out = [(s.submission, s.prize) for s in decision.selections if s.prize is not None]
    winner = vote_winner(challenge)
    if winner is not None:
        out.append(winner)
    return out

