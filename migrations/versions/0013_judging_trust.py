"""judging: metadata-free copies, automatic conflicts, panel overrides, confirmed voters

Revision ID: 0013_judging_trust
Revises: 0012_stage_grant_rules
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0013_judging_trust"
down_revision = "0012_stage_grant_rules"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("cleaned", sa.Boolean(), nullable=True))
    with op.batch_alter_table("conflicts") as batch:
        batch.add_column(sa.Column("automatic", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("panel_override_reason", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("panel_override_reason")
    with op.batch_alter_table("conflicts") as batch:
        batch.drop_column("automatic")
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("cleaned")
