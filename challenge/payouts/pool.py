"""A challenge's prize pool: its money settings, who funds it and what each is asked for, what has come in.

The broker's fee is charged ON TOP of the prizes: a £10,000 prize with a 5 % fee needs £10,500 from
the funders, so winners receive exactly what was advertised. The fee is taken from the escrow when
prizes are awarded, on what is awarded; anything not awarded (prize money and its unused fee) is
refunded to the funders.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask import current_app
from sqlalchemy import bindparam, func, inspect
from sqlalchemy.orm.attributes import set_committed_value

from challenge.accounts.models import Organisation
from challenge.challenges.models import Challenge
from challenge.errors import DomainError, FieldError, NotAllowed
from challenge.extensions import db
from challenge.money import format_money
from challenge.payouts import ledger
from challenge.payouts.models import Award, ChallengeFinance, Funder, LedgerEntry
from challenge.payouts.rules import allowed
from challenge.payouts.states import FunderState
from challenge.permissions import memo, remember
from challenge.platform import audit


def fee_on(amount: int, fee_bp: int) -> int:
    """The broker's fee on `amount`, rounded down so that fees on parts never exceed the fee on the whole."""
    return amount * fee_bp // 10000


def finance_for(challenge: Challenge, now: datetime) -> ChallengeFinance:
    """The challenge's finance settings, created with the defaults from config on first use."""
    finance = db.session.get(ChallengeFinance, challenge.id)
    if finance is None:
        finance = ChallengeFinance(
            challenge_id=challenge.id, currency=challenge.currency,
            fee_bp=int(current_app.config["BROKER_FEE_PERCENT"]) * 100, updated_at=now,
        )
        db.session.add(finance)
        db.session.flush()
    return finance


FUNDER_ORDER = (Funder.share_bp.desc(), Funder.id)  # largest share first


def funders_of(challenge: Challenge, *, include_unaccepted: bool = False) -> list[Funder]:
    """The challenge's funders, largest share first: only those who accepted, unless asked for all.

    A co-funder that has not accepted (or declined) is not shown publicly, not invoiced and not counted.
    """
    stmt = db.select(Funder).where(Funder.challenge_id == challenge.id)
    if not include_unaccepted:
        stmt = stmt.where(Funder.state == FunderState.ACCEPTED)
    return list(db.session.scalars(stmt.order_by(*FUNDER_ORDER)))


