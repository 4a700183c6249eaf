"""The money in each challenge, as brokers and seekers see it on the finance page and in the CSV."""
from __future__ import annotations

import io
from dataclasses import dataclass

from challenge.accounts.models import Membership
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.payouts import ledger
from challenge.payouts.pool import pool_status
from challenge.payouts.models import Award, ChallengeFinance, Funder, LedgerEntry, LedgerTransaction, Payout, Refund
from challenge.payouts.states import WITH_PAYEE, FunderState, RefundState
from challenge.platform import csvsafe


@dataclass(frozen=True)
class FinanceRow:
    challenge: Challenge
    currency: str
    pledged: int
    funded: int
    held: int
    fee: int
    awarded: int
    paid: int
    refunded: int

    @property
    def outstanding(self) -> int:
        """Awarded and not yet paid out to winners."""
        return max(self.awarded - self.paid, 0)

    @property
    def unfunded(self) -> int:
        return max(self.pledged - self.funded, 0)


def _sum(stmt) -> int:
    return int(db.session.scalar(stmt) or 0)


def row_for(challenge: Challenge) -> FinanceRow:
    status = pool_status(challenge)
    fee = _sum(db.select(db.func.sum(LedgerEntry.amount)).join(LedgerTransaction).where(
        LedgerTransaction.challenge_id == challenge.id, LedgerEntry.account == ledger.FEE))
    awarded = _sum(db.select(db.func.sum(Award.amount)).where(Award.challenge_id == challenge.id,
                                                              Award.cancelled_at.is_(None)))
    paid = _sum(db.select(db.func.sum(Payout.amount)).join(Award).where(
        Award.challenge_id == challenge.id, Payout.state.in_(WITH_PAYEE)))  # with the payee until reversed
    refunded = _sum(db.select(db.func.sum(Refund.amount)).where(
        Refund.challenge_id == challenge.id, Refund.state == RefundState.SUCCEEDED))
    return FinanceRow(challenge, challenge.currency, status.required, status.funded, status.held, fee, awarded,
                      paid, refunded)


def visible_challenges(user) -> list[Challenge]:
    """Brokers see every challenge with a prize pool; others the challenges their organisations lead or have
    agreed to fund (an organisation asked to co-fund sees nothing of the pool until it accepts)."""
    with_pools = (db.select(ChallengeFinance.challenge_id)
                  .union(db.select(Funder.challenge_id)))
    query = db.select(Challenge).where(Challenge.id.in_(with_pools)).order_by(Challenge.created_at.desc())
    if not user.is_broker:
        orgs = db.select(Membership.organisation_id).where(Membership.user_id == user.id)
        funded = db.select(Funder.challenge_id).where(Funder.organisation_id.in_(orgs), Funder.state == FunderState.ACCEPTED)
        query = query.where(Challenge.organisation_id.in_(orgs) | Challenge.id.in_(funded))
    return list(db.session.scalars(query))


def rows_for(user) -> list[FinanceRow]:
    return [row_for(c) for c in visible_challenges(user)]


CSV_COLUMNS = ["challenge", "currency", "pledged", "funded", "held", "fee", "awarded", "paid", "refunded",
               "outstanding"]


def to_csv(rows: list[FinanceRow]) -> str:
    """Amounts in major units with two decimals (e.g. 1500.00), which spreadsheets read as numbers."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        amounts = [r.pledged, r.funded, r.held, r.fee, r.awarded, r.paid, r.refunded, r.outstanding]
        writer.writerow([r.challenge.title, r.currency, *(f"{a // 100}.{a % 100:02d}" for a in amounts)])
    return out.getvalue()
