"""The money in each challenge, as brokers and seekers see it on the finance page and in the CSV."""
from __future__ import annotations

import io
from dataclasses import dataclass

from sqlalchemy import bindparam

from challenge.accounts.models import Membership
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.payouts import ledger
from challenge.payouts.pool import pool_statuses
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


def row_for(challenge: Challenge) -> FinanceRow:
    return rows_of([challenge])[0]


def rows_of(challenges: list[Challenge]) -> list[FinanceRow]:
    """Each challenge's money, in order, in a fixed number of queries however many challenges (the finance
    page lists every one)."""
    ids = [c.id for c in challenges]
    if not ids:
        return []
    statuses = pool_statuses(challenges)
    fee = _sums(db.select(LedgerTransaction.challenge_id, db.func.sum(LedgerEntry.amount)).select_from(LedgerEntry)
                .join(LedgerTransaction)
                .where(LedgerTransaction.challenge_id.in_(ids), LedgerEntry.account == ledger.FEE)
                .group_by(LedgerTransaction.challenge_id))
    awarded = _sums(db.select(Award.challenge_id, db.func.sum(Award.amount))
                    .where(Award.challenge_id.in_(ids), Award.cancelled_at.is_(None)).group_by(Award.challenge_id))
    paid = _sums(db.select(Award.challenge_id, db.func.sum(Payout.amount)).select_from(Payout).join(Award).where(
        Award.challenge_id.in_(ids), Payout.state.in_(WITH_PAYEE)).group_by(Award.challenge_id))  # until reversed
    refunded = _sums(db.select(Refund.challenge_id, db.func.sum(Refund.amount)).where(
        Refund.challenge_id.in_(ids), Refund.state == RefundState.SUCCEEDED).group_by(Refund.challenge_id))
    return [FinanceRow(c, c.currency, statuses[c.id].required, statuses[c.id].funded, statuses[c.id].held,
                       fee.get(c.id, 0), awarded.get(c.id, 0), paid.get(c.id, 0), refunded.get(c.id, 0))
            for c in challenges]


def _sums(stmt) -> dict[int, int]:
    return {cid: int(total or 0) for cid, total in db.session.execute(stmt)}


def visible_challenges(user) -> list[Challenge]:
    """Brokers see every challenge with a prize pool; others the challenges their organisations lead or have
    agreed to fund (an organisation asked to co-fund sees nothing of the pool until it accepts)."""
    if user.is_broker:
        return list(db.session.scalars(_WITH_POOLS))
    return list(db.session.scalars(_WITH_POOLS_OF_MINE, {"user_id": user.id}))


# visible_challenges' statements, built once (the finance page asks one on every visit).
_WITH_POOLS = (db.select(Challenge).where(Challenge.id.in_(db.select(ChallengeFinance.challenge_id)
                                                           .union(db.select(Funder.challenge_id))))
               .order_by(Challenge.created_at.desc()))
_my_organisations = db.select(Membership.organisation_id).where(Membership.user_id == bindparam("user_id"))
_WITH_POOLS_OF_MINE = _WITH_POOLS.where(
    Challenge.organisation_id.in_(_my_organisations)
    | Challenge.id.in_(db.select(Funder.challenge_id).where(Funder.organisation_id.in_(_my_organisations),
                                                            Funder.state == FunderState.ACCEPTED)))


def rows_for(user) -> list[FinanceRow]:
    return rows_of(visible_challenges(user))


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
