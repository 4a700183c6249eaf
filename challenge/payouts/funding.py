"""Funding a prize pool, in one place for the rest of the app: the pool (pool.py), who funds it (funders.py)
and their payments (payments.py).

The broker's fee is charged ON TOP of the prizes (see pool.py); what each funder is asked for is its share
of the prizes, the stage-grant budget and that fee.
"""
from challenge.money import format_money
from challenge.payouts.funders import MAX_FUNDERS, accept_funding, decline_funding, set_funders
from challenge.payouts.payments import (begin_checkout, issue_invoice, open_checkout, outstanding_for,
                                        record_bank_transfer, record_payment)
from challenge.payouts.pool import (PoolStatus, asked_of, assert_publishable, fee_on, finance_for, funded_by,
                                    funders_of, is_fully_funded, pledges, pool_and_funders, pool_status,
                                    pool_statuses, set_fee, waive_funding)



def funding_summary(challenge) -> str:
    """A pool's funding in a few words, for the broker's review queue: "Funded", "Waived",
    "£10,000 of £50,000 received"."""
    return _summary(pool_status(challenge))


def funding_summaries(challenges) -> dict[int, str]:
    """funding_summary of each challenge (by id), in a constant number of queries."""
    return {cid: _summary(status) for cid, status in pool_statuses(list(challenges)).items()}


def _summary(status: PoolStatus) -> str:
    if status.required == 0:
        return "No prize pool"
    if status.fully_funded:
        return "Funded"
    received = f"{format_money(status.funded, status.currency)} of {format_money(status.required, status.currency)} received"
    return f"Waived: {received}" if status.waived else received


__all__ = [
    "MAX_FUNDERS", "PoolStatus", "accept_funding", "asked_of", "assert_publishable", "begin_checkout",
    "decline_funding", "fee_on", "finance_for", "funded_by", "funding_summary", "funders_of", "funding_summaries", "is_fully_funded", "issue_invoice",
    "open_checkout", "outstanding_for", "pledges", "pool_and_funders", "pool_status", "pool_statuses", "record_bank_transfer", "record_payment",
    "set_fee", "set_funders", "waive_funding",
]
