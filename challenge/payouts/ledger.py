"""A double-entry, append-only ledger in integer minor units.

Accounts are strings: `escrow:challenge:<id>` (money held for a challenge), `funder:<id>` (what a
funder has paid in, negative), `fee:broker`, `payee:<payout id>` and `refund:funder:<id>`. Every
balance is the sum of its entries. `post` refuses an unbalanced transaction and any debit that would
take an escrow below zero; the caller must hold the challenge's lock (`lock_challenge`) so that two
concurrent debits cannot both pass the check.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import String, cast, func, literal

from challenge.errors import DomainError
from challenge.extensions import db
from challenge.money import format_money
from challenge.payouts.models import ChallengeFinance, LedgerEntry, LedgerTransaction

FEE = "fee:broker"


def escrow(challenge_id: int) -> str:
    return f"escrow:challenge:{challenge_id}"


def funder(funder_id: int) -> str:
    return f"funder:{funder_id}"


def escrow_sql(challenge_id):
    """`escrow(challenge_id)` in SQL, for a challenge id column."""
    return literal("escrow:challenge:") + cast(challenge_id, String)


def funder_sql(funder_id):
    """`funder(funder_id)` in SQL, for a funder id column."""
    return literal("funder:") + cast(funder_id, String)


def payee(payout_id: int) -> str:
    return f"payee:{payout_id}"


def refund(funder_id: int) -> str:
    return f"refund:funder:{funder_id}"


def balances(accounts: list[str]) -> dict[tuple[str, str], int]:
    """The sum of each account's entries, per (account, currency), in one query."""
    if not accounts:
        return {}
    rows = db.session.execute(
        db.select(LedgerEntry.account, LedgerEntry.currency, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.account.in_(accounts)).group_by(LedgerEntry.account, LedgerEntry.currency))
    return {(account, currency): int(total or 0) for account, currency, total in rows}


def balance_sql(account, currency):
    """The balance of `account` in `currency` (SQL expressions, such as escrow_sql of a column) as a scalar
    subquery: 0 when it has no entries."""
    return (db.select(func.coalesce(func.sum(LedgerEntry.amount), 0))
            .where(LedgerEntry.account == account, LedgerEntry.currency == currency).scalar_subquery())


def balance(account: str, currency: str) -> int:
    """The sum of the account's entries in `currency`."""
    total = db.session.scalar(
        db.select(func.coalesce(func.sum(LedgerEntry.amount), 0))
        .where(LedgerEntry.account == account, LedgerEntry.currency == currency)
    )
    return int(total or 0)


def lock_challenge(challenge_id: int) -> ChallengeFinance:
    """Lock the challenge's finance row (SELECT … FOR UPDATE on PostgreSQL) for the rest of the transaction."""
    finance = db.session.scalar(
        db.select(ChallengeFinance).where(ChallengeFinance.challenge_id == challenge_id)
        .with_for_update().execution_options(populate_existing=True)
    )
    if finance is None:
        raise DomainError("This challenge has no prize pool set up yet.")
    return finance


def post(kind: str, challenge_id: int, currency: str, entries: Iterable[tuple[str, int]], now: datetime,
         *, actor=None, memo: str = "", funding_id: int | None = None) -> LedgerTransaction:
    """Add one balanced transaction. Refuses non-int or zero amounts, an unbalanced set, and an overdrawn escrow.

    A funding transaction names the payment it books (`funding_id`); the database refuses a second one.
    """
    entries = list(entries)
    if len(entries) < 2:
        raise ValueError("a transaction needs at least two entries")
    for _, amount in entries:
        if type(amount) is not int or amount == 0:
            raise ValueError(f"ledger amounts are non-zero ints of minor units, not {amount!r}")
    if sum(amount for _, amount in entries) != 0:
        raise ValueError("a ledger transaction must balance (its entries must sum to zero)")
    db.session.flush()
    for account, amount in entries:
        if account.startswith("escrow:") and amount < 0:
            held = balance(account, currency)
            if held + amount < 0:
                raise DomainError(f"The escrow holds only {format_money(held, currency)}; "
                                  f"{format_money(-amount, currency)} cannot be taken from it.")
    txn = LedgerTransaction(kind=kind, challenge_id=challenge_id, memo=memo[:300], funding_id=funding_id,
                            actor_id=getattr(actor, "id", None), created_at=now)
    db.session.add(txn)
    db.session.flush()
    for account, amount in entries:
        db.session.add(LedgerEntry(transaction_id=txn.id, account=account, amount=amount, currency=currency))
    db.session.flush()
    return txn


def unbalanced_transactions() -> list[int]:
    """Ids of transactions whose entries do not sum to zero per currency (there should be none)."""
    rows = db.session.execute(
        db.select(LedgerEntry.transaction_id)
        .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
        .having(func.sum(LedgerEntry.amount) != 0)
    ).scalars().all()
    return sorted(set(rows))


def negative_escrows() -> list[str]:
    """Escrow accounts whose balance is below zero (there should be none)."""
    rows = db.session.execute(
        db.select(LedgerEntry.account)
        .where(LedgerEntry.account.like("escrow:%"))
        .group_by(LedgerEntry.account, LedgerEntry.currency)
        .having(func.sum(LedgerEntry.amount) < 0)
    ).scalars().all()
    return sorted(set(rows))


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` minor units in proportion to `weights` so the parts add up exactly.

    The largest-remainder method: everyone gets the floor of their exact share, then the pennies left
    over go one each to the largest fractional remainders (ties to the earlier weight).
    """
    if total < 0 or not weights or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("allocate needs a non-negative total and non-negative weights with a positive sum")
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts
