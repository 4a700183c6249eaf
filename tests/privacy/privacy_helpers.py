"""Helpers for the privacy tests."""
from __future__ import annotations

from challenge.extensions import db
from challenge.payouts.models import Payout
from challenge.payouts.states import PayoutState


def settle(payout: Payout, state: PayoutState = PayoutState.PAID) -> None:
    """Put a payout in a settled state (how it got there is the payouts package's business)."""
    db.session.execute(db.update(Payout).where(Payout.id == payout.id).values(state=state))
    db.session.commit()
