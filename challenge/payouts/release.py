"""Paying winners: the release protocol, retries and reversals.

These functions own their transactions, unlike the other services, because a payment provider must
never be called inside one:

1. in one transaction, lock the payout row, check it may be paid, mark it processing with the
   attempt's idempotency key (`payout-<id>-attempt-<n>`) and commit;
2. call the provider outside any transaction;
3. in a new transaction, record the result: paid (and the ledger moves escrow → payee), failed
   with the provider's message on a clear refusal (a 4xx), or still processing when the outcome is
   unknown (a timeout or 5xx), to be retried later with the same key.

Only the request that moved the payout to processing calls the provider, so twenty simultaneous
releases send one transfer; a crash between 2 and 3 is repaired by a retry with the same key.

A provider paid by hand (manual) only takes the instruction: step 3 moves the payout to "instructed", and the
money leaves the escrow when a broker records the bank transfer they made, with the bank's reference and the
date (`record_bank_payment`), never with a reference we invented.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from challenge.errors import DomainError, FieldError, InvalidTransition, NotAllowed, PaymentFailed
from challenge.extensions import db
from challenge.money import format_money
from challenge.dates import format_date, format_dt, local
from challenge.payouts import ledger, payees
from challenge.payouts.gateways import ProviderError, ProviderRejected, ProviderUnavailable, TransferResult
from challenge.payouts.models import Award, PayeeAccount, Payout
from challenge.payouts.providers import gateway
from challenge.payouts.rules import allowed
from challenge.payouts.states import IN_FLIGHT_PAYOUTS, PAYOUT_MOVES, PAYOUT_REFUSALS, PayeeState, PayoutState
from challenge.platform import audit, outbox, tx
from challenge.platform.links import site_link

@dataclass(frozen=True)
class Intent:
    """What step 2 needs, read before the commit so that no database work happens during the call."""

    payout_id: int
    award_id: int
    attempt: int
    key: str
    amount: int
    currency: str
    provider: str
    destination: str
    by_hand: bool  # the provider takes an instruction; a broker records the transfer (record_bank_payment)


@dataclass(frozen=True)
class Outcome:
    payout_id: int
    state: str
    message: str


def _ensure_clean_session() -> None:
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("release functions commit; call them with no unsaved changes in the session")


def _locked(payout_id: int) -> Payout:
    payout = tx.lock(Payout, payout_id)
    if payout is None:
        raise DomainError("There is no such payout.")
    return payout


def _claim(payout_id: int, actor, now: datetime, *, retry: bool, min_age: timedelta | None) -> Intent | None:
    """Step 1: move the payout to processing and commit. None when another request has it.

    Decided under the payout's lock, then its payee account's (read afresh: details changed meanwhile start
    the cooling-off), then the challenge's; anything refused is rolled back, which releases them.
    """
    _ensure_clean_session()
    payout = _locked(payout_id)
    try:
        intent = _decide_claim(payout, actor, now, retry=retry, min_age=min_age)
    except DomainError:
        tx.rollback()
        raise
    if intent is None:
        tx.rollback()
        return None
    tx.commit()
    return intent


def _decide_claim(payout: Payout, actor, now: datetime, *, retry: bool, min_age: timedelta | None) -> Intent | None:
    before = payout.state
    if retry:
        if before == PayoutState.PROCESSING:
            if min_age is not None and payout.attempted_at and payout.attempted_at > now - min_age:
                return None  # attempted too recently: another worker may still be waiting for the answer
        elif before == PayoutState.FAILED:
            payout.attempt += 1  # the last attempt definitely failed, so a new key is safe
        else:
            raise InvalidTransition(PAYOUT_REFUSALS.get(before, PAYOUT_MOVES.refusal("retry", before))
                                    if before != PayoutState.READY else
                                    "This payout has not been tried yet; release it.")
    elif not PAYOUT_MOVES.allowed("release", before):
        raise InvalidTransition(PAYOUT_REFUSALS.get(before, PAYOUT_MOVES.refusal("release", before)))
    account = _locked_account(payout)
    held = payees.held_until(account)
    if before != PayoutState.PROCESSING and held is not None and now < held:
        # a retry with the same key is not held: that transfer's destination was fixed before
        raise DomainError(f"The winner changed their payment details on {format_dt(account.details_changed_at)}. "
                          f"For their safety this payout can be released from {format_dt(held)}.")
    _check_escrow(payout)
    after = PAYOUT_MOVES.moves["retry" if retry else "release"].target
    payout.state, payout.attempted_at, payout.failure_message = after, now, ""
    audit.record(actor, "payout.release" if not retry else "payout.retry", payout, now, from_state=before,
                 to_state=after, data={"key": payout.idempotency_key})
    return Intent(payout.id, payout.award_id, payout.attempt, payout.idempotency_key, payout.amount,
                  payout.currency, payout.provider, account.provider_account_id,
                  gateway(payout.provider).paid_by_hand)


def _locked_account(payout: Payout) -> PayeeAccount:
    """The payout's payee account, locked and read again: a change of details committed before the lock
    (its cooling-off) is seen, and one made after it waits for this claim."""
    account = tx.lock(PayeeAccount, payout.payee_account_id) if payout.payee_account_id else None
    if account is None or account.state != PayeeState.READY or account.provider != payout.provider:
        raise DomainError("The winner's payment account cannot receive money yet.")
    return account


def _check_escrow(payout: Payout) -> None:
    """Refuse when the escrow, less the payouts already being paid, cannot cover this one (under its lock)."""
    award = db.session.get(Award, payout.award_id)
    ledger.lock_challenge(award.challenge_id)
    held = ledger.balance(ledger.escrow(award.challenge_id), payout.currency)
    in_flight = db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(Payout.amount), 0)).join(Award)
        .where(Award.challenge_id == award.challenge_id, Payout.state.in_(IN_FLIGHT_PAYOUTS),
               Payout.id != payout.id))
    if held - int(in_flight) < payout.amount:
        raise DomainError(f"The escrow holds {format_money(held, payout.currency)}, not enough for this payout.")


def _call_provider(intent: Intent) -> TransferResult:
    """Step 2, outside any transaction."""
    result = gateway(intent.provider).transfer(
        amount=intent.amount, currency=intent.currency, destination=intent.destination,
        idempotency_key=intent.key, metadata={"payout_id": str(intent.payout_id), "award_id": str(intent.award_id)},
    )
    return result


def _book_paid(payout: Payout, move: str, actor, now: datetime, reference: str) -> None:
    """Mark the payout paid, move its money from the escrow to the payee and tell them (under the locks)."""
    award = db.session.get(Award, payout.award_id)
    ledger.lock_challenge(award.challenge_id)
    before, after = PAYOUT_MOVES.apply(payout, move)
    payout.paid_at = now
    ledger.post("payout", award.challenge_id, payout.currency,
                [(ledger.escrow(award.challenge_id), -payout.amount), (ledger.payee(payout.id), payout.amount)],
                now, actor=actor, memo=f"Payout {payout.id} to {payout.user.name}")
    audit.record(actor, "payout.paid", payout, now, from_state=before, to_state=after,
                 data={"reference": reference, "paid_on": payout.paid_on.isoformat() if payout.paid_on else None})
    outbox.queue("payout_paid", payees.notice_email(payout.user, payout.payee_account), "payout_paid", now,
                 payout=payout, link=site_link("payouts.mine"))


def _instructed(payout: Payout, result: TransferResult, actor, now: datetime) -> str:
    before, after = PAYOUT_MOVES.apply(payout, "instruct")
    payout.provider_reference, payout.instructed_at = result.id, now
    audit.record(actor, "payout.instructed", payout, now, from_state=before, to_state=after,
                 data={"instruction": result.id})
    return (f"Released: now transfer {format_money(payout.amount, payout.currency)} to {payout.user.name} from "
            "the client account, then record it as paid with the bank's reference and date.")


def _record(payout_id: int, intent: Intent, result: TransferResult | None, error: ProviderError | None,
            actor, now: datetime) -> Outcome:
    """Step 3: record what the provider said, unless someone else already has."""
    payout = _locked(payout_id)
    if payout.state != PayoutState.PROCESSING or payout.attempt != intent.attempt:
        tx.rollback()
        return Outcome(payout_id, payout.state, f"This payout is now {payout.state_label.lower()}.")
    if result is not None and intent.by_hand:
        message = _instructed(payout, result, actor, now)
    elif result is not None:
        payout.provider_reference = result.id
        _book_paid(payout, "pay", actor, now, result.id)
        message = f"Paid {format_money(payout.amount, payout.currency)} to {payout.user.name}."
    elif isinstance(error, ProviderUnavailable):
        payout.failure_message = f"No clear answer from the provider ({error.message}); it will be retried."
        audit.record(actor, "payout.unknown", payout, now, reason=error.message)
        message = ("The payment provider did not answer clearly. The payout stays in processing and will be "
                   "retried with the same key, so it cannot be paid twice.")
    else:
        before, after = PAYOUT_MOVES.apply(payout, "fail")
        payout.failure_message = (error.message if error else "refused")[:1000]
        audit.record(actor, "payout.failed", payout, now, from_state=before, to_state=after,
                     reason=payout.failure_message)
        message = f"The payment provider refused the payout: {payout.failure_message}"
    state = payout.state
    tx.commit()
    return Outcome(payout_id, state, message)


def _run(payout_id: int, actor, now: datetime, *, retry: bool, min_age: timedelta | None = None) -> Outcome:
    intent = _claim(payout_id, actor, now, retry=retry, min_age=min_age)
    if intent is None:
        return Outcome(payout_id, PayoutState.PROCESSING, "Another attempt is still in progress.")
    try:
        result, error = _call_provider(intent), None
    except ProviderError as exc:
        result, error = None, exc
    except ValueError as exc:  # the gateway refused our arguments before any network call
        result, error = None, ProviderRejected(str(exc))
    return _record(payout_id, intent, result, error, actor, now)


def release_payout(payout_id: int, actor, now: datetime) -> Outcome:
    """A broker releases a ready payout. Refuses any other state (a paid one above all) and non-brokers."""
    if not allowed(actor, "payout.release", payout_id, now):
        raise NotAllowed("Only a broker can release a payout.")
    return _run(payout_id, actor, now, retry=False)


def retry_payout(payout_id: int, actor, now: datetime, *, min_age: timedelta | None = None) -> Outcome:
    """Retry a processing payout with the same key, or a failed one with the next attempt's key.

    Refuses payouts in any other state. `min_age` skips one attempted more recently than that.
    """
    if actor is not None and not allowed(actor, "payout.retry", payout_id, now):  # None: `flask payouts retry`
        raise NotAllowed("Only a broker can retry a payout.")
    return _run(payout_id, actor, now, retry=True, min_age=min_age)


def record_bank_payment(payout_id: int, reference: str, paid_on: date | None, actor, now: datetime) -> Payout:
    """A broker records the bank transfer they made for an instructed (manual) payout: the bank's reference
    and the day the money left. The money then moves from the escrow to the payee and the payee is told.

    Decided under the payout's lock (then the challenge's), with its state read again after the lock, so a
    double click or a second broker records nothing more: InvalidTransition says it was recorded already.
    Refuses non-brokers, an empty reference, a missing date, a date in the future or before the payout was
    released, and a payout that was not released as a bank transfer (FieldError or InvalidTransition).
    """
    if not allowed(actor, "payout.record_paid", payout_id, now):
        raise NotAllowed("Only a broker can record a payout as paid.")
    reference = " ".join((reference or "").split())
    if not reference or len(reference) > 120:
        raise FieldError("Enter the reference your bank gave the transfer (up to 120 characters).", "reference")
    if paid_on is None:
        raise FieldError("Enter the date the bank made the transfer.", "paid_on")
    payout = _locked(payout_id)
    if payout.bank_reference:  # a double click, or another broker was first
        day = payout.paid_on
        raise InvalidTransition(f"This payout was already recorded as paid on {day.day} {day:%B %Y} (bank "
                                f"reference {payout.bank_reference}). Nothing more was recorded.")
    if not PAYOUT_MOVES.allowed("record_paid", payout.state):
        raise InvalidTransition(PAYOUT_REFUSALS.get(payout.state) if payout.state != PayoutState.READY
                                else "Release this payout first; then make the transfer and record it.")
    released = local(payout.instructed_at).date()
    if paid_on > local(now).date():
        raise FieldError("The transfer date cannot be in the future.", "paid_on")
    if paid_on < released:
        raise FieldError(f"The transfer cannot have been made before the payout was released on "
                         f"{format_date(payout.instructed_at)}.", "paid_on")
    payout.bank_reference, payout.paid_on = reference, paid_on
    _book_paid(payout, "record_paid", actor, now, reference)
    db.session.flush()
    return payout


def record_reversal(payout: Payout, reference: str, reason: str, actor, now: datetime) -> bool:
    """Mark a paid payout (or one flagged for reversal) reversed and move its money back to the escrow.
    False if it is neither."""
    if not PAYOUT_MOVES.allowed("reverse", payout.state):
        return False
    award = db.session.get(Award, payout.award_id)
    ledger.lock_challenge(award.challenge_id)
    before, after = PAYOUT_MOVES.apply(payout, "reverse")
    payout.reversed_at = now
    payout.reversal_reason, payout.reversal_reference = reason[:1000], reference
    ledger.post("reversal", award.challenge_id, payout.currency,
                [(ledger.payee(payout.id), -payout.amount), (ledger.escrow(award.challenge_id), payout.amount)],
                now, actor=actor, memo=f"Reversal of payout {payout.id}")
    audit.record(actor, "payout.reverse", payout, now, from_state=before, to_state=after, reason=reason)
    db.session.flush()
    return True


def reverse_payout(payout_id: int, reason: str, actor, now: datetime) -> Outcome:
    """A broker takes back a paid payout (or one flagged for reversal), with a reason. Refuses non-brokers, no
    reason, and unpaid payouts."""
    if not allowed(actor, "payout.reverse", payout_id, now):
        raise NotAllowed("Only a broker can reverse a payout.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise FieldError("Give the reason for the reversal (at least 5 characters).", "reason")
    _ensure_clean_session()
    payout = _locked(payout_id)
    if not PAYOUT_MOVES.allowed("reverse", payout.state):
        tx.rollback()
        raise InvalidTransition(PAYOUT_MOVES.refusal("reverse", payout.state))
    transfer_id, provider = payout.provider_reference, payout.provider
    tx.rollback()  # release the lock before calling the provider; the key makes a repeat harmless
    try:
        reference = gateway(provider).reverse_transfer(transfer_id=transfer_id, amount=None,
                                                       idempotency_key=f"payout-{payout_id}-reversal")
    except ProviderError as exc:
        raise PaymentFailed(f"The payment provider could not reverse the payout: {exc.message}") from exc
    payout = _locked(payout_id)
    done = record_reversal(payout, reference, reason, actor, now)
    tx.commit()
    return Outcome(payout_id, PayoutState.REVERSED, "The payout has been reversed." if done else
                   "The payout had already been reversed.")


def due_payouts(now: datetime, delay: timedelta) -> list[int]:
    """Ready payouts, and processing ones last attempted before `now - delay`."""
    return list(db.session.scalars(db.select(Payout.id).where(
        (Payout.state == PayoutState.READY)
        | ((Payout.state == PayoutState.PROCESSING) & (Payout.attempted_at <= now - delay))
    ).order_by(Payout.id)))


def retry_due(now: datetime, delay: timedelta) -> list[Outcome]:
    """What `flask payouts retry` does: release ready payouts and retry stale processing ones."""
    outcomes = []
    for payout_id in due_payouts(now, delay):
        payout = db.session.get(Payout, payout_id)
        retry = payout.state == PayoutState.PROCESSING
        try:
            outcomes.append(_run(payout_id, None, now, retry=retry, min_age=delay if retry else None))
        except DomainError as exc:
            outcomes.append(Outcome(payout_id, payout.state, exc.message))
    return outcomes
