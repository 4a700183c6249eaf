"""queue order: each score sheet keeps its entry's reference (set when the sheet is made; a reference never
changes), so a judge's queue reads its page in reference order from an index on assignments (round_id,
panel_member_id, reference) and joins the page's entries only, rather than reading every entry of the round to
sort them (500 in the benchmark: 1,500 buffer hits on PostgreSQL, 1.4 ms of the server's CPU a request)

Revision ID: 0045_queueorder
Revises: 0044_listedsearch
"""
import sqlalchemy as sa
from alembic import op

revision = "0045_queueorder"
down_revision = "0044_listedsearch"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("reference", sa.String(20), nullable=True))
    op.execute("UPDATE assignments SET reference = "
               "(SELECT submissions.reference FROM submissions WHERE submissions.id = assignments.submission_id)")
    with op.batch_alter_table("assignments") as batch:
        batch.alter_column("reference", existing_type=sa.String(20), nullable=False)
    op.create_index("ix_assignments_queue", "assignments", ["round_id", "panel_member_id", "reference"])


def downgrade():
    op.drop_index("ix_assignments_queue", table_name="assignments")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("reference")
