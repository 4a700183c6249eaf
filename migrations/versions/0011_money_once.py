"""money: one award per prize place, one funding transaction per payment, disqualification and reversal

Revision ID: 0011_money_once
Revises: 0010_judge_reminders
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0011_money_once"
down_revision = "0010_judge_reminders"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
