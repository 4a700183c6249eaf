"""Team splits: the lead proposes how a team award is shared, every member agrees, then the payouts are made."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from challenge.errors import DomainError, NotAllowed
from challenge.extensions import db
from challenge.payouts import ledger
from challenge.payouts.awards import new_payout
from challenge.payouts.models import Award, PayoutSplit
from challenge.payouts.rules import allowed
from challenge.payouts.states import SPLIT_MOVES, SplitState
from challenge.platform import audit, tx


def propose_split(award: Award, shares: Sequence[tuple[int, int]], actor, now: datetime) -> Award:
    """The team's lead proposes how a team award is shared: (user id, basis points) for every member.

    Refuses anyone but the lead, a solo award, an award already split, members missing or added,
    negative shares, and shares that do not sum to 100 %. The lead's own agreement is recorded.
    """
    submission = award.submission
    if not allowed(actor, "award.lead", award, now):
        raise NotAllowed("Only the team's lead can propose how the award is shared.")
    if not submission.team:
        raise DomainError("This award goes to one person; there is nothing to share.")
    _lock_award(award)
    _refuse_cancelled(award)
    if not SPLIT_MOVES.allowed("propose", award.split_state) or award.payouts:
        raise DomainError(SPLIT_MOVES.refusal("propose", award.split_state))
    members = submission.member_ids()
    given = [uid for uid, _ in shares]
    if len(set(given)) != len(given) or set(given) != members:
        raise DomainError("Give a share for every member of the team, once each.")
    if any(type(bp) is not int or bp < 0 for _, bp in shares):
        raise DomainError("Shares cannot be negative.")
    total = sum(bp for _, bp in shares)
    if total != 10000:
        raise DomainError(f"The shares add up to {total / 100:g} %; they must add up to exactly 100 %.")
    award.splits.clear()
    db.session.flush()
    for uid, bp in shares:
        award.splits.append(PayoutSplit(user_id=uid, share_bp=bp, agreed_at=now if uid == actor.id else None))
    _, proposed = SPLIT_MOVES.apply(award, "propose")
    audit.record(actor, "award.propose_split", award, now, to_state=proposed,
                 data={str(uid): bp for uid, bp in shares})
    db.session.flush()
    _settle_split_if_agreed(award, now)
    return award


def agree_split(award: Award, actor, now: datetime) -> Award:
    """A team member agrees the proposed split; when everyone has, the payouts are created.

    Decided under the award's lock, so the last two members agreeing at once still complete the split.
    Refuses someone who is not in the split, and a split that is not waiting for agreement.
    """
    _lock_award(award)
    _refuse_cancelled(award)
    split = next((s for s in award.splits if s.user_id == actor.id), None)
    if split is None:
        raise NotAllowed("You are not part of this award's split.")
    if award.split_state != SplitState.PROPOSED:
        raise DomainError("There is no proposed split waiting for your agreement.")
    if split.agreed_at is None:
        split.agreed_at = now
        audit.record(actor, "award.agree_split", award, now)
    db.session.flush()
    _settle_split_if_agreed(award, now)
    return award


def _lock_award(award: Award) -> Award:
    """Lock the award's row for the rest of the transaction, then re-read it with its splits and payouts,
    so a decision made on it sees every change committed before the lock was granted."""
    tx.lock(Award, award.id)
    db.session.scalars(db.select(PayoutSplit).where(PayoutSplit.award_id == award.id)
                       .execution_options(populate_existing=True)).all()
    db.session.expire(award, ["splits", "payouts"])
    return award


def _refuse_cancelled(award: Award) -> None:
    if award.cancelled_at is not None:
        raise DomainError("This award was cancelled when the entry was disqualified: nothing will be paid.")


def _settle_split_if_agreed(award: Award, now: datetime) -> None:
    """Create the team's payouts once every member has agreed; does nothing for a split already settled."""
    if award.split_state == SplitState.AGREED or any(s.agreed_at is None for s in award.splits):
        return
    splits = [s for s in award.splits if s.share_bp > 0]
    for split, amount in zip(splits, ledger.allocate(award.amount, [s.share_bp for s in splits])):
        if amount > 0:
            new_payout(award, split.user, amount, now)
    before, after = SPLIT_MOVES.apply(award, "agree")
    audit.record(None, "award.split_agreed", award, now, from_state=before, to_state=after)
    db.session.flush()
