"""decisions: a reason for an empty prize place, publication, and the broker's correction

Revision ID: 0017_decision_publication
Revises: 0016_consents
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0017_decision_publication"
down_revision = "0016_consents"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("empty_reason", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("published_at", challenge.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("corrected_at", challenge.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("corrected_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("correction_reason", sa.Text(), server_default="", nullable=False))
        batch.create_foreign_key(op.f("fk_decisions_published_by_id_users"), "users", ["published_by_id"], ["id"])
        batch.create_foreign_key(op.f("fk_decisions_corrected_by_id_users"), "users", ["corrected_by_id"], ["id"])
    # Decisions recorded before publication existed took effect at once: they count as published then.
    op.execute("UPDATE decisions SET published_at = decided_at, published_by_id = decided_by_id")


def downgrade():
    with op.batch_alter_table("decisions") as batch:
        batch.drop_constraint(op.f("fk_decisions_corrected_by_id_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_decisions_published_by_id_users"), type_="foreignkey")
        batch.drop_column("correction_reason")
        batch.drop_column("corrected_by_id")
        batch.drop_column("corrected_at")
        batch.drop_column("published_by_id")
        batch.drop_column("published_at")
        batch.drop_column("empty_reason")
