"""perf: covering index for the catalogue's organisation filter

Revision ID: 0007_perf
Revises: 0006_judging
"""
from alembic import op

revision = "0007_perf"
down_revision = "0006_judging"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_challenges_organisation_state", "challenges", ["organisation_id", "state"], unique=False)


def downgrade():
    op.drop_index("ix_challenges_organisation_state", table_name="challenges")
