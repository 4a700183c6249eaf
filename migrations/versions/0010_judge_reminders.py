"""judge reminders: when a round's judges were last reminded of the sheets they have left

Revision ID: 0010_judge_reminders
Revises: 0009_advance_grants
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0010_judge_reminders"
down_revision = "0009_advance_grants"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("reminded_at", challenge.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("reminded_at")
