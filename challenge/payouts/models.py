"""Prize money: funders and their payments, the ledger, awards, payees, payouts, refunds, webhook events.

Amounts are integer minor units with a currency beside them. Ledger rows are append-only; every
other row changes state only through the services in this package.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenge.accounts.models import Organisation, User
from challenge.challenges.models import Challenge, Prize
from challenge.extensions import db
from challenge.payouts.states import (FunderState, FundingState, PayeeState, PayoutState, RefundState,
                                      SplitState)
from challenge.platform.lifecycle import one_of, state_check
from challenge.submissions.models import Submission
from challenge.types import UTCDateTime

class ChallengeFinance(db.Model):
    """A challenge's money settings, and the row locked while its escrow is debited."""

    __tablename__ = "challenge_finances"
    __table_args__ = (
        CheckConstraint("fee_bp >= 0 and fee_bp <= 5000", name="fee_bp"),
        CheckConstraint("stage_grants_budget >= 0", name="stage_grants_budget"),
    )

    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True,
                                              autoincrement=False)
    currency: Mapped[str] = mapped_column(String(3))
    fee_bp: Mapped[int]
    stage_grants_budget: Mapped[int] = mapped_column(default=0)
    funding_waived: Mapped[bool] = mapped_column(default=False)
    waiver_reason: Mapped[str] = mapped_column(Text, default="")
    waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    waived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    waived_by: Mapped[User | None] = relationship()


class Funder(db.Model):
    """An organisation's share of a challenge's prize pool, in basis points (6000 = 60 %)."""

    __tablename__ = "funders"
    __table_args__ = (
        UniqueConstraint("challenge_id", "organisation_id"),
        CheckConstraint("share_bp > 0 and share_bp <= 10000", name="share_bp"),
        CheckConstraint("pledged_amount >= 0", name="pledged_amount"),
        state_check("state", FunderState),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    share_bp: Mapped[int]
    pledged_amount: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3))
    # A co-funder named by someone else is pending until one of its members accepts: until then it is
    # not shown publicly, not invoiced and not counted.
    state: Mapped[str] = mapped_column(String(10), default=FunderState.ACCEPTED.value,
                                       server_default=FunderState.ACCEPTED.value)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    organisation: Mapped[Organisation] = relationship()
    fundings: Mapped[list[Funding]] = relationship(back_populates="funder", order_by="Funding.id")


