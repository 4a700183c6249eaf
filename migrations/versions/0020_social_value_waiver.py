"""social value waiver: a broker may waive PPN 002's social value rule for one challenge, with a reason

Revision ID: 0020_social_value_waiver
Revises: 0018_invoices_manual_payouts
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0020_social_value_waiver"
down_revision = "0018_invoices_manual_payouts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("judging_settings") as batch:
        batch.add_column(sa.Column("social_value_waiver", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("social_value_waived_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("social_value_waived_at", challenge.types.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.create_foreign_key(op.f("fk_judging_settings_social_value_waived_by_id_users"), "users",
                                 ["social_value_waived_by_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("judging_settings") as batch:
        batch.drop_constraint(op.f("fk_judging_settings_social_value_waived_by_id_users"), type_="foreignkey")
        batch.drop_column("social_value_waived_at")
        batch.drop_column("social_value_waived_by_id")
        batch.drop_column("social_value_waiver")
