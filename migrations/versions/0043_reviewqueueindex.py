"""review queue index: the broker's review queue reads the challenges in review longest-waiting first, its page's
rows only, from an index on challenges (state, coalesce(sent_for_review_at, updated_at), id), rather than reading
and sorting every waiting challenge (500 in the benchmark: 493 heap pages on PostgreSQL)

Revision ID: 0043_reviewqueueindex
Revises: 0042_orgnameindex
"""
import sqlalchemy as sa
from alembic import op

revision = "0043_reviewqueueindex"
down_revision = "0042_orgnameindex"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_challenges_review_queue", "challenges",
                    ["state", sa.text("coalesce(sent_for_review_at, updated_at)"), "id"])


def downgrade():
    op.drop_index("ix_challenges_review_queue", table_name="challenges")
