"""consents: co-funders accept their share, payout details cooling-off

Revision ID: 0016_consents
Revises: 0015_requests_hygiene
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0016_consents"
down_revision = "0015_requests_hygiene"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
