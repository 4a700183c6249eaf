"""submission counts: how many submissions each challenge has in each state, kept in the same transaction
as the submissions (challenge/submissions/counts.py), so dashboards read counts instead of counting

Revision ID: 0033_counts
Revises: 0029_api_tokens
"""
import sqlalchemy as sa
from alembic import op

revision = "0033_counts"
down_revision = "0029_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "submission_counts",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_submission_counts_challenge_id_challenges"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("challenge_id", "state", name=op.f("pk_submission_counts")),
    )
    op.execute("INSERT INTO submission_counts (challenge_id, state, n) "
               "SELECT challenge_id, state, count(*) FROM submissions GROUP BY challenge_id, state")


def downgrade():
    op.drop_table("submission_counts")
