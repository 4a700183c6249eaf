"""pairwise rounds: a round's strategy may be 'pairwise'; the comparisons its judges make

Revision ID: 0025_pairwise_rounds
Revises: 0024_challenge_documents
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0025_pairwise_rounds"
down_revision = "0024_challenge_documents"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rounds") as batch:
        batch.drop_constraint(batch.f("ck_rounds_strategy"), type_="check")
        batch.create_check_constraint(batch.f("ck_rounds_strategy"), "strategy in ('all', 'k', 'pairwise')")
    op.create_table(
        "comparisons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("panel_member_id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("winner_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("decided_at", challenge.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("first_id < second_id", name=op.f("ck_comparisons_ordered")),
        sa.CheckConstraint("winner_id is null or winner_id = first_id or winner_id = second_id",
                           name=op.f("ck_comparisons_winner")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_comparisons_round_id_rounds"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["panel_member_id"], ["panel_members.id"],
                                name=op.f("fk_comparisons_panel_member_id_panel_members"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["first_id"], ["submissions.id"], name=op.f("fk_comparisons_first_id_submissions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["second_id"], ["submissions.id"],
                                name=op.f("fk_comparisons_second_id_submissions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["winner_id"], ["submissions.id"],
                                name=op.f("fk_comparisons_winner_id_submissions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparisons")),
        sa.UniqueConstraint("round_id", "panel_member_id", "first_id", "second_id",
                            name=op.f("uq_comparisons_round_id_panel_member_id_first_id_second_id")),
    )
    with op.batch_alter_table("comparisons") as batch:
        batch.create_index(batch.f("ix_comparisons_panel_member_id"), ["panel_member_id"])
        batch.create_index(batch.f("ix_comparisons_first_id"), ["first_id"])
        batch.create_index(batch.f("ix_comparisons_second_id"), ["second_id"])


def downgrade():
    op.drop_table("comparisons")
    op.execute("delete from rounds where strategy = 'pairwise'")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_constraint(batch.f("ck_rounds_strategy"), type_="check")
        batch.create_check_constraint(batch.f("ck_rounds_strategy"), "strategy in ('all', 'k')")
