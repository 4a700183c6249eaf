"""What the money tables hold about people (records of processing: challenge/platform/processing.py)."""
from challenge.platform.processing import Basis, declare, no_personal_data

AREA = "Prize money"
BOOKS = "Six years after the end of the financial year (the statutory accounting period), then deleted"

declare("payee_accounts", AREA, data="Account holder's name, encrypted bank details, last four digits, "
        "payout email, payment provider account id", columns=("user_id", "account_holder", "bank_details_encrypted",
                                                              "last4", "payout_email", "provider_account_id"),
        subjects="Winners who are paid", purpose="Paying prize money", basis=Basis.CONTRACT,
        retention="Bank details deleted a year after the last payout; the rest as the books",
        recipients="Brokers and finance people; the payment processor (Stripe) for card payouts")
declare("payouts", AREA, data="Who was paid how much, when, with the bank reference",
        columns=("user_id", "provider_reference", "bank_reference", "failure_message", "reversal_reason"),
        subjects="Winners",
        purpose="Paying prize money and keeping the books", basis=Basis.LEGAL_OBLIGATION, retention=BOOKS,
        recipients="Brokers, finance people, auditors; the payment processor")
declare("payout_splits", AREA, data="How a team's prize is shared", columns=("user_id",), subjects="Winning teams",
        purpose="Paying each team member their share", basis=Basis.CONTRACT, retention=BOOKS,
        recipients="The team, brokers")
declare("awards", AREA, data="Which entry won how much, who awarded it, any cancellation reason",
        columns=("created_by_id", "cancel_reason"), subjects="Winners; brokers", purpose="Awarding prizes",
        basis=Basis.LEGAL_OBLIGATION, retention=BOOKS, recipients="Brokers, finance people, auditors")
declare("challenge_finances", AREA, data="Which broker waived funding, and why",
        columns=("waived_by_id",), subjects="Brokers", purpose="Accountable waivers",
        basis=Basis.LEGITIMATE_INTERESTS, retention=BOOKS, recipients="Brokers, finance people",
        not_personal=("waiver_reason",))
declare("funders", AREA, data="Who accepted or declined a funding share", columns=("decided_by_id",),
        subjects="Members of funding organisations", purpose="Co-funding a prize", basis=Basis.CONTRACT,
        retention=BOOKS, recipients="The seeker, brokers")
declare("fundings", AREA, data="Who recorded a payment, with the bank reference",
        columns=("recorded_by_id", "bank_reference"), subjects="Finance people and brokers",
        purpose="Keeping the books", basis=Basis.LEGAL_OBLIGATION, retention=BOOKS,
        recipients="Brokers, finance people, auditors")
declare("refunds", AREA, data="Who made a refund", columns=("created_by_id", "failure_message"),
        subjects="Brokers", purpose="Keeping the books", basis=Basis.LEGAL_OBLIGATION, retention=BOOKS,
        recipients="Brokers, finance people, auditors")
declare("ledger_transactions", AREA, data="Who made each ledger transaction", columns=("actor_id",),
        subjects="Brokers and finance people", purpose="Keeping the books", basis=Basis.LEGAL_OBLIGATION,
        retention=BOOKS, recipients="Brokers, finance people, auditors", not_personal=("memo",))
no_personal_data("ledger_entries", AREA)
no_personal_data("provider_events", AREA)
no_personal_data("invoice_counters", AREA)
