"""opens index: when the catalogue's statuses next change (the first published challenge still to open), read
from an index on challenges (state, opens_at) instead of a scan of every challenge (10 ms at 10,000)

Revision ID: 0039_opensindex
Revises: 0038_listindexes
"""
from alembic import op

revision = "0039_opensindex"
down_revision = "0038_listindexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_challenges_state_opens", "challenges", ["state", "opens_at"])


def downgrade():
    op.drop_index("ix_challenges_state_opens", table_name="challenges")
