"""A funder's payments: invoices paid by bank transfer, card payments through Stripe Checkout, and
recording a payment as received (once), which moves the money into the challenge's escrow."""
from __future__ import annotations

import secrets
from datetime import datetime

from challenge.challenges.models import Challenge
from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.money import format_money
from challenge.payouts import invoices, ledger
from challenge.payouts.models import Funder, Funding
from challenge.payouts.pool import funded_by, pledges
from challenge.payouts.providers import card_payments_available, gateway
from challenge.payouts.rules import allowed
from challenge.payouts.states import FUNDING_MOVES, FundingState
from challenge.platform import audit, tx


def _check_currency(challenge: Challenge, currency: str) -> None:
    if currency != challenge.currency:
        raise FieldError(f"This prize pool is held in {challenge.currency}; amounts in {currency} cannot be used.",
                         "amount")


def outstanding_for(funder: Funder) -> int:
    """What the funder still owes: its pledge less what it paid and what is already invoiced."""
    pledge = pledges(funder.challenge).get(funder.id, 0)
    pending = sum(f.amount for f in funder.fundings if f.state == FundingState.PENDING)
    return max(pledge - funded_by(funder) - pending, 0)


def _new_funding(funder: Funder, provider: str, amount: int, now: datetime) -> Funding:
    reference = f"CXF-{funder.challenge_id}-{funder.id}-{secrets.token_hex(3).upper()}"
    funding = Funding(provider=provider, reference=reference, amount=amount, currency=funder.currency,
                      state=FundingState.PENDING, created_at=now)
    funder.fundings.append(funding)
    db.session.flush()
    return funding


def _lock_payments(funder: Funder) -> None:
    """Take the challenge's lock, then read the funder's payments again: another request may have changed them."""
    ledger.lock_challenge(funder.challenge_id)
    db.session.scalars(db.select(Funding).where(Funding.funder_id == funder.id)
                       .execution_options(populate_existing=True)).all()
    db.session.expire(funder, ["fundings"])


def _open_or_new(funder: Funder, provider: str, now: datetime) -> tuple[Funding, bool]:
    """The funder's unfinished payment by `provider`, or a new one for what it still owes (True: new).

    Decided under the challenge's lock, so two requests at once share one payment rather than asking for
    the same share twice. Refuses when nothing is owed.
    """
    _lock_payments(funder)
    unfinished = next((f for f in funder.fundings if f.state == FundingState.PENDING and f.provider == provider),
                      None)
    if unfinished is not None:
        return unfinished, False
    amount = outstanding_for(funder)
    if amount <= 0:
        raise DomainError(f"{funder.organisation.name} has already paid or been invoiced for its whole share.")
    return _new_funding(funder, provider, amount, now), True


def issue_invoice(funder: Funder, actor, now: datetime, *, po_number: str = "") -> Funding:
    """Issue (or return the open) invoice for what the funder still owes, with the next number of the
    broker's sequence, a due date after the payment terms and the funder's purchase-order number. Asked
    again with a purchase-order number, the open invoice takes it. Refuses when nothing is owed."""
    po_number = invoices.clean_po(po_number)
    funding, new = _open_or_new(funder, "manual", now)
    if new:
        invoices.number_invoice(funding, po_number, now)
        audit.record(actor, "funding.invoice", funding, now, to_state=funding.state,
                     data={"amount": funding.amount, "reference": funding.reference,
                           "number": funding.invoice_number, "po_number": po_number})
    elif po_number and po_number != funding.po_number:
        audit.record(actor, "funding.po_number", funding, now, data={"from": funding.po_number, "to": po_number})
        funding.po_number = po_number
    db.session.flush()
    return funding


def begin_checkout(funder: Funder, actor, now: datetime) -> Funding:
    """Record a card payment the funder is about to make (the provider is called after the commit).

    Refuses when Stripe is not configured or nothing is owed; reuses an unfinished card payment.
    """
    if not card_payments_available():
        raise DomainError("Card payments are not available; ask for an invoice instead.")
    funding, new = _open_or_new(funder, "stripe", now)
    if new:
        audit.record(actor, "funding.checkout", funding, now, to_state=funding.state,
                     data={"amount": funding.amount})
    return funding


