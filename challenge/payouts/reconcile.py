"""Reconciliation: compare the ledger with the records and with the payment provider; list every mismatch."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from challenge.errors import NotAllowed
from challenge.extensions import db
from challenge.money import format_money
from challenge.payouts import ledger
from challenge.payouts.gateways import ProviderError
from challenge.payouts.models import Funder, Funding, LedgerEntry, LedgerTransaction, Payout, Refund
from challenge.payouts.providers import gateway
from challenge.payouts.rules import allowed
from challenge.payouts.states import SENT_PAYOUTS, WITH_PAYEE, FundingState, PayoutState, RefundState
from challenge.platform import audit


@dataclass(frozen=True)
class Mismatch:
    kind: str
    object: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}\t{self.object}\t{self.message}"


def _ledger_checks() -> list[Mismatch]:
    found = [Mismatch("ledger", f"transaction {t}", "entries do not sum to zero")
             for t in ledger.unbalanced_transactions()]
    found += [Mismatch("ledger", account, "escrow below zero") for account in ledger.negative_escrows()]
    for funder in db.session.scalars(db.select(Funder)):
        paid = sum(f.amount for f in funder.fundings if f.state == FundingState.PAID)
        in_ledger = -ledger.balance(ledger.funder(funder.id), funder.currency)
        if paid != in_ledger:
            found.append(Mismatch("funding", f"funder {funder.id}", f"payments recorded {format_money(paid, funder.currency)}"
                                  f", ledger {format_money(in_ledger, funder.currency)}"))
        refunded = sum(r.amount for r in db.session.scalars(db.select(Refund).where(
            Refund.funder_id == funder.id, Refund.state == RefundState.SUCCEEDED)))
        if refunded != ledger.balance(ledger.refund(funder.id), funder.currency):
            found.append(Mismatch("refund", f"funder {funder.id}", "succeeded refunds differ from the ledger"))
    return found


def escrow_received_checks() -> list[Mismatch]:
    """Per challenge: what its escrow received from funders equals the payments recorded as paid.

    A payment booked twice (the ledger still balances) or booked without being recorded shows here.
    """
    received = dict(((c, cur), int(total)) for c, cur, total in db.session.execute(
        db.select(LedgerTransaction.challenge_id, LedgerEntry.currency, db.func.sum(LedgerEntry.amount))
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.kind == "funding", LedgerEntry.account.like("escrow:%"))
        .group_by(LedgerTransaction.challenge_id, LedgerEntry.currency)))
    recorded = dict(((c, cur), int(total)) for c, cur, total in db.session.execute(
        db.select(Funder.challenge_id, Funding.currency, db.func.sum(Funding.amount))
        .join(Funder, Funder.id == Funding.funder_id).where(Funding.state == FundingState.PAID)
        .group_by(Funder.challenge_id, Funding.currency)))
    found = []
    for challenge_id, currency in sorted(set(received) | set(recorded)):
        got, paid = received.get((challenge_id, currency), 0), recorded.get((challenge_id, currency), 0)
        if got != paid:
            found.append(Mismatch("escrow", f"challenge {challenge_id}",
                                  f"{format_money(got, currency)} received into the escrow, "
                                  f"{format_money(paid, currency)} recorded as paid by the funders"))
    return found


def _payout_checks(now: datetime, stale_after: timedelta) -> list[Mismatch]:
    found = []
    for payout in db.session.scalars(db.select(Payout).order_by(Payout.id)):
        expected = payout.amount if payout.state in WITH_PAYEE else 0
        in_ledger = ledger.balance(ledger.payee(payout.id), payout.currency)
        if in_ledger != expected:
            found.append(Mismatch("ledger", f"payout {payout.id}", f"ledger shows {in_ledger} paid, expected {expected}"))
        if payout.state == PayoutState.PROCESSING and payout.attempted_at and payout.attempted_at <= now - stale_after:
            found.append(Mismatch("payout", f"payout {payout.id}", "outcome unknown since "
                                  f"{payout.attempted_at:%Y-%m-%d %H:%M} UTC; run `flask payouts retry`"))
        if payout.state not in SENT_PAYOUTS:
            continue
        try:
            transfer = gateway(payout.provider).get_transfer(payout.provider_reference or "")
        except (ProviderError, ValueError) as exc:
            found.append(Mismatch("provider", f"payout {payout.id}", f"could not check the transfer: {exc}"))
            continue
        if transfer is None:
            found.append(Mismatch("provider", f"payout {payout.id}", "the provider has no such transfer"))
        elif (transfer.amount, transfer.currency) != (payout.amount, payout.currency):
            found.append(Mismatch("provider", f"payout {payout.id}", f"the provider sent {transfer.amount} "
                                  f"{transfer.currency}, the ledger {payout.amount} {payout.currency}"))
        elif payout.payee_account and transfer.destination != payout.payee_account.provider_account_id:
            found.append(Mismatch("provider", f"payout {payout.id}", "sent to a different account"))
    return found


def _funding_checks() -> list[Mismatch]:
    found = []
    for funding in db.session.scalars(db.select(Funding).where(Funding.provider == "stripe", Funding.state == FundingState.PAID)):
        if not funding.payment_intent_id:
            found.append(Mismatch("funding", funding.reference, "paid by card but no payment intent recorded"))
            continue
        try:
            payment = gateway("stripe").get_payment(funding.payment_intent_id)
        except (ProviderError, ValueError) as exc:
            found.append(Mismatch("provider", funding.reference, f"could not check the payment: {exc}"))
            continue
        if payment is None:
            found.append(Mismatch("provider", funding.reference, "the provider has no such payment"))
        elif payment.status != "succeeded" or (payment.amount_received, payment.currency) != (
                funding.amount, funding.currency):
            found.append(Mismatch("provider", funding.reference, f"the provider received {payment.amount_received} "
                                  f"{payment.currency} ({payment.status}), the ledger {funding.amount} "
                                  f"{funding.currency}"))
    return found


@dataclass(frozen=True)
class Check:
    """One invariant and what was found against it (nothing: it holds)."""

    invariant: str
    mismatches: list[Mismatch]

    @property
    def holds(self) -> bool:
        return not self.mismatches


def checks(now: datetime, stale_after: timedelta = timedelta(minutes=15)) -> list[Check]:
    """Each invariant the ledger, our records and the provider must keep, with its mismatches."""
    return [
        Check("Every ledger transaction balances, no escrow is below zero, and each funder's and refund's "
              "account matches its recorded payments", _ledger_checks()),
        Check("Each challenge's escrow received what its funders are recorded as having paid",
              escrow_received_checks()),
        Check("Each payout's ledger matches its state, none is stuck being paid, and the provider sent what "
              "was recorded", _payout_checks(now, stale_after)),
        Check("Each card payment recorded as received was received by the provider", _funding_checks()),
    ]


def reconcile(now: datetime, stale_after: timedelta = timedelta(minutes=15)) -> list[Mismatch]:
    """Every mismatch between the ledger, our records and the provider; an empty list when all agree."""
    return [m for check in checks(now, stale_after) for m in check.mismatches]


def run_for(actor, now: datetime) -> list[Check]:
    """A broker runs the reconciliation from the finance page: the checks, recorded in the audit log."""
    if not allowed(actor, "finance.reconcile", None, now):
        raise NotAllowed("Only a broker can run the reconciliation.")
    found = checks(now)
    audit.record(actor, "finance.reconcile", None, now,
                 data={"mismatches": sum(len(c.mismatches) for c in found),
                       "failing": [c.invariant for c in found if not c.holds]})
    return found
