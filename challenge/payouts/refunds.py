"""Refunds: what is not awarded goes back to the funders, pro rata to their shares.

`plan_refunds` records the refunds (pending) in the caller's transaction; after the commit,
`process_refunds` calls each funder's provider with the refund's own idempotency key and records the
result, like the payout release protocol. Pending refunds count as promised money, so the same
pennies cannot be refunded twice.
"""
from __future__ import annotations

from datetime import datetime

from challenge.challenges.models import Challenge
from challenge.challenges.states import Phase
from challenge.errors import DomainError, FieldError, NotAllowed
from challenge.extensions import db
from challenge.money import format_money
from challenge.payouts import ledger
from challenge.payouts.awards import available
from challenge.payouts.gateways import ProviderError, ProviderUnavailable
from challenge.payouts.models import Funder, Funding, Refund
from challenge.payouts.pool import funded_by, funders_of
from challenge.payouts.providers import gateway
from challenge.payouts.rules import allowed
from challenge.payouts.states import COUNTED_REFUNDS, REFUND_MOVES, FundingState, RefundState
from challenge.platform import audit, tx

REFUNDABLE_PHASES = (Phase.DECIDED, Phase.COMPLETED, Phase.CANCELLED)


def refunds_open(challenge: Challenge, now: datetime) -> bool:
    """Whether a refund can be made now: once the prizes are decided, or the challenge is cancelled (the
    money page offers the refund form only then)."""
    return challenge.phase(now) in REFUNDABLE_PHASES


def refunded_to(funder: Funder, states: tuple[str, ...] = COUNTED_REFUNDS) -> int:
    return int(db.session.scalar(db.select(db.func.coalesce(db.func.sum(Refund.amount), 0))
                                 .where(Refund.funder_id == funder.id, Refund.state.in_(states))))


def _refundable_fundings(funder: Funder) -> list[tuple[Funding, int]]:
    """The funder's paid payments with what is left of each after earlier refunds."""
    left = []
    for funding in funder.fundings:
        if funding.state != FundingState.PAID:
            continue
        taken = int(db.session.scalar(db.select(db.func.coalesce(db.func.sum(Refund.amount), 0)).where(
            Refund.funding_id == funding.id, Refund.state.in_(COUNTED_REFUNDS))))
        if funding.amount - taken > 0:
            left.append((funding, funding.amount - taken))
    return left


def plan_refunds(challenge: Challenge, actor, now: datetime, *, amount: int | None = None,
                 currency: str | None = None) -> list[Refund]:
    """Record refunds of `amount` (default: everything not promised to winners) to the funders.

    Split by the funders' shares with the largest-remainder method, so the pennies add up exactly,
    when what they paid is in proportion to their shares; when a waiver left some funder short of its
    share, split by what each actually paid (less what it got back already) instead, so each gets back
    its own proportion and nobody more than they put in. Refuses non-brokers, a challenge not yet decided (or
    cancelled), a zero, negative or non-integer amount, another currency, and more than is left.
    """
    if not allowed(actor, "refund.create", challenge, now):
        raise NotAllowed("Only a broker can refund funders.")
    if not refunds_open(challenge, now):
        raise DomainError("Refunds are made once the prizes are decided, or when a challenge is cancelled.")
    if currency is not None and currency != challenge.currency:
        raise FieldError(f"This prize pool is held in {challenge.currency}; amounts in {currency} cannot be used.",
                         "amount")
    ledger.lock_challenge(challenge.id)
    left = available(challenge)
    if amount is None:
        amount = left
        if amount <= 0:
            raise FieldError("Nothing is left to refund: everything held is promised to winners or already refunded.",
                             "amount")
    if type(amount) is not int or amount <= 0:
        raise FieldError("Enter a refund of more than zero.", "amount")
    if amount > left:
        raise FieldError(f"A refund of {format_money(amount, challenge.currency)} is larger than the "
                         f"{format_money(max(left, 0), challenge.currency)} left after awards and earlier refunds.",
                         "amount")
    funders = funders_of(challenge)
    paid = [funded_by(f) for f in funders]
    by_share = ledger.allocate(sum(paid), [f.share_bp for f in funders]) == paid
    funders = [f for f, p in zip(funders, paid) if p > 0]
    net = [funded_by(f) - refunded_to(f) for f in funders]
    parts = ledger.allocate(amount, [f.share_bp for f in funders] if by_share else net)
    if any(part > n for part, n in zip(parts, net)):
        parts = ledger.allocate(amount, net)
    refunds = []
    for funder, part in zip(funders, parts):
        for funding, room in _refundable_fundings(funder):
            if part <= 0:
                break
            piece = min(part, room)
            part -= piece
            refund = Refund(challenge_id=challenge.id, funder_id=funder.id, funding_id=funding.id, amount=piece,
                            currency=challenge.currency, provider=funding.provider, state=RefundState.PENDING,
                            created_by_id=actor.id, created_at=now)
            db.session.add(refund)
            db.session.flush()
            audit.record(actor, "refund.create", refund, now, to_state=refund.state, data={"amount": piece})
            refunds.append(refund)
    db.session.flush()
    return refunds


def process_refunds(refund_ids: list[int], actor, now: datetime) -> list[Refund]:
    """Call the provider for each pending refund (after the commit that recorded it) and record the result."""
    done = []
    for refund_id in refund_ids:
        refund = db.session.get(Refund, refund_id)
        if refund is None or refund.state != RefundState.PENDING:
            continue
        funding = refund.funding
        reference = funding.payment_intent_id if funding.provider == "stripe" else funding.reference
        provider, key, amount = refund.provider, refund.idempotency_key, refund.amount
        tx.commit()  # nothing held open while the provider is called
        try:
            result, error = gateway(provider).refund(payment_reference=reference or "", amount=amount,
                                                     idempotency_key=key), None
        except ProviderError as exc:
            result, error = None, exc
        except ValueError as exc:
            result, error = None, ProviderError(str(exc))
        refund = tx.lock(Refund, refund_id)
        if refund.state == RefundState.PENDING:
            if result is not None:
                record_refund_success(refund, result.id, actor, now)
            elif not isinstance(error, ProviderUnavailable):
                before, after = REFUND_MOVES.apply(refund, "fail")
                refund.failure_message = error.message[:1000]
                audit.record(actor, "refund.failed", refund, now, from_state=before, to_state=after,
                             reason=error.message)
        tx.commit()
        done.append(refund)
    return done


def record_refund_success(refund: Refund, reference: str, actor, now: datetime) -> None:
    """Mark a pending refund succeeded and move the money out of the escrow to the funder."""
    ledger.lock_challenge(refund.challenge_id)
    before, after = REFUND_MOVES.apply(refund, "succeed")
    refund.provider_reference, refund.completed_at = reference, now
    ledger.post("refund", refund.challenge_id, refund.currency,
                [(ledger.escrow(refund.challenge_id), -refund.amount), (ledger.refund(refund.funder_id), refund.amount)],
                now, actor=actor, memo=f"Refund {refund.id} to {refund.funder.organisation.name}")
    audit.record(actor, "refund.succeeded", refund, now, from_state=before, to_state=after,
                 data={"reference": reference})
    db.session.flush()


def due_refunds() -> list[int]:
    return list(db.session.scalars(db.select(Refund.id).where(Refund.state == RefundState.PENDING).order_by(Refund.id)))
