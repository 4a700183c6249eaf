"""page cache: the generation token that keys anonymous visitors' cached pages

Revision ID: 0008_page_cache
Revises: 0007_perf
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0008_page_cache"
down_revision = "0007_perf"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "page_generations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_generations")),
    )
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16)}])


def downgrade():
    op.drop_table("page_generations")
