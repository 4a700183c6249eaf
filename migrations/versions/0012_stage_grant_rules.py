"""awards cancelled by a disqualification; payouts cancelled, or flagged for reversal when already paid

An award gets `cancelled_at` and `cancel_reason`. Payouts may be `cancelled` (never paid) or
`reversal_due` (paid, waiting for a broker to take the money back). Who may set a round's stage grant
and the stage-grant budget are rules in the code and need no schema.

Revision ID: 0012_stage_grant_rules
Revises: 0011_money_once
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0012_stage_grant_rules"
down_revision = "0011_money_once"
branch_labels = None
depends_on = None

OLD_STATES = ("awaiting_payee", "ready", "processing", "paid", "failed", "reversed")
NEW_STATES = OLD_STATES + ("cancelled", "reversal_due")


def _in(values):
    return f"state in ({', '.join(repr(v) for v in values)})"


def upgrade():
    with op.batch_alter_table("awards") as batch:
        batch.add_column(sa.Column("cancelled_at", challenge.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("payouts") as batch:
        batch.drop_constraint(batch.f("ck_payouts_state"), type_="check")
        batch.create_check_constraint(batch.f("ck_payouts_state"), _in(NEW_STATES))


def downgrade():
    # Cancelled payouts were never paid; flagged ones were paid and not yet reversed.
    op.execute("update payouts set state = 'paid' where state = 'reversal_due'")
    op.execute("update payouts set state = 'failed', failure_message = 'Cancelled: the entry was disqualified. "
               "Do not retry.' where state = 'cancelled'")
    with op.batch_alter_table("payouts") as batch:
        batch.drop_constraint(batch.f("ck_payouts_state"), type_="check")
        batch.create_check_constraint(batch.f("ck_payouts_state"), _in(OLD_STATES))
    with op.batch_alter_table("awards") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_at")
