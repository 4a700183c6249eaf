"""Awards (prize places and stage grants) and the payouts they create (team splits: splits.py; cancelling a
disqualified entry's awards: withdrawals.py).

The broker's fee is taken from the escrow when money is awarded (see pool.py: it is charged on
top of the prizes). An award is refused unless the escrow, less what is already promised to earlier
awards, covers the new awards and their fee.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from challenge.challenges.models import Challenge, Prize
from challenge.challenges.states import Phase
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.money import format_money
from challenge.payouts import ledger
from challenge.payouts.models import Award, ChallengeFinance, PayeeAccount, Payout, Refund
from challenge.payouts.pool import fee_on
from challenge.payouts.providers import default_provider
from challenge.payouts.states import PAYOUT_MOVES, SETTLED_PAYOUTS, PayeeState, PayoutState, RefundState
from challenge.payouts.withdrawals import cancel_for_disqualified
from challenge.platform import audit, outbox
from challenge.platform.links import site_link
from challenge.submissions.models import NOT_AWARDABLE_STATES, Submission
from challenge.submissions.services import after_disqualify

AWARDABLE_PHASES = (Phase.CLOSED, Phase.JUDGING, Phase.DECIDED)

# The places a challenge's published decision gave, or None when it has none: registered at start-up by the
# judging package (judging/publication.py), which sits above payouts. The money page awards exactly these.
DECIDED_PLACES: list[Callable[[Challenge], list[tuple[Submission, Prize]] | None]] = []

NO_DECISION = ("There is no published decision to award from: the chair records it on the challenge's judging "
               "page (“Decide the winners”) and it is published there; then award its places here.")


def decided_places(challenge: Challenge) -> list[tuple[Submission, Prize]] | None:
    """The published decision's places (the people's choice included), or None before there is one."""
    for source in DECIDED_PLACES:
        found = source(challenge)
        if found is not None:
            return found
    return None


def unawarded_places(challenge: Challenge) -> list[tuple[Submission, Prize]]:
    """The decision's places that have no award yet (after a waived pool is paid, say). A cancelled award
    (its entry disqualified) keeps its place taken: giving it to another entry is a new decision."""
    given = {tuple(row) for row in db.session.execute(db.select(Award.submission_id, Award.prize_id).where(
        Award.challenge_id == challenge.id, Award.prize_id.is_not(None))).all()}
    return [(s, p) for s, p in decided_places(challenge) or [] if (s.id, p.id) not in given]


def awarded(submission: Submission, prize: Prize) -> bool:
    """Whether the entry already has an award of the prize (cancelled or not: its place stays taken)."""
    return db.session.scalar(db.select(Award.id).where(Award.submission_id == submission.id,
                                                       Award.prize_id == prize.id).limit(1)) is not None


def award_decided(challenge: Challenge, actor, now: datetime) -> list[Award]:
    """Award the published decision's places that have no award yet, exactly as the decision gave them: the
    money page never picks winners of its own. Refuses a challenge without a published decision (saying
    how to get one) and, through create_awards, places already awarded meanwhile and a pool that cannot
    cover them."""
    if decided_places(challenge) is None:
        raise DomainError(NO_DECISION)
    ledger.lock_challenge(challenge.id)
    left = unawarded_places(challenge)
    if not left:
        raise DomainError("Every place the decision gave has been awarded already.")
    return create_awards(challenge, left, actor, now)


def committed(challenge_id: int) -> int:
    """Money in the escrow already promised: awarded and not yet paid out (reversed money is free again)."""
    awarded = db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(Award.amount), 0))
        .where(Award.challenge_id == challenge_id, Award.cancelled_at.is_(None)))
    settled = db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(Payout.amount), 0)).join(Award)
        .where(Award.challenge_id == challenge_id, Award.cancelled_at.is_(None), Payout.state.in_(SETTLED_PAYOUTS)))
    pending_refunds = db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(Refund.amount), 0))
        .where(Refund.challenge_id == challenge_id, Refund.state == RefundState.PENDING))
    return int(awarded) - int(settled) + int(pending_refunds)


def available(challenge: Challenge) -> int:
    """What the escrow holds beyond what is promised: the most that can still be awarded or refunded."""
    return ledger.balance(ledger.escrow(challenge.id), challenge.currency) - committed(challenge.id)


def _take_fee_and_check(challenge: Challenge, total: int, actor, now: datetime, memo: str) -> int:
    finance = ledger.lock_challenge(challenge.id)
    fee = fee_on(total, finance.fee_bp)
    room = available(challenge)
    if total + fee > room:
        raise DomainError(
            f"The pool cannot cover this: it needs {format_money(total + fee, challenge.currency)} "
            f"({format_money(total, challenge.currency)} plus the broker's fee of "
            f"{format_money(fee, challenge.currency)}), but only {format_money(max(room, 0), challenge.currency)} "
            "is held and not yet promised."
        )
    if fee:
        ledger.post("fee", challenge.id, challenge.currency,
                    [(ledger.escrow(challenge.id), -fee), (ledger.FEE, fee)], now, actor=actor, memo=memo)
    return fee


def _check_submission(challenge: Challenge, submission: Submission) -> None:
    if submission.challenge_id != challenge.id:
        raise DomainError(f"{submission.reference} is not an entry to this challenge.")
    if submission.state in NOT_AWARDABLE_STATES:
        raise DomainError(f"{submission.reference} is {submission.state} and cannot be awarded money.")


def _taken_places(challenge: Challenge) -> dict[int, set[int]]:
    """Prize id → the places already awarded (read under the challenge's lock by the caller)."""
    taken: dict[int, set[int]] = {}
    for prize_id, place in db.session.execute(db.select(Award.prize_id, Award.place).where(
            Award.challenge_id == challenge.id, Award.prize_id.is_not(None))):
        taken.setdefault(prize_id, set()).add(place)
    return taken


def create_awards(challenge: Challenge, placements: Sequence[tuple[Submission, Prize]], actor,
                  now: datetime) -> list[Award]:
    """Award prize places, take the broker's fee and set up the payouts.

    Decided under the challenge's lock: the places already awarded and the entries' states are read
    after it, and each award takes the prize's lowest free place (1 … its winners), which the database
    keeps unique, so three brokers awarding a one-place prize at once make one award.
    Refuses: nothing to award, a challenge that is not closed/judging/decided, a prize or entry of
    another challenge, an ineligible entry, the same prize twice to one entry, more winners than the
    prize has places, and awards the held money (less earlier promises) cannot cover with the fee.
    """
    if not placements:
        raise DomainError("Choose at least one winning entry.")
    if challenge.phase(now) not in AWARDABLE_PHASES:
        raise DomainError("Prizes can be awarded only once the challenge has closed.")
    pairs = [(s.id, p.id) for s, p in placements]
    if len(set(pairs)) != len(pairs):
        raise DomainError("An entry cannot win the same prize twice.")
    ledger.lock_challenge(challenge.id)
    db.session.scalars(db.select(Submission).where(Submission.id.in_({s for s, _ in pairs}))
                       .execution_options(populate_existing=True)).all()
    taken = _taken_places(challenge)
    places = []
    for submission, prize in placements:
        if prize.challenge_id != challenge.id:
            raise DomainError(f"“{prize.name}” is not a prize of this challenge.")
        _check_submission(challenge, submission)
        if db.session.scalar(db.select(Award.id).where(Award.submission_id == submission.id,
                                                       Award.prize_id == prize.id)):
            raise DomainError(f"{submission.reference} has already been awarded “{prize.name}”.")
        used = taken.setdefault(prize.id, set())
        place = next((n for n in range(1, prize.winners + 1) if n not in used), None)
        if place is None:
            raise DomainError(f"“{prize.name}” has {prize.winners} place(s); that would award more.")
        used.add(place)
        places.append(place)
    total = sum(p.amount for _, p in placements)
    _take_fee_and_check(challenge, total, actor, now, memo=f"Broker's fee on {len(placements)} prize award(s)")
    return [_award(challenge, s, p.amount, actor, now, prize=p, place=place)
            for (s, p), place in zip(placements, places)]


def create_stage_grants(challenge: Challenge, submissions: Sequence[Submission], amount_each: int, currency: str,
                        round_position: int, actor, now: datetime) -> list[Award]:
    """Give each advancing entry the same stage grant (e.g. £1,500 to each finalist), paid like a prize from
    the challenge's stage-grant budget (set on the funding page), never from the money for the prizes.

    Decided under the challenge's lock: the grants already given and the entries' states are read after it,
    so two grants at once cannot both fit in what is left of the budget.
    Refuses: no entries, an amount that is not a positive int, another currency, a round number below 1,
    an entry twice or already granted for this round, grants beyond what is left of the budget, and grants
    the pool cannot cover with the fee.
    """
    if not submissions:
        raise DomainError("Choose at least one entry for the stage grant.")
    if type(amount_each) is not int or amount_each <= 0:
        raise DomainError("Enter a grant of more than zero.")
    if currency != challenge.currency:
        raise DomainError(f"This prize pool is held in {challenge.currency}; amounts in {currency} cannot be used.")
    if type(round_position) is not int or round_position < 1:
        raise DomainError("Choose the round the entries advanced from.")
    if challenge.phase(now) not in (Phase.OPEN, *AWARDABLE_PHASES):
        raise DomainError("Stage grants can be given only while the challenge runs or is being judged.")
    ids = [s.id for s in submissions]
    if len(set(ids)) != len(ids):
        raise DomainError("Each entry can receive one stage grant per round.")
    finance = ledger.lock_challenge(challenge.id)
    db.session.scalars(db.select(Submission).where(Submission.id.in_(ids))
                       .execution_options(populate_existing=True)).all()
    for submission in submissions:
        _check_submission(challenge, submission)
        if db.session.scalar(db.select(Award.id).where(Award.submission_id == submission.id,
                                                       Award.round_position == round_position)):
            raise DomainError(f"{submission.reference} already has a stage grant for round {round_position}.")
    _check_budget(challenge, finance.stage_grants_budget, amount_each * len(submissions))
    _take_fee_and_check(challenge, amount_each * len(submissions), actor, now,
                        memo=f"Broker's fee on {len(submissions)} stage grant(s), round {round_position}")
    return [_award(challenge, s, amount_each, actor, now, round_position=round_position) for s in submissions]


def stage_grants_given(challenge_id: int) -> int:
    """The stage grants awarded so far and not cancelled: what they take from the stage-grant budget."""
    return int(db.session.scalar(db.select(db.func.coalesce(db.func.sum(Award.amount), 0)).where(
        Award.challenge_id == challenge_id, Award.round_position.is_not(None), Award.cancelled_at.is_(None))))


def stage_grant_room(challenge: Challenge) -> int:
    """What is left of the challenge's stage-grant budget (0 when it has none)."""
    finance = db.session.get(ChallengeFinance, challenge.id)
    budget = finance.stage_grants_budget if finance else 0
    return max(budget - stage_grants_given(challenge.id), 0)


def _check_budget(challenge: Challenge, budget: int, total: int) -> None:
    """Refuse grants beyond the stage-grant budget; the caller holds the challenge's lock."""
    def money(amount: int) -> str:
        return format_money(amount, challenge.currency)

    if budget <= 0:
        raise DomainError(f"This challenge has no stage-grant budget, so grants of {money(total)} cannot be paid: "
                          "set a budget for stage grants on the challenge's funding page first.")
    given = stage_grants_given(challenge.id)
    if given + total > budget:
        spent = f" ({money(given)} is already granted)" if given else ""
        raise DomainError(f"These grants need {money(total)}, but only {money(max(budget - given, 0))} is left of "
                          f"the stage-grant budget of {money(budget)}{spent}.")


def _award(challenge: Challenge, submission: Submission, amount: int, actor, now: datetime, *,
           prize: Prize | None = None, place: int | None = None, round_position: int | None = None) -> Award:
    award = Award(challenge_id=challenge.id, submission_id=submission.id, prize_id=prize.id if prize else None,
                  place=place, round_position=round_position, amount=amount, currency=challenge.currency,
                  created_by_id=getattr(actor, "id", None), created_at=now)
    db.session.add(award)
    db.session.flush()
    audit.record(actor, "award.create", award, now, data={"amount": amount, "submission": submission.reference})
    if not submission.team:
        new_payout(award, submission.owner, amount, now)
    link = site_link("payouts.mine")
    for member in {submission.owner, *(m.user for m in submission.team)}:
        outbox.queue("award", member.email, "payout_awarded", now, user=member, award=award,
                     challenge=challenge, link=link, is_team=bool(submission.team))
    return award


def new_payout(award: Award, user, amount: int, now: datetime) -> Payout:
    """A payout of `amount` to `user`: ready when they can already be paid, waiting for their details otherwise."""
    provider = default_provider()
    account = db.session.scalar(db.select(PayeeAccount).where(
        PayeeAccount.user_id == user.id, PayeeAccount.provider == provider, PayeeAccount.state == PayeeState.READY))
    payout = Payout(award_id=award.id, user_id=user.id, amount=amount, currency=award.currency, provider=provider,
                    state=PayoutState.READY if account else PayoutState.AWAITING_PAYEE,
                    payee_account_id=account.id if account else None, created_at=now)
    db.session.add(payout)
    db.session.flush()
    audit.record(None, "payout.create", payout, now, to_state=payout.state, data={"amount": amount})
    return payout


def payee_became_ready(account: PayeeAccount, now: datetime) -> int:
    """Move the person's payouts that waited for payment details to ready; returns how many.

    Each is locked and its state read again after the lock, so a payout cancelled meanwhile (its entry
    disqualified) stays cancelled."""
    waiting = db.session.scalars(db.select(Payout).where(
        Payout.user_id == account.user_id, Payout.provider == account.provider,
        Payout.state == PayoutState.AWAITING_PAYEE)
        .order_by(Payout.id).with_for_update().execution_options(populate_existing=True)).all()
    moved = 0
    for payout in waiting:
        if not PAYOUT_MOVES.allowed("payee_ready", payout.state):
            continue
        before, after = PAYOUT_MOVES.apply(payout, "payee_ready")
        payout.payee_account_id = account.id
        audit.record(None, "payout.payee_ready", payout, now, from_state=before, to_state=after)
        moved += 1
    db.session.flush()
    return moved


@after_disqualify
def _on_disqualify(submission: Submission, reason: str, actor, now: datetime) -> str:
    return cancel_for_disqualified(submission, reason, actor, now).sentence()
