"""list indexes: the questions a person asked, read by their dashboard's notification list on every visit
(notifications/feed.scope_of), by an index on questions.asked_by_id instead of a scan of every question

Revision ID: 0038_listindexes
Revises: 0037_judgingleft
"""
from alembic import op

revision = "0038_listindexes"
down_revision = "0037_judgingleft"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_questions_asked_by_id", "questions", ["asked_by_id"])


def downgrade():
    op.drop_index("ix_questions_asked_by_id", table_name="questions")