class Funding(db.Model):
    """One payment by a funder: a Stripe Checkout payment or an invoice paid by bank transfer."""

    __tablename__ = "fundings"
    __table_args__ = (
        state_check("state", FundingState),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"), index=True)
    provider: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(12), default=FundingState.PENDING.value)
    # An invoice's number (from the broker's gap-free sequence: InvoiceCounter), the funder's purchase-order
    # number printed on it, and when payment is due; card payments have none of these.
    invoice_number: Mapped[int | None] = mapped_column(unique=True)
    po_number: Mapped[str] = mapped_column(String(60), default="", server_default="")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checkout_session_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(120), index=True)
    bank_reference: Mapped[str] = mapped_column(String(120), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    funder: Mapped[Funder] = relationship(back_populates="fundings")

    @property
    def is_invoice(self) -> bool:
        return self.provider == "manual"


class InvoiceCounter(db.Model):
    """The broker's last invoice number: one row, locked while the next number is taken, so numbers are
    unique and consecutive (a rolled-back invoice gives its number back with the rollback)."""

    __tablename__ = "invoice_counters"
    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class LedgerTransaction(db.Model):
    """One balanced movement of money; its entries sum to zero."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (
        CheckConstraint(one_of("kind", ("funding", "fee", "payout", "reversal", "refund")), name="kind"),
        # One funding transaction per recorded payment: a second booking of the same payment cannot land.
        Index("uq_ledger_transactions_funding", "funding_id", unique=True,
              sqlite_where=text("kind = 'funding'"), postgresql_where=text("kind = 'funding'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    # The payment a funding transaction books (null for other kinds).
    funding_id: Mapped[int | None] = mapped_column(ForeignKey("fundings.id"))
    memo: Mapped[str] = mapped_column(String(300), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    entries: Mapped[list[LedgerEntry]] = relationship(back_populates="transaction", order_by="LedgerEntry.id")


class LedgerEntry(db.Model):
    """One side of a transaction: a positive amount adds to the account, a negative one takes from it."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_nonzero"),
        Index("ix_ledger_entries_account", "account", "currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    account: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))

    transaction: Mapped[LedgerTransaction] = relationship(back_populates="entries")


@event.listens_for(LedgerTransaction, "before_update")
@event.listens_for(LedgerTransaction, "before_delete")
@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
def _ledger_is_append_only(mapper, connection, target):
    raise RuntimeError("the ledger is append-only: post a correcting transaction instead")


class Award(db.Model):
    """Money a submission won: a prize place, or a stage grant when a round advanced it."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("submission_id", "prize_id"),
        UniqueConstraint("submission_id", "round_position"),
        UniqueConstraint("prize_id", "place"),  # a prize place is awarded once
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("(prize_id is null) <> (round_position is null)", name="prize_or_round"),
        CheckConstraint("place is null or (prize_id is not null and place >= 1)", name="place"),
        state_check("split_state", SplitState),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    prize_id: Mapped[int | None] = mapped_column(ForeignKey("prizes.id"))
    # Which of the prize's places (1 … prize.winners) this award fills; null for a stage grant, and
    # null again frees the place (e.g. for a cancelled award).
    place: Mapped[int | None]
    round_position: Mapped[int | None]
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    # Team awards wait for a split everyone agrees; solo awards have none.
    split_state: Mapped[str] = mapped_column(String(10), default=SplitState.NONE.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the entry is disqualified: the award no longer counts and its unpaid payouts are cancelled.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    challenge: Mapped[Challenge] = relationship()
    submission: Mapped[Submission] = relationship()
    prize: Mapped[Prize | None] = relationship()
    splits: Mapped[list[PayoutSplit]] = relationship(back_populates="award", cascade="all, delete-orphan",
                                                     order_by="PayoutSplit.id")
    payouts: Mapped[list[Payout]] = relationship(back_populates="award", order_by="Payout.id")

    @property
    def label(self) -> str:
        if self.prize is not None:
            return self.prize.name
        return f"Stage grant (round {self.round_position})"


class PayoutSplit(db.Model):
    """A team member's share of an award, agreed by that member."""

    __tablename__ = "payout_splits"
    __table_args__ = (
        UniqueConstraint("award_id", "user_id"),
        CheckConstraint("share_bp >= 0 and share_bp <= 10000", name="share_bp"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    share_bp: Mapped[int]
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    award: Mapped[Award] = relationship(back_populates="splits")
    user: Mapped[User] = relationship()


class PayeeAccount(db.Model):
    """Where a person is paid: a Stripe Connect account, or bank details kept encrypted."""

    __tablename__ = "payee_accounts"
    __table_args__ = (
        UniqueConstraint("user_id", "provider"),
        state_check("state", PayeeState),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    provider: Mapped[str] = mapped_column(String(16))
    provider_account_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=PayeeState.PENDING.value)
    account_holder: Mapped[str] = mapped_column(String(120), default="")
    bank_details_encrypted: Mapped[str] = mapped_column(Text, default="")
    last4: Mapped[str] = mapped_column(String(4), default="")
    # Where payout notices go ('' means the account's own email). Changing it or the bank details needs
    # the password, and ready payouts then wait a cooling-off period from `details_changed_at`.
    payout_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    details_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The `created` time of the provider event last applied, so older events cannot undo newer ones.
    status_as_of: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Payout(db.Model):
    """Money on its way from the escrow to one payee; the idempotency key is `payout-<id>-attempt-<n>`."""

    __tablename__ = "payouts"
    __table_args__ = (
        UniqueConstraint("award_id", "user_id"),
        state_check("state", PayoutState),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("attempt >= 1", name="attempt"),
        Index("ix_payouts_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    payee_account_id: Mapped[int | None] = mapped_column(ForeignKey("payee_accounts.id"))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    provider: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=PayoutState.AWAITING_PAYEE.value)
    attempt: Mapped[int] = mapped_column(default=1)
    provider_reference: Mapped[str | None] = mapped_column(String(200), unique=True)
    failure_message: Mapped[str] = mapped_column(Text, default="")
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A manual payout is instructed (the broker is to make the bank transfer), then recorded as paid with the
    # bank's own reference and the date the money left, as the bank statement shows them.
    instructed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bank_reference: Mapped[str] = mapped_column(String(120), default="", server_default="")
    paid_on: Mapped[date | None] = mapped_column(Date)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversal_reason: Mapped[str] = mapped_column(Text, default="")
    reversal_reference: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    award: Mapped[Award] = relationship(back_populates="payouts")
    user: Mapped[User] = relationship()
    payee_account: Mapped[PayeeAccount | None] = relationship()

    @property
    def idempotency_key(self) -> str:
        return f"payout-{self.id}-attempt-{self.attempt}"

    @property
    def state_label(self) -> str:
        return PAYOUT_STATE_LABELS[self.state]


PAYOUT_STATE_LABELS = {
    PayoutState.AWAITING_PAYEE: "Waiting for payment details",
    PayoutState.READY: "Ready to pay",
    PayoutState.PROCESSING: "Being paid",
    PayoutState.INSTRUCTED: "Bank transfer to make",
    PayoutState.PAID: "Paid",
    PayoutState.FAILED: "Failed: needs action",
    PayoutState.REVERSED: "Reversed",
    PayoutState.CANCELLED: "Cancelled",
    PayoutState.REVERSAL_DUE: "To be reversed",
}


class Refund(db.Model):
    """Unawarded money going back to a funder, against one of its payments."""

    __tablename__ = "refunds"
    __table_args__ = (
        state_check("state", RefundState),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"), index=True)
    funding_id: Mapped[int] = mapped_column(ForeignKey("fundings.id"), index=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    provider: Mapped[str] = mapped_column(String(16))
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), default=RefundState.PENDING.value)
    failure_message: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    funder: Mapped[Funder] = relationship()
    funding: Mapped[Funding] = relationship()

    @property
    def idempotency_key(self) -> str:
        return f"refund-{self.id}"


class ProviderEvent(db.Model):
    """A webhook event, recorded once by its id and applied in the same transaction."""

    __tablename__ = "provider_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(80))
    livemode: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str] = mapped_column(String(300), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


__all__ = [
    "Award", "ChallengeFinance", "Funder", "Funding", "InvoiceCounter", "LedgerEntry", "LedgerTransaction", "PayeeAccount",
    "Payout", "PayoutSplit", "ProviderEvent", "Refund", "FundingState", "PayoutState", "RefundState", "PayeeState",
    "FunderState", "SplitState",
]
