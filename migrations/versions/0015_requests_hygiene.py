"""requests: confirmed email addresses, team invitations

Revision ID: 0015_requests_hygiene
Revises: 0014_account_security
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0015_requests_hygiene"
down_revision = "0014_account_security"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
