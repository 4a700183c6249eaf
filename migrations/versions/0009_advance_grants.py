"""advance grants: a stage grant per entry advanced from a round, paid when the chair advances them

Revision ID: 0009_advance_grants
Revises: 0008_page_cache
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_advance_grants"
down_revision = "0008_page_cache"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("advance_grant", sa.Integer(), nullable=True))
        batch.create_check_constraint(batch.f("ck_rounds_advance_grant"), "advance_grant is null or advance_grant > 0")


def downgrade():
    with op.batch_alter_table("rounds") as batch:
        batch.drop_constraint(batch.f("ck_rounds_advance_grant"), type_="check")
        batch.drop_column("advance_grant")
