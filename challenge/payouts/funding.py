"""Funding a prize pool, in one place for the rest of the app: the pool (pool.py), who funds it (funders.py)
and their payments (payments.py).

The broker's fee is charged ON TOP of the prizes (see pool.py); what each funder is asked for is its share
of the prizes, the stage-grant budget and that fee.
"""
from challenge.payouts.funders import MAX_FUNDERS, accept_funding, decline_funding, set_funders
from challenge.payouts.payments import (begin_checkout, issue_invoice, open_checkout, outstanding_for,
                                        record_bank_transfer, record_payment)
from challenge.payouts.pool import (PoolStatus, asked_of, assert_publishable, fee_on, finance_for, funded_by,
                                    funders_of, is_fully_funded, pledges, pool_status, set_fee, waive_funding)

__all__ = [
    "MAX_FUNDERS", "PoolStatus", "accept_funding", "asked_of", "assert_publishable", "begin_checkout",
    "decline_funding", "fee_on", "finance_for", "funded_by", "funders_of", "is_fully_funded", "issue_invoice",
    "open_checkout", "outstanding_for", "pledges", "pool_status", "record_bank_transfer", "record_payment",
    "set_fee", "set_funders", "waive_funding",
]
