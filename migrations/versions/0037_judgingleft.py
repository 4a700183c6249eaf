"""people's choice announced: when the public vote's winner was announced (and awarded) after the vote
closed, so the job that announces it (judging.peoples_choice) does it once

Revision ID: 0037_judgingleft
Revises: 0034_webhooks
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0037_judgingleft"
down_revision = "0034_webhooks"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("judging_settings") as batch:
        batch.add_column(sa.Column("vote_announced_at", challenge.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("judging_settings") as batch:
        batch.drop_column("vote_announced_at")
