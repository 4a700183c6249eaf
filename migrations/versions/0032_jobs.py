"""jobs: an outbox message is claimed by one sender (state sending, claim id, claimed at) before it is sent, so a
job run twice never sends it twice; alerts raised once (a reconciliation mismatch emails brokers once)

Revision ID: 0032_jobs
Revises: 0028_special_category
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0032_jobs"
down_revision = "0028_special_category"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("claim_id", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("claimed_at", challenge.types.UTCDateTime(timezone=True), nullable=True))
        batch.drop_constraint(batch.f("ck_outbox_messages_state"), type_="check")
        batch.create_check_constraint(batch.f("ck_outbox_messages_state"),
                                      "state in ('pending', 'sending', 'sent', 'failed')")
    op.create_table(
        "raised_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("raised_at", challenge.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raised_alerts")),
        sa.UniqueConstraint("key", name=op.f("uq_raised_alerts_key")),
    )


def downgrade():
    op.drop_table("raised_alerts")
    op.execute("update outbox_messages set state = 'pending' where state = 'sending'")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint(batch.f("ck_outbox_messages_state"), type_="check")
        batch.create_check_constraint(batch.f("ck_outbox_messages_state"), "state in ('pending', 'sent', 'failed')")
        batch.drop_column("claimed_at")
        batch.drop_column("claim_id")
