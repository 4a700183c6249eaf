"""The payouts verbs other packages call, in one place.

- challenges (publish): `assert_publishable(challenge)` refuses to open an unfunded pool unless waived.
- judging (decision): `create_awards(challenge, placements, actor, now)` with `placements(challenge)`'s
  [(Submission, Prize)], and `create_stage_grants(challenge, submissions, amount_each, currency,
  round_position, actor, now)` when the chair advances entries.

The rest live beside their data: funding.py, awards.py, payees.py, release.py (owns its transactions),
refunds.py, webhooks.py, reconcile.py.
"""
from challenge.payouts.awards import agree_split, create_awards, create_stage_grants, propose_split
from challenge.payouts.funding import (assert_publishable, is_fully_funded, issue_invoice, record_bank_transfer,
                                       set_funders, waive_funding)
from challenge.payouts.refunds import plan_refunds, process_refunds
from challenge.payouts.release import release_payout, retry_payout, reverse_payout

__all__ = [
    "agree_split", "assert_publishable", "create_awards", "create_stage_grants", "is_fully_funded", "issue_invoice",
    "plan_refunds", "process_refunds", "propose_split", "record_bank_transfer", "release_payout", "retry_payout",
    "reverse_payout", "set_funders", "waive_funding",
]
