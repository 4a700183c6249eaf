"""api tokens: personal tokens for the authenticated API (only their SHA-256 is kept), with scope and
last-used time

Revision ID: 0029_api_tokens
Revises: 0032_jobs
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0029_api_tokens"
down_revision = "0032_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", challenge.types.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", challenge.types.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", challenge.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("scope in ('read', 'write')", name=op.f("ck_api_tokens_scope")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens") as batch:
        batch.create_index(batch.f("ix_api_tokens_user_id"), ["user_id"])


def downgrade():
    op.drop_table("api_tokens")
