"""The payouts pages, one module per page group; importing them adds their views to `bp`."""
from challenge.payouts.blueprint import bp
# The broker's money desk: the payouts queue, a challenge's awards, stage grants and refund, payout actions.
from challenge.payouts.views import broker  # noqa: F401
# The finance page, its CSV, and the Stripe webhook.
from challenge.payouts.views import finance  # noqa: F401
# Funding a pool: funders and shares, a co-funder's consent, invoices, card payments, transfers, waiver, fee.
from challenge.payouts.views import funding  # noqa: F401
# Releasing a payout after a confirmation, and recording a manual payout's bank transfer.
from challenge.payouts.views import transfers  # noqa: F401
# A creator's payouts: awards, bank details, Stripe onboarding, team splits.
from challenge.payouts.views import payees  # noqa: F401
# 360Giving downloads of the grants paid: the broker's, a funder's, the public file.
from challenge.payouts.views import giving  # noqa: F401

__all__ = ["bp"]
