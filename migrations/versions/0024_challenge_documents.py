"""challenge documents: the brief and data pack a seeker attaches for entrants to download

Revision ID: 0024_challenge_documents
Revises: 0022_notifications
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0024_challenge_documents"
down_revision = "0022_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "challenge_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("cleaned", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", challenge.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind in ('brief', 'data_pack', 'other')", name=op.f("ck_challenge_documents_kind")),
        sa.CheckConstraint("size > 0", name=op.f("ck_challenge_documents_size")),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_challenge_documents_challenge_id_challenges"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_challenge_documents_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_documents")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_challenge_documents_stored_name")),
    )
    op.create_index(op.f("ix_challenge_documents_challenge_id"), "challenge_documents", ["challenge_id"])


def downgrade():
    op.drop_index(op.f("ix_challenge_documents_challenge_id"), table_name="challenge_documents")
    op.drop_table("challenge_documents")
