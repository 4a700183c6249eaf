"""stage grants and team splits: budget and who may set them

Revision ID: 0012_stage_grant_rules
Revises: 0011_money_once
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0012_stage_grant_rules"
down_revision = "0011_money_once"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
