"""Demo money: funders and their shares, bank transfers recorded by the broker, payouts and a refund.

`fund` runs while the challenge is in review, before publishing (a pool must be funded or waived to
publish): two pools are co-funded by a council (60 %) and an NHS trust (40 %), the upcoming one is half
paid under a broker's waiver, the cancelled one was published under a waiver and never paid, the rest
are paid in full by their lead organisation. `settle` runs after the decisions created the awards: one
winner of the completed challenge has been paid and the remainder refunded to its funders; on the decided
challenge one winner has bank details (payout ready) and the others have not (awaiting payee).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from challenge.accounts.models import Organisation, User
from challenge.challenges.models import Challenge
from challenge.challenges.services import move
from challenge.challenges.states import Phase
from challenge.dates import local
from challenge.extensions import db
from challenge.payouts import funding, payees, refunds, release
from challenge.payouts.gateways import ManualGateway
from challenge.payouts.models import Award, Payout

# demo phase -> the co-funder organisation (40 %; the lead organisation takes 60 %)
CO_FUNDED = {Phase.DECIDED: "pennine", Phase.COMPLETED: "riverside"}
UNFUNDED = (Phase.DRAFT, Phase.IN_REVIEW)
CANCELLED_WAIVER = "The foundation's board releases the grant next month; we publish now to gather interest."


def fund(challenge: Challenge, phase: str, orgs: dict, broker: User, seeker: User, then: datetime) -> None:
    """Set the funders at `then` and record their bank transfers (all but the upcoming challenge paid in
    full); the cancelled challenge is only waived. Nothing for a challenge that is never published."""
    if phase in UNFUNDED:
        return
    if phase == Phase.CANCELLED:
        funding.waive_funding(challenge, CANCELLED_WAIVER, broker, then)
        return
    lead: Organisation = db.session.get(Organisation, challenge.organisation_id)
    co = CO_FUNDED.get(phase)
    shares = [(lead, 6000), (orgs[co][0], 4000)] if co else [(lead, 10000)]
    funders = funding.set_funders(challenge, shares, seeker, then)
    if co:  # the co-funder's first member accepts its share the next day
        funding.accept_funding(funders[1].id, orgs[co][1][0], then + timedelta(days=1))
    for n, funder in enumerate(funders):
        invoice = funding.issue_invoice(funder, seeker, then)
        if phase == Phase.UPCOMING and n == 0:
            # half paid so far: the finance page shows the outstanding balance
            funding.record_bank_transfer(invoice, invoice.amount // 2, invoice.currency,
                                         f"BACS {invoice.reference}", broker, then + timedelta(days=3))
        elif phase != Phase.UPCOMING:
            funding.record_bank_transfer(invoice, invoice.amount, invoice.currency, f"BACS {invoice.reference}",
                                         broker, then + timedelta(days=3 + n))
    if phase == Phase.UPCOMING:
        funding.waive_funding(challenge, "The council's second instalment is approved and due next month.",
                              broker, then + timedelta(days=4))


def settle(decided: Challenge, completed: Challenge, broker: User, now: datetime) -> None:
    """Pay one winner of the completed challenge and refund its remainder; make one decided payout ready."""
    done = _payouts(completed)
    first = done[0]
    payees.save_bank_details(first.user, first.user.name, "30-99-50", "12345678", ManualGateway(),
                             completed.closes_at + timedelta(days=20))
    release.release_payout(first.id, broker, completed.closes_at + timedelta(days=21))  # instructed: a bank transfer
    paid = completed.closes_at + timedelta(days=22)  # made the next day, and recorded with the bank's reference
    release.record_bank_payment(first.id, "FP-DEMO-0001", local(paid).date(), broker, paid)
    move(completed, "complete", broker, completed.closes_at + timedelta(days=60), reason="Pilot under way.")
    planned = refunds.plan_refunds(completed, broker, completed.closes_at + timedelta(days=61))
    db.session.flush()
    for refund in refunds.process_refunds([r.id for r in planned], broker, completed.closes_at + timedelta(days=61)):
        if refund.state == "pending":
            refunds.record_refund_success(refund, f"BACS-RF-{refund.id}", broker,
                                          completed.closes_at + timedelta(days=63))
    ready = _payouts(decided)[0]
    payees.save_bank_details(ready.user, ready.user.name, "20-00-00", "55779911", ManualGateway(),
                             now - timedelta(days=2))


def _payouts(challenge: Challenge) -> list[Payout]:
    return list(db.session.scalars(db.select(Payout).join(Award).where(Award.challenge_id == challenge.id)
                                   .order_by(Payout.amount.desc(), Payout.id)))
