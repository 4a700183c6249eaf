"""accounts: session ids, second factor, security events, email confirmation

Revision ID: 0014_account_security
Revises: 0013_judging_trust
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0014_account_security"
down_revision = "0013_judging_trust"
branch_labels = None
depends_on = None


def upgrade():
    # Where a recorded action came from. Plain ADD COLUMN (no table rebuild), so SQLite keeps the audit
    # log's append-only trigger.
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("ip", sa.String(length=45), server_default="", nullable=False))
        batch.add_column(sa.Column("user_agent", sa.String(length=300), server_default="", nullable=False))
        batch.create_index(batch.f("ix_audit_events_ip"), ["ip"], unique=False)
    op.create_table(
        "second_factors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("confirmed_at", challenge.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", challenge.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_second_factors_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factors")),
        sa.UniqueConstraint("user_id", name=op.f("uq_second_factors_user_id")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", challenge.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", challenge.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_recovery_codes_code_hash")),
    )
    with op.batch_alter_table("recovery_codes") as batch:
        batch.create_index(batch.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("recovery_codes") as batch:
        batch.drop_index(batch.f("ix_recovery_codes_user_id"))
    op.drop_table("recovery_codes")
    op.drop_table("second_factors")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index(batch.f("ix_audit_events_ip"))
        batch.drop_column("user_agent")
        batch.drop_column("ip")
