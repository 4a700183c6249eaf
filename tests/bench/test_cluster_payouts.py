"""The payouts half of `python -m bench.cluster kill-worker-payouts`: its world is built by the real services and
paid by the real job against the fake Stripe, and its check catches each way a release can go wrong."""
from __future__ import annotations

import pytest

from bench.cluster_payouts import PRIZE, PayoutRow, check, observe, prepare
from challenge import clock, jobs


def rows(n: int = 3) -> list[PayoutRow]:
    return [PayoutRow(k, "paid", PRIZE, f"tr_{k}", f"acct_{k}") for k in range(1, n + 1)]


def transfer(k: int, payout_id: int | None = None, **changes) -> dict:
    made = {"id": f"tr_{k}", "amount": PRIZE, "destination": f"acct_{k}",
            "metadata": {"payout_id": str(payout_id or k)}}
    return {**made, **changes}


def test_one_transfer_per_paid_payout_and_no_mismatch_is_clean():
    assert check(rows(), [transfer(1), transfer(2), transfer(3)], []) == []


@pytest.mark.parametrize("transfers, mismatches, words", [
    ([transfer(1), transfer(2), transfer(3), transfer(9, payout_id=2)], [], "1 payouts paid by more than one transfer: [2]"),
    ([transfer(1), transfer(2)], [], "1 payouts without a transfer: [3]"),
    ([transfer(1), transfer(2), transfer(3), transfer(4)], [], "1 transfers for no known payout: ['tr_4']"),
    ([transfer(1), transfer(2), transfer(3, amount=PRIZE * 2)], [], "whose transfer is not the one recorded"),
    ([transfer(1), transfer(2), transfer(3, destination="acct_x")], [], "whose transfer is not the one recorded"),
    ([transfer(1), transfer(2), transfer(3)], ["ledger\ttransaction 7\tentries do not sum to zero"],
     "reconciliation: ledger\ttransaction 7"),
])
def test_each_way_of_going_wrong_is_named(transfers, mismatches, words):
    problems = check(rows(), transfers, mismatches)
    assert len(problems) == 1 and words in problems[0]


def test_a_payout_left_processing_is_not_paid_even_with_its_transfer():
    payouts = rows()
    payouts[1] = PayoutRow(2, "processing", PRIZE, "", "acct_2")
    problems = check(payouts, [transfer(1), transfer(2), transfer(3)], [])
    assert "1 payouts not paid: ['2 (processing)']" in problems
    assert any("not the one recorded" in p and "[2]" in p for p in problems)  # the transfer was never recorded


def test_the_prepared_payouts_are_ready_and_the_retry_job_pays_each_once(app, stripe_config):
    fake = stripe_config
    payout_ids = prepare(fake, 4, clock.now())
    payouts, _ = observe(clock.now())
    assert [p.id for p in payouts] == payout_ids and {p.state for p in payouts} == {"ready"}
    assert len({p.destination for p in payouts}) == 4 and all(d in fake.accounts for d in {p.destination for p in payouts})
    jobs.run("payouts.retry")
    jobs.run("payouts.retry")  # as beat runs it again: nothing left to do
    payouts, mismatches = observe(clock.now())
    assert check(payouts, list(fake.transfers.values()), mismatches) == []
    assert len(fake.transfers) == 4 and len(fake.calls("POST", "/v1/transfers")) == 4
