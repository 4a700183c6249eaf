"""The chair's decisions: advancing a shortlist to the next round, and placing the winners.

Both start from the computed ranking of a closed round (results.load). Entries below the round's
quality threshold are refused outright; entries with fewer complete score sheets than required need an
override reason; any departure from the computed order needs a reason. Both reasons go to the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload

from challenge.challenges.models import Challenge, Prize
from challenge.challenges.states import ChallengeState
from challenge.errors import DomainError, FieldError, InvalidTransition
from challenge.extensions import db
from challenge.payouts.awards import create_stage_grants
from challenge.payouts.funding import pool_status
from challenge.judging import results as results_mod
from challenge.judging.models import JUDGED_STATES, Decision, JudgingSettings, Round, RoundState, Selection
from challenge.judging.peoples import vote_winners
from challenge.judging.rubric import keep_settings, rounds_of, settings_of
from challenge.platform import audit, tx
from challenge.submissions.models import Submission, SubmissionState

MAX_REASON = 4000


def computed_order(res: results_mod.Results) -> list[results_mod.Entry]:
    """The entries that may be chosen without a reason, best first: complete, and above any threshold."""
    return [e for e in res.entries if e.is_complete and e.meets_threshold is not False and e.rank is not None]


def ranked_order(res: results_mod.Results) -> list[results_mod.Entry]:
    """What the decision page prefills, best first: the ranking whenever there is one. The computed order
    first; entries ranked but short of complete scores (a round closed with sheets outstanding) after it, so
    the chair starts from the ranking and gives the override reason the page asks for."""
    first = computed_order(res)
    rest = sorted((e for e in res.entries if e not in first and e.rank is not None and e.meets_threshold is not False),
                  key=lambda e: e.rank)
    return first + rest


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


def set_state(sub: Submission, state: str, actor, now: datetime, reason: str = "") -> None:
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
        set_state(sub, SubmissionState.SHORTLISTED, actor, now)
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


@dataclass
class Place:
    prize: Prize
    number: int
    entry: results_mod.Entry | None


@dataclass
class Plan:
    """A final decision before it is recorded: what the review step shows and decide() records."""

    round: Round
    places: list[Place]
    facts: dict
    told: dict[str, int] = field(default_factory=dict)  # winner / shortlisted / not_selected → entrants told

    @property
    def chosen_ids(self) -> list[int]:
        return [p.entry.id for p in self.places if p.entry is not None]

    @property
    def total(self) -> int:
        return sum(p.prize.amount for p in self.places if p.entry is not None)


def plan(round_: Round, choices: list[int | None], *, override_reason: str = "", departure_reason: str = "",
         empty_reason: str = "") -> Plan:
    """Check a final decision without recording it: `choices` fills prize_slots() in order (None leaves a
    place empty). Refuses more choices than places, a place left empty while the ranking has an entry for it
    without `empty_reason`, and the threshold, completeness and ranking rules above (an empty place is not a
    departure: it has its own reason)."""
    _ready(round_, "final")
    return _plan(round_, choices, override_reason, departure_reason, empty_reason)


def review(round_: Round, choices: list[int | None], actor, now: datetime, *, override_reason: str = "",
           departure_reason: str = "", empty_reason: str = "") -> Plan:
    """The confirmation step before decide(): the same checks and the same refusals, nothing recorded."""
    return plan(round_, choices, override_reason=override_reason, departure_reason=departure_reason,
                empty_reason=empty_reason)


def plan_correction(round_: Round, choices: list[int | None]) -> Plan:
    """Check a broker's correction of the recorded decision: the same entries are refused (below the
    threshold, not judged, chosen twice), and the correction's own reason stands for the others."""
    given = "Corrected by a broker."
    return _plan(round_, choices, given, given, given)


def _plan(round_: Round, choices: list[int | None], override_reason: str, departure_reason: str,
          empty_reason: str) -> Plan:
    slots = prize_slots(round_.challenge)
    if len(choices) > len(slots):
        raise FieldError("There are more choices than prize places.")
    res = results_mod.load(round_)
    by_id = {e.id: e for e in res.entries}
    choices = list(choices) + [None] * (len(slots) - len(choices))
    expected = [e.rank for e in ranked_order(res)[:len(slots)]]
    expected += [None] * (len(slots) - len(expected))
    filled = [(sid, rank) for sid, rank in zip(choices, expected) if sid]
    chosen_ranks = [(by_id[s].rank if s in by_id else None) or 10**9 for s, _ in filled]
    facts = _check(res, [s for s, _ in filled], override_reason, departure_reason, [r for _, r in filled],
                   chosen_ranks)
    emptied = [f"{prize.name}{f', place {n}' if prize.winners > 1 else ''}"
               for (prize, n), sid, rank in zip(slots, choices, expected) if not sid and rank is not None]
    if emptied and not empty_reason.strip():
        raise FieldError(f"Say why {' and '.join(emptied)} {'is' if len(emptied) == 1 else 'are'} left empty: "
                         f"the ranking has an entry for {'it' if len(emptied) == 1 else 'each'}.", "empty_reason")
    if len(empty_reason) > MAX_REASON:
        raise FieldError(f"Keep each reason under {MAX_REASON:,} characters.", "empty_reason")
    places = [Place(prize, n, by_id.get(sid) if sid else None) for (prize, n), sid in zip(slots, choices)]
    out = Plan(round_, places, {**facts, "emptied": emptied})
    out.told = _told(round_.challenge, set(out.chosen_ids))
    return out


