"""entry questions: what a challenge asks every entrant, and each entry's answers

Revision ID: 0021_entry_questions
Revises: 0020_social_value_waiver
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0021_entry_questions"
down_revision = "0020_social_value_waiver"
branch_labels = None
depends_on = None

KINDS = "kind in ('short_text', 'long_text', 'choice', 'number', 'yes_no', 'file')"


def upgrade():
    op.create_table(
        "entry_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("help_text", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("identifying", sa.Boolean(), nullable=False),
        sa.Column("max_length", sa.Integer(), nullable=True),
        sa.Column("max_words", sa.Integer(), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("min_value", sa.Integer(), nullable=True),
        sa.Column("max_value", sa.Integer(), nullable=True),
        sa.Column("file_types", sa.JSON(), nullable=False),
        sa.Column("max_bytes", sa.Integer(), nullable=True),
        sa.Column("eligibility", sa.Boolean(), nullable=False),
        sa.Column("ineligible_answers", sa.JSON(), nullable=False),
        sa.Column("ineligible_message", sa.Text(), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_entry_questions_kind")),
        sa.CheckConstraint("max_bytes is null or max_bytes > 0", name=op.f("ck_entry_questions_max_bytes_positive")),
        sa.CheckConstraint("min_value is null or max_value is null or min_value <= max_value",
                           name=op.f("ck_entry_questions_number_range")),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_entry_questions_challenge_id_challenges"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_questions")),
    )
    op.create_index(op.f("ix_entry_questions_challenge_id"), "entry_questions", ["challenge_id"])
    op.create_table(
        "entry_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=True),
        sa.Column("stored_name", sa.String(length=64), nullable=True),
        sa.Column("content_type", sa.String(length=120), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("cleaned", sa.Boolean(), nullable=True),
        sa.Column("updated_at", challenge.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size is null or size >= 0", name=op.f("ck_entry_answers_size")),
        sa.ForeignKeyConstraint(["question_id"], ["entry_questions.id"],
                                name=op.f("fk_entry_answers_question_id_entry_questions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name=op.f("fk_entry_answers_submission_id_submissions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_answers")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_entry_answers_stored_name")),
        sa.UniqueConstraint("submission_id", "question_id", name=op.f("uq_entry_answers_submission_id_question_id")),
    )
    op.create_index(op.f("ix_entry_answers_question_id"), "entry_answers", ["question_id"])
    op.create_index(op.f("ix_entry_answers_submission_id"), "entry_answers", ["submission_id"])


def downgrade():
    op.drop_index(op.f("ix_entry_answers_submission_id"), table_name="entry_answers")
    op.drop_index(op.f("ix_entry_answers_question_id"), table_name="entry_answers")
    op.drop_table("entry_answers")
    op.drop_index(op.f("ix_entry_questions_challenge_id"), table_name="entry_questions")
    op.drop_table("entry_questions")
