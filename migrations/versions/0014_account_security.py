"""accounts: session ids, second factor, security events, email confirmation

Revision ID: 0014_account_security
Revises: 0013_judging_trust
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0014_account_security"
down_revision = "0013_judging_trust"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
