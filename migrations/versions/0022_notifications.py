"""notifications: when each person last looked at their notifications, and seekers' messages to entrants

Revision ID: 0022_notifications
Revises: 0021_entry_questions
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0022_notifications"
down_revision = "0021_entry_questions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notices_seen",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", challenge.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notices_seen_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notices_seen")),
    )
    op.create_table(
        "entrant_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.Column("send_key", sa.String(length=64), nullable=False),
        sa.Column("sent_at", challenge.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("audience in ('all', 'shortlisted')", name=op.f("ck_entrant_messages_audience")),
        sa.CheckConstraint("recipients >= 0", name=op.f("ck_entrant_messages_recipients")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_entrant_messages_author_id_users")),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_entrant_messages_challenge_id_challenges"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["update_id"], ["updates.id"], name=op.f("fk_entrant_messages_update_id_updates"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entrant_messages")),
        sa.UniqueConstraint("send_key", name=op.f("uq_entrant_messages_send_key")),
    )
    op.create_index(op.f("ix_entrant_messages_challenge_id"), "entrant_messages", ["challenge_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_entrant_messages_challenge_id"), table_name="entrant_messages")
    op.drop_table("entrant_messages")
    op.drop_table("notices_seen")