def _already(funding: Funding) -> str:
    if funding.state == FundingState.PAID:
        return (f"This payment has already been recorded: {format_money(funding.amount, funding.currency)} "
                "received. Nothing more was booked.")
    return f"This payment is {funding.state}, so it cannot be recorded as received."


def record_payment(funding: Funding, amount: int, currency: str, now: datetime, *, actor=None,
                   payment_intent_id: str | None = None, bank_reference: str = "") -> Funding:
    """Mark a pending payment paid and move the money into the challenge's escrow, once.

    Decided under the challenge's lock on the payment row read again after the lock, so a double click,
    two brokers or a second provider event book nothing the second time: they are refused with
    InvalidTransition ("already been recorded"). The database also refuses a second funding transaction
    for one payment. Refuses an amount that is not a positive int, one larger than the invoice, and
    another currency. A smaller amount is recorded as received; the rest stays owed.
    """
    challenge = funding.funder.challenge
    if type(amount) is not int or amount <= 0:
        raise FieldError("Enter an amount of more than zero.", "amount")
    _check_currency(challenge, currency)
    ledger.lock_challenge(challenge.id)
    funding = tx.lock(Funding, funding.id)
    if not FUNDING_MOVES.allowed("pay", funding.state):
        raise InvalidTransition(_already(funding))
    if amount > funding.amount:
        raise FieldError(f"{format_money(amount, currency)} is more than the "
                         f"{format_money(funding.amount, currency)} this payment was for.", "amount")
    funder = funding.funder
    funding.amount = amount
    before, after = FUNDING_MOVES.apply(funding, "pay")
    funding.paid_at = now
    funding.payment_intent_id = payment_intent_id or funding.payment_intent_id
    funding.bank_reference = bank_reference[:120]
    funding.recorded_by_id = getattr(actor, "id", None)
    ledger.post("funding", challenge.id, currency,
                [(ledger.escrow(challenge.id), amount), (ledger.funder(funder.id), -amount)], now,
                actor=actor, memo=f"{funder.organisation.name} paid {funding.reference}", funding_id=funding.id)
    audit.record(actor, "funding.paid", funding, now, from_state=before, to_state=after,
                 data={"amount": amount, "provider": funding.provider})
    db.session.flush()
    return funding


def record_bank_transfer(funding: Funding, amount: int, currency: str, bank_reference: str, actor,
                         now: datetime) -> Funding:
    """A broker records an invoice's bank transfer as received. Refuses non-brokers and card payments."""
    if not allowed(actor, "funding.record_transfer", funding, now):
        raise NotAllowed("Only a broker can record a bank transfer.")
    if funding.provider != "manual":
        raise DomainError("Card payments are confirmed by the provider, not recorded by hand.")
    return record_payment(funding, amount, currency, now, actor=actor, bank_reference=bank_reference.strip())


def open_checkout(funding_id: int, success_url: str, cancel_url: str, now: datetime) -> str:
    """Create the provider's Checkout Session for a recorded card payment and return where to send the payer.

    Called after the commit that recorded the payment; commits. The idempotency key is the payment's
    own, so a repeat (a double click, a retry after a timeout) returns the same session.
    """
    funding = db.session.get(Funding, funding_id)
    amount, currency, reference = funding.amount, funding.currency, funding.reference
    description = f"Prize pool: {funding.funder.challenge.title}"[:200]
    tx.commit()
    session = gateway("stripe").create_checkout_session(
        amount=amount, currency=currency, description=description, reference=reference,
        success_url=success_url, cancel_url=cancel_url, idempotency_key=f"funding-{funding_id}-checkout")
    funding = db.session.get(Funding, funding_id)
    if funding.checkout_session_id is None:
        funding.checkout_session_id = session.id
        audit.record(None, "funding.checkout_session", funding, now, data={"session": session.id})
    tx.commit()
    return session.url
