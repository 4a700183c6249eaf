"""The lifecycles of prize money: each a StrEnum of states, its table of moves with the refusal wording, and
the sets of states used in several places. The models' check constraints are generated from the enums."""
from __future__ import annotations

import enum

from challenge.platform.lifecycle import Lifecycle, Move


class FundingState(enum.StrEnum):
    """A funder's payment: pending until the money arrives (or the attempt fails or is cancelled)."""

    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"


FUNDING_MOVES = Lifecycle("payment", (
    Move("pay", {FundingState.PENDING}, FundingState.PAID, "Only a payment still expected can be recorded as paid."),
))
# Payments that hold the funders' shares fixed: money in, or an invoice or card payment under way.
STARTED_FUNDINGS = (FundingState.PENDING, FundingState.PAID)


class PayoutState(enum.StrEnum):
    """A payout. "instructed": a manual payout released, the bank transfer for a broker to make and then record
    with the bank's reference (the money leaves the escrow then); "cancelled": never paid, its award withdrawn
    (a disqualified entry); "reversal_due": paid, then flagged by a broker to be taken back (the money returns
    to the escrow when the reversal is recorded)."""

    AWAITING_PAYEE = "awaiting_payee"
    READY = "ready"
    PROCESSING = "processing"
    INSTRUCTED = "instructed"
    PAID = "paid"
    FAILED = "failed"
    REVERSED = "reversed"
    CANCELLED = "cancelled"
    REVERSAL_DUE = "reversal_due"


# Why a payout in each state cannot be released: the refusal wording of the "release" move.
PAYOUT_REFUSALS = {
    PayoutState.AWAITING_PAYEE: "This payout is waiting for the winner to set up how they are paid.",
    PayoutState.PROCESSING: "This payout is already being paid.",
    PayoutState.INSTRUCTED: "This payout has already been released; record the bank transfer once it is made.",
    PayoutState.PAID: "This payout has already been paid.",
    PayoutState.FAILED: "This payout failed; retry it once the problem is fixed.",
    PayoutState.REVERSED: "This payout was reversed and cannot be paid again.",
    PayoutState.CANCELLED: "This payout was cancelled (its entry was disqualified) and cannot be paid.",
    PayoutState.REVERSAL_DUE: "This payout was paid and is waiting to be reversed.",
}
UNPAID_PAYOUTS = (PayoutState.AWAITING_PAYEE, PayoutState.READY, PayoutState.FAILED)
REVERSIBLE_PAYOUTS = (PayoutState.PAID, PayoutState.REVERSAL_DUE)  # reversal_due: paid, then flagged
SETTLED_PAYOUTS = (PayoutState.PAID, PayoutState.REVERSED)  # no longer promised from the escrow
WITH_PAYEE = REVERSIBLE_PAYOUTS  # the money is with the payee until a reversal is recorded
SENT_PAYOUTS = (*REVERSIBLE_PAYOUTS, PayoutState.REVERSED)  # a transfer was made at the provider
IN_FLIGHT_PAYOUTS = (PayoutState.PROCESSING, PayoutState.INSTRUCTED)  # released, not yet out of the escrow

PAYOUT_MOVES = Lifecycle("payout", (
    Move("payee_ready", {PayoutState.AWAITING_PAYEE}, PayoutState.READY,
         "Only a payout waiting for payment details becomes ready when they are given."),
    Move("release", {PayoutState.READY}, PayoutState.PROCESSING, "This payout cannot be released."),
    Move("retry", {PayoutState.PROCESSING, PayoutState.FAILED}, PayoutState.PROCESSING,
         "This payout cannot be retried."),
    Move("pay", {PayoutState.PROCESSING}, PayoutState.PAID, "Only a payout being paid can be recorded as paid."),
    Move("instruct", {PayoutState.PROCESSING}, PayoutState.INSTRUCTED,
         "Only a payout being paid can be instructed as a bank transfer."),
    Move("record_paid", {PayoutState.INSTRUCTED}, PayoutState.PAID,
         "Only a released bank transfer can be recorded as paid."),
    Move("fail", {PayoutState.PROCESSING}, PayoutState.FAILED, "Only a payout being paid can fail."),
    # An instructed payout has not left the escrow: a disqualification cancels it (the transfer is not to be made).
    Move("cancel", {*UNPAID_PAYOUTS, PayoutState.INSTRUCTED}, PayoutState.CANCELLED,
         "Only an unpaid payout can be cancelled."),
    Move("flag_reversal", {PayoutState.PAID}, PayoutState.REVERSAL_DUE, "Only a paid payout can be flagged."),
    Move("reverse", set(REVERSIBLE_PAYOUTS), PayoutState.REVERSED, "Only a paid payout can be reversed."),
))


class RefundState(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


REFUND_MOVES = Lifecycle("refund", (
    Move("succeed", {RefundState.PENDING}, RefundState.SUCCEEDED, "Only a pending refund can succeed."),
    Move("fail", {RefundState.PENDING}, RefundState.FAILED, "Only a pending refund can fail."),
))
COUNTED_REFUNDS = (RefundState.SUCCEEDED, RefundState.PENDING)  # made, or promised: not refundable again


class PayeeState(enum.StrEnum):
    PENDING = "pending"
    READY = "ready"


class FunderState(enum.StrEnum):
    """A co-funder named by someone else is pending until one of its members accepts."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


FUNDER_MOVES = Lifecycle("co-funder", (
    Move("accept", {FunderState.PENDING}, FunderState.ACCEPTED, "This request has already been answered."),
    Move("decline", {FunderState.PENDING}, FunderState.DECLINED, "This request has already been answered."),
))


class SplitState(enum.StrEnum):
    """A team award's split: none (a solo award), proposed by the lead, agreed by every member."""

    NONE = "none"
    PROPOSED = "proposed"
    AGREED = "agreed"


SPLIT_MOVES = Lifecycle("split", (
    Move("propose", {SplitState.NONE, SplitState.PROPOSED}, SplitState.PROPOSED,
         "Everyone has agreed the split already; it can no longer change."),
    Move("agree", {SplitState.PROPOSED}, SplitState.AGREED, "There is no proposed split waiting for agreement."),
), attribute="split_state")
