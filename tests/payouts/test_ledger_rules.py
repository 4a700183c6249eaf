"""The ledger: balanced, append-only, integer minor units, escrow never below zero; pennies split exactly."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from challenge import clock
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.payouts import ledger
from challenge.payouts.models import LedgerEntry, LedgerTransaction


def test_allocate_splits_awkward_amounts_exactly():
    # £1,000.01 over three equal funders: the odd penny goes to one of them, nothing is lost.
    assert ledger.allocate(100_001, [3334, 3333, 3333]) == [33_341, 33_330, 33_330]  # 33,341.33 + 2 × 33,330.33
    assert ledger.allocate(100_001, [1, 1, 1]) == [33_334, 33_334, 33_333]
    assert ledger.allocate(1_050_000, [6000, 4000]) == [630_000, 420_000]
    assert ledger.allocate(1, [5000, 5000]) == [1, 0]


@given(st.integers(0, 10**12), st.lists(st.integers(0, 10000), min_size=1, max_size=10).filter(lambda w: sum(w) > 0))
def test_allocate_always_adds_up_and_stays_within_a_penny(total, weights):
    parts = ledger.allocate(total, weights)
    assert sum(parts) == total
    for part, weight in zip(parts, weights):
        exact = total * weight / sum(weights)
        assert abs(part - exact) < 1.0 + 1e-6


@pytest.mark.parametrize("weights", [[], [0, 0], [-1, 2]])
def test_allocate_refuses_nonsense_weights(weights):
    with pytest.raises(ValueError):
        ledger.allocate(100, weights)


@pytest.fixture
def challenge_with_escrow(world):
    w = world(fund=False)
    return w


def test_post_refuses_unbalanced_zero_and_float_amounts(challenge_with_escrow):
    c = challenge_with_escrow.challenge
    now = clock.now()
    with pytest.raises(ValueError, match="balance"):
        ledger.post("funding", c.id, "GBP", [(ledger.escrow(c.id), 100), ("funder:1", -99)], now)
    with pytest.raises(ValueError, match="non-zero"):
        ledger.post("funding", c.id, "GBP", [(ledger.escrow(c.id), 0), ("funder:1", 0)], now)
    with pytest.raises(ValueError, match="non-zero ints"):
        ledger.post("funding", c.id, "GBP", [(ledger.escrow(c.id), 1.5), ("funder:1", -1.5)], now)
    with pytest.raises(ValueError):
        ledger.post("funding", c.id, "GBP", [(ledger.escrow(c.id), 100)], now)


def test_escrow_never_goes_below_zero(challenge_with_escrow):
    c = challenge_with_escrow.challenge
    now = clock.now()
    ledger.lock_challenge(c.id)
    ledger.post("funding", c.id, "GBP", [(ledger.escrow(c.id), 500), ("funder:1", -500)], now)
    with pytest.raises(DomainError, match="escrow holds only £5"):
        ledger.post("fee", c.id, "GBP", [(ledger.escrow(c.id), -501), (ledger.FEE, 501)], now)
    ledger.post("fee", c.id, "GBP", [(ledger.escrow(c.id), -500), (ledger.FEE, 500)], now)
    assert ledger.balance(ledger.escrow(c.id), "GBP") == 0
    assert ledger.negative_escrows() == []
    assert ledger.unbalanced_transactions() == []


def test_ledger_rows_cannot_be_changed_or_deleted(challenge_with_escrow):
    c = challenge_with_escrow.challenge
    txn = ledger.post("funding", c.id, "GBP", [(ledger.escrow(c.id), 500), ("funder:1", -500)], clock.now())
    db.session.commit()
    entry = db.session.scalars(db.select(LedgerEntry).where(LedgerEntry.transaction_id == txn.id)).first()
    entry.amount = 1
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(LedgerTransaction, txn.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_database_refuses_a_zero_entry(challenge_with_escrow):
    from sqlalchemy.exc import IntegrityError

    c = challenge_with_escrow.challenge
    txn = LedgerTransaction(kind="funding", challenge_id=c.id, created_at=clock.now())
    db.session.add(txn)
    db.session.flush()
    db.session.add(LedgerEntry(transaction_id=txn.id, account="x", amount=0, currency="GBP"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
