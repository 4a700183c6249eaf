"""judging: metadata-free copies, automatic conflicts, panel overrides, confirmed voters

Revision ID: 0013_judging_trust
Revises: 0012_stage_grant_rules
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0013_judging_trust"
down_revision = "0012_stage_grant_rules"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