@dataclass(frozen=True)
class PoolStatus:
    """What the funding panel and the finance page show about one challenge's pool."""

    currency: str
    prizes: int
    stage_grants: int
    fee_bp: int
    fee: int
    required: int
    funded: int
    held: int
    waived: bool

    @property
    def fully_funded(self) -> bool:
        return self.required > 0 and self.funded >= self.required

    @property
    def outstanding(self) -> int:
        return max(self.required - self.funded, 0)

    @property
    def percent(self) -> int:
        return 100 if self.required == 0 else min(100, self.funded * 100 // self.required)


def pool_status(challenge: Challenge) -> PoolStatus:
    return pool_statuses([challenge])[challenge.id]


def pool_statuses(challenges: list[Challenge]) -> dict[int, PoolStatus]:
    """pool_status of each challenge (by id) in one statement however many there are, for lists: each
    challenge's finance settings, what its escrow holds and what its accepted funders have paid in."""
    ids = [c.id for c in challenges]
    if not ids:
        return {}
    rows = db.session.execute(_pool_statuses_statement(), {"ids": ids})
    found = {cid: (finance, int(held), -int(paid)) for cid, finance, held, paid in rows}
    return {c.id: _status(c, found[c.id][0], found[c.id][2], found[c.id][1]) for c in challenges}


def pool_and_funders(challenge: Challenge) -> tuple[PoolStatus, list[Funder]]:
    """`pool_status(challenge)` and `funders_of(challenge)`, for the challenge page's funding panel: as the page's
    statement read them (`keep_pool_and_funders`), or read here when it has not."""
    return memo("pool_and_funders", challenge.id, lambda: (pool_status(challenge), funders_of(challenge)))


def keep_pool_and_funders(challenge: Challenge, finance: ChallengeFinance | None, held, paid,
                          funders: list[tuple[Funder, Organisation]]) -> None:
    """Keep for the request what a wider statement (the challenge page's) read: the challenge's finance settings
    (or None), `pool_sums_sql`'s two sums and its accepted funders in FUNDER_ORDER, each with its organisation
    (kept on it as its relationship would load it: the panel names them), as `pool_and_funders` answers."""
    for funder, organisation in funders:
        if "organisation" in inspect(funder).unloaded:
            set_committed_value(funder, "organisation", organisation)
    remember("pool_and_funders", challenge.id,
             (_status(challenge, finance, -int(paid), int(held)), [funder for funder, _ in funders]))


@lru_cache(maxsize=1)
def _pool_statuses_statement():
    """pool_statuses' statement, built once (the review queue and the finance page ask it on every visit)."""
    return _pool_select().where(Challenge.id.in_(bindparam("ids", expanding=True)))


def pool_sums_sql() -> tuple:
    """What the escrow of each `Challenge` row holds and what its accepted funders have paid in (negative, as
    the ledger books it): two SQL expressions correlated to the challenge."""
    paid_in = (db.select(func.coalesce(func.sum(LedgerEntry.amount), 0)).select_from(Funder)
               .join(LedgerEntry, (LedgerEntry.account == ledger.funder_sql(Funder.id))
                     & (LedgerEntry.currency == Funder.currency))
               .where(Funder.challenge_id == Challenge.id, Funder.state == FunderState.ACCEPTED)
               .correlate(Challenge).scalar_subquery())
    return ledger.balance_sql(ledger.escrow_sql(Challenge.id), Challenge.currency), paid_in


def _pool_select():
    """Each challenge's id, finance settings (or None) and `pool_sums_sql`."""
    return (db.select(Challenge.id, ChallengeFinance, *pool_sums_sql())
            .outerjoin(ChallengeFinance, ChallengeFinance.challenge_id == Challenge.id))


def _status(challenge: Challenge, finance: ChallengeFinance | None, funded: int, held: int) -> PoolStatus:
    fee_bp = finance.fee_bp if finance else int(current_app.config["BROKER_FEE_PERCENT"]) * 100
    grants = finance.stage_grants_budget if finance else 0
    target = challenge.prize_pool + grants
    return PoolStatus(
        currency=challenge.currency, prizes=challenge.prize_pool, stage_grants=grants, fee_bp=fee_bp,
        fee=fee_on(target, fee_bp), required=target + fee_on(target, fee_bp), funded=funded, held=held,
        waived=bool(finance and finance.funding_waived),
    )


def asked_of(challenge: Challenge) -> dict[int, int]:
    """What each named funder (by id, accepted or not) is asked for: its share of what the pool needs."""
    funders = funders_of(challenge, include_unaccepted=True)
    if not funders:
        return {}
    amounts = ledger.allocate(pool_status(challenge).required, [f.share_bp for f in funders])
    return {f.id: amount for f, amount in zip(funders, amounts)}


def pledges(challenge: Challenge) -> dict[int, int]:
    """Each accepted funder's pledge (by funder id): its share of what the pool needs, pennies exact.

    A co-funder that has not accepted pledges nothing yet, so nothing can be invoiced to it.
    """
    accepted = {f.id for f in funders_of(challenge)}
    return {fid: amount for fid, amount in asked_of(challenge).items() if fid in accepted}


def funded_by(funder: Funder) -> int:
    """What this funder has paid in, from the ledger."""
    return -ledger.balance(ledger.funder(funder.id), funder.currency)


def is_fully_funded(challenge: Challenge) -> bool:
    return pool_status(challenge).fully_funded


def assert_publishable(challenge: Challenge) -> None:
    """Refuse to open a challenge whose pool is neither fully funded nor waived by a broker."""
    status = pool_status(challenge)
    if status.fully_funded or status.waived:
        return
    raise DomainError(
        f"The prize pool is not fully funded yet: {format_money(status.funded, status.currency)} of "
        f"{format_money(status.required, status.currency)} has been received. A broker can waive this with a reason."
    )


def waive_funding(challenge: Challenge, reason: str, actor, now: datetime) -> ChallengeFinance:
    """A broker lets the challenge open before its pool is fully funded. Refuses without a reason."""
    if not allowed(actor, "funding.waive", challenge, now):
        raise NotAllowed("Only a broker can waive full funding.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise FieldError("Give the reason for waiving full funding (at least 5 characters).", "reason")
    finance = finance_for(challenge, now)
    finance.funding_waived, finance.waiver_reason = True, reason[:1000]
    finance.waived_by_id, finance.waived_at, finance.updated_at = actor.id, now, now
    audit.record(actor, "funding.waive", challenge, now, reason=reason[:1000])
    db.session.flush()
    return finance


def set_fee(challenge: Challenge, fee_bp: int, actor, now: datetime) -> ChallengeFinance:
    """A broker sets the challenge's fee (basis points, 0–50 %). Refuses once a fee has been taken."""
    if not allowed(actor, "funding.set_fee", challenge, now):
        raise NotAllowed("Only a broker can set the broker's fee.")
    if type(fee_bp) is not int or not 0 <= fee_bp <= 5000:
        raise FieldError("The fee must be between 0 % and 50 %.", "percent")
    if db.session.scalar(db.select(Award.id).where(Award.challenge_id == challenge.id).limit(1)):
        raise FieldError("Prizes have been awarded, so the fee can no longer change.", "percent")
    finance = finance_for(challenge, now)
    before = finance.fee_bp
    finance.fee_bp, finance.updated_at = fee_bp, now
    audit.record(actor, "funding.set_fee", challenge, now, data={"from": before, "to": fee_bp})
    db.session.flush()
    return finance

