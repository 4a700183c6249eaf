"""Disqualification takes the money back: a disqualified entry's awards are cancelled, their unpaid payouts
cancelled and their paid ones flagged for reversal, and the broker's fee on them returned to the escrow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.money import format_money
from challenge.payouts import ledger
from challenge.payouts.models import Award, ChallengeFinance, Payout
from challenge.payouts.pool import fee_on
from challenge.payouts.states import PAYOUT_MOVES, PayoutState
from challenge.platform import audit
from challenge.submissions.models import Submission
from challenge.words import count


@dataclass(frozen=True)
class Withdrawn:
    """What disqualifying an entry did to its money."""

    awards: int = 0  # awards cancelled
    cancelled: int = 0  # unpaid payouts cancelled: their money stays in the escrow, free again
    flagged: int = 0  # paid payouts flagged for reversal: their money returns when the reversal is recorded

    def sentence(self) -> str:
        if not self.awards:
            return ""
        said = f"{count(self.awards, 'award')} cancelled"
        if self.cancelled:
            said += f", {count(self.cancelled, 'unpaid payout')} cancelled"
        if self.flagged:
            said += f"; {count(self.flagged, 'paid payout')} flagged for reversal on the payouts queue"
        return said + "."


def cancel_for_disqualified(submission: Submission, reason: str, actor, now: datetime) -> Withdrawn:
    """Cancel a disqualified entry's awards: unpaid payouts are cancelled (their money is free again in the
    escrow) and paid ones flagged `reversal_due` with the broker's reason; a broker then reverses them from
    the payouts queue, and recording the reversal moves the money back to the escrow (release.record_reversal).

    Decided under the locks of the entry's awards (a split being agreed), their payouts and then the challenge's
    (the order agree_split and release.py take them), with everything read again after the challenge's lock (a
    grant made meanwhile); awards already cancelled are left alone, so running it twice changes nothing.
    Refuses while one of the payouts is being paid: its outcome must be known first.
    """
    if db.session.get(ChallengeFinance, submission.challenge_id) is None:
        return Withdrawn()  # no prize pool, so no awards
    _lock_payouts(_lock_awards(submission))
    finance = ledger.lock_challenge(submission.challenge_id)
    awards = _lock_awards(submission)
    payouts = _lock_payouts(awards)
    busy = [p for p in payouts if p.state == PayoutState.PROCESSING]
    if busy:
        raise InvalidTransition(f"A payout of this entry ({format_money(busy[0].amount, busy[0].currency)} to "
                                f"{busy[0].user.name}) is being paid just now. Try again once its outcome is "
                                "known.")
    cancelled = flagged = 0
    for payout in payouts:
        if PAYOUT_MOVES.allowed("cancel", payout.state):
            move = "cancel"
            cancelled += 1
        elif PAYOUT_MOVES.allowed("flag_reversal", payout.state):
            move, payout.reversal_reason = "flag_reversal", reason[:1000]
            flagged += 1
        else:
            continue
        before, after = PAYOUT_MOVES.apply(payout, move)
        audit.record(actor, f"payout.{move}", payout, now, from_state=before, to_state=after, reason=reason)
    for award in awards:
        place, award.place = award.place, None  # the prize place is free to award to another entry
        award.cancelled_at, award.cancel_reason = now, reason[:1000]
        audit.record(actor, "award.cancel", award, now, reason=reason,
                     data={"amount": award.amount, "submission": submission.reference, "place": place})
    _return_fee(submission, awards, finance.fee_bp, actor, now)
    db.session.flush()
    return Withdrawn(len(awards), cancelled, flagged)


def _return_fee(submission: Submission, awards: list[Award], fee_bp: int, actor, now: datetime) -> None:
    """The broker's fee is charged on money awarded: a cancelled award's fee goes back to the escrow (and so to
    the funders or to the next award). Per award it is rounded down, so never more than was taken for it."""
    fee = sum(fee_on(award.amount, fee_bp) for award in awards)
    if fee:
        ledger.post("fee", submission.challenge_id, awards[0].currency,
                    [(ledger.FEE, -fee), (ledger.escrow(submission.challenge_id), fee)], now, actor=actor,
                    memo=f"Broker's fee returned: {submission.reference}'s awards cancelled")


def _lock_awards(submission: Submission) -> list[Award]:
    return list(db.session.scalars(db.select(Award).where(Award.submission_id == submission.id,
                                                          Award.cancelled_at.is_(None))
                                   .order_by(Award.id).with_for_update().execution_options(populate_existing=True)))


def _lock_payouts(awards: list[Award]) -> list[Payout]:
    return list(db.session.scalars(db.select(Payout).where(Payout.award_id.in_([a.id for a in awards]))
                                   .order_by(Payout.id).with_for_update().execution_options(populate_existing=True)))