def _told(challenge: Challenge, winners: set[int]) -> dict[str, int]:
    """How many entries will hear each outcome when the results are published."""
    told = {"winner": 0, "shortlisted": 0, "not_selected": 0}
    for sid, state in db.session.execute(db.select(Submission.id, Submission.state).where(
            Submission.challenge_id == challenge.id, Submission.state.in_(JUDGED_STATES))):
        told["winner" if sid in winners else
             "shortlisted" if state == SubmissionState.SHORTLISTED else "not_selected"] += 1
    return told


def decide(round_: Round, choices: list[int | None], actor, now: datetime, *, override_reason: str = "",
           departure_reason: str = "", empty_reason: str = "") -> Decision:
    """Record the final decision (see plan() for what it refuses). It is provisional: nothing is said to the
    entrants and no money moves until the results are published (judging/publication.py), and until then a
    broker may correct it. Decided under the round's lock, so a double click records one decision."""
    _lock(round_)
    checked = plan(round_, choices, override_reason=override_reason, departure_reason=departure_reason,
                   empty_reason=empty_reason)
    decision = Decision(challenge_id=round_.challenge_id, round_id=round_.id, kind="final",
                        override_reason=override_reason.strip(), departure_reason=departure_reason.strip(),
                        empty_reason=empty_reason.strip(), decided_by_id=actor.id, decided_at=now)
    decision.selections.extend(selections_for(checked.places))
    db.session.add(decision)
    db.session.flush()
    audit.record(actor, "judging.decided", decision, now, reason=departure_reason.strip(),
                 data={**checked.facts, "override_reason": override_reason.strip(),
                       "empty_reason": empty_reason.strip(), "winners": checked.chosen_ids})
    return decision


def selections_for(places: list[Place]) -> list[Selection]:
    """The decision's rows for the filled places, numbered in prize order."""
    filled = [p for p in places if p.entry is not None]
    return [Selection(submission_id=p.entry.id, prize_id=p.prize.id, position=n, computed_rank=p.entry.rank)
            for n, p in enumerate(filled, start=1)]


def holds_money(challenge: Challenge) -> bool:
    """Whether the pool holds money now: then publishing pays the awards from it at once."""
    return _holds_money(challenge)


def final_decision(challenge: Challenge) -> Decision | None:
    return db.session.scalar(db.select(Decision).where(Decision.challenge_id == challenge.id, Decision.kind == "final"))


def placements(challenge: Challenge, now: datetime | None = None) -> list[tuple[Submission, Prize]]:
    """The published winners and their prize tiers, best tier first: the chair's placements (once the results
    are published), then the public vote's winner once the vote has closed (it may share no tier with the
    panel's winners). Nothing before publication: a recorded decision is provisional until then. `now`: the
    time the vote is judged closed at (the clock's when not given)."""
    return placements_for([challenge], now)[challenge.id]


# placements_for's statement, built once: each challenge's judging settings (for the people's choice) and its
# published final decision, in one statement rather than one for each ("Your submissions" asks it on every visit).
_FINALS_AND_SETTINGS = (
    db.select(Challenge.id, JudgingSettings, Decision).select_from(Challenge)
    .outerjoin(JudgingSettings, JudgingSettings.challenge_id == Challenge.id)
    .outerjoin(Decision, (Decision.challenge_id == Challenge.id) & (Decision.kind == "final")
               & Decision.published_at.is_not(None))
    .where(Challenge.id.in_(bindparam("ids", expanding=True)))
    .options(selectinload(JudgingSettings.peoples_choice_prize),
             selectinload(Decision.selections).selectinload(Selection.submission),
             selectinload(Decision.selections).selectinload(Selection.prize)))


def placements_for(challenges, now: datetime | None = None) -> dict[int, list[tuple[Submission, Prize]]]:
    """placements() of each of several challenges (the entries of a list), in a fixed number of queries: their
    published final decisions and their judging settings in one (the settings kept for the request, as
    `rubric.settings_for` keeps them), then the people's choice where a vote has closed."""
    ids = {c.id for c in challenges}
    decisions: dict[int, Decision] = {}
    settings: dict[int, JudgingSettings | None] = {}
    if ids:
        for cid, kept, decision in db.session.execute(_FINALS_AND_SETTINGS, {"ids": list(ids)}):
            settings[cid] = kept
            if decision is not None:
                decisions[cid] = decision
        keep_settings(settings)
    winners = vote_winners(challenges, now, settings)
    out: dict[int, list[tuple[Submission, Prize]]] = {}
    for cid in ids:
        decision = decisions.get(cid)
        out[cid] = [(s.submission, s.prize) for s in decision.selections if s.prize is not None] if decision else []
        if cid in winners:
            out[cid].append(winners[cid])
    return out
