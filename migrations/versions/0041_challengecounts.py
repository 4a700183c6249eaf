"""challenge counts: how many challenges are in each state, kept in the same transaction as the challenges
(challenge/challenges/counts.py), so the catalogue says how many are listed without counting them

Revision ID: 0041_challengecounts
Revises: 0040_searchsort
"""
import sqlalchemy as sa
from alembic import op

revision = "0041_challengecounts"
down_revision = "0040_searchsort"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "challenge_counts",
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_challenge_counts")),
    )
    op.execute("INSERT INTO challenge_counts (state, n) SELECT state, count(*) FROM challenges GROUP BY state")


def downgrade():
    op.drop_table("challenge_counts")
