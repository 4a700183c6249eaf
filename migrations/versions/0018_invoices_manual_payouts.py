"""invoices numbered with a purchase order and due date; manual payouts instructed, then recorded as paid

Fundings get `invoice_number` (unique, from the one-row `invoice_counters`), `po_number` and `due_at`;
invoices issued before are numbered in the order they were issued. Payouts may be `instructed` (a manual
payout released, the bank transfer still to make) and get `instructed_at`, `bank_reference` and `paid_on`.

Revision ID: 0018_invoices_manual_payouts
Revises: 0017_decision_publication
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0018_invoices_manual_payouts"
down_revision = ("0017_decision_publication", "0017_search_index")
branch_labels = None
depends_on = None

OLD_STATES = ("awaiting_payee", "ready", "processing", "paid", "failed", "reversed", "cancelled", "reversal_due")
NEW_STATES = OLD_STATES + ("instructed",)


def _in(values):
    return f"state in ({', '.join(repr(v) for v in values)})"


def upgrade():
    op.create_table(
        "invoice_counters",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.CheckConstraint("last_number >= 0", name=op.f("ck_invoice_counters_last_number")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_counters")),
    )
    with op.batch_alter_table("fundings") as batch:
        batch.add_column(sa.Column("invoice_number", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("po_number", sa.String(length=60), server_default="", nullable=False))
        batch.add_column(sa.Column("due_at", challenge.types.UTCDateTime(timezone=True), nullable=True))
        batch.create_unique_constraint(op.f("uq_fundings_invoice_number"), ["invoice_number"])
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.text("select id from fundings where provider = 'manual' order by id"))]
    for number, funding_id in enumerate(ids, start=1):
        conn.execute(sa.text("update fundings set invoice_number = :n where id = :id"), {"n": number, "id": funding_id})
    conn.execute(sa.text("insert into invoice_counters (id, last_number) values (1, :n)"), {"n": len(ids)})
    with op.batch_alter_table("payouts") as batch:
        batch.add_column(sa.Column("instructed_at", challenge.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("bank_reference", sa.String(length=120), server_default="", nullable=False))
        batch.add_column(sa.Column("paid_on", sa.Date(), nullable=True))
        batch.drop_constraint(batch.f("ck_payouts_state"), type_="check")
        batch.create_check_constraint(batch.f("ck_payouts_state"), _in(NEW_STATES))


def downgrade():
    # An instructed payout goes back to processing: `flask payouts retry` then asks the provider again.
    op.execute("update payouts set state = 'processing' where state = 'instructed'")
    with op.batch_alter_table("payouts") as batch:
        batch.drop_constraint(batch.f("ck_payouts_state"), type_="check")
        batch.create_check_constraint(batch.f("ck_payouts_state"), _in(OLD_STATES))
        batch.drop_column("paid_on")
        batch.drop_column("bank_reference")
        batch.drop_column("instructed_at")
    with op.batch_alter_table("fundings") as batch:
        batch.drop_constraint(op.f("uq_fundings_invoice_number"), type_="unique")
        batch.drop_column("due_at")
        batch.drop_column("po_number")
        batch.drop_column("invoice_number")
    op.drop_table("invoice_counters")
