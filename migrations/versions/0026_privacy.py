"""privacy: legal holds, retention runs, erasures, email preferences, service users' stories with their
consent; the audit log lets retention and erasure redact a row's personal detail (IP address, browser,
reason, data) while who did what, to which object and when can still never change

Revision ID: 0026_privacy
Revises: 0025_pairwise_rounds
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0026_privacy"
down_revision = "0025_pairwise_rounds"
branch_labels = None
depends_on = None



def _when():
    return challenge.types.UTCDateTime(timezone=True)


# The trail's facts: a change to any of them is still refused; the personal detail may be redacted.
FACTS = ("actor_id", "action", "object_type", "object_id", "from_state", "to_state", "at")
PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FACTS)
SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FACTS)
PG_UP = f"""
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR {PG_CHANGED} THEN
        RAISE EXCEPTION 'the audit log is append-only';
    END IF;
    RETURN NEW;
END;
$$;
"""
PG_DOWN = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
"""
SQLITE_UP = f"""
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
WHEN {SQLITE_CHANGED}
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
"""
SQLITE_DOWN = """
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
"""


def _audit_trigger(pg: str, sqlite: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(pg)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only;")
        op.execute(sqlite)


def upgrade():
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by_id", sa.Integer(), nullable=False),
        sa.Column("placed_at", _when(), nullable=False),
        sa.Column("lifted_by_id", sa.Integer(), nullable=True),
        sa.Column("lifted_at", _when(), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"], name=op.f("fk_legal_holds_challenge_id_challenges"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["placed_by_id"], ["users.id"], name=op.f("fk_legal_holds_placed_by_id_users")),
        sa.ForeignKeyConstraint(["lifted_by_id"], ["users.id"], name=op.f("fk_legal_holds_lifted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index("ix_legal_holds_active", "legal_holds", ["challenge_id", "lifted_at"], unique=False)
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ran_at", _when(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_index(op.f("ix_retention_runs_ran_at"), "retention_runs", ["ran_at"], unique=False)
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("erased_by_id", sa.Integer(), nullable=True),
        sa.Column("erased_at", _when(), nullable=False),
        sa.Column("by_request_of", sa.String(length=10), nullable=False),
        sa.Column("files_deleted", sa.Integer(), nullable=False),
        sa.CheckConstraint("by_request_of in ('person', 'broker')", name=op.f("ck_erasures_by_request_of")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_erasures_user_id_users")),
        sa.ForeignKeyConstraint(["erased_by_id"], ["users.id"], name=op.f("fk_erasures_erased_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
        sa.UniqueConstraint("user_id", name=op.f("uq_erasures_user_id")),
    )
    op.create_table(
        "email_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("optional_email", sa.Boolean(), nullable=False),
        sa.Column("changed_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_email_preferences_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_email_preferences")),
    )
    op.create_table(
        "diagnosis_stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("diagnosis_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("consent_by", sa.String(length=200), nullable=False),
        sa.Column("consent_use", sa.String(length=300), nullable=False),
        sa.Column("consent_at", _when(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", _when(), nullable=True),
        sa.CheckConstraint("kind in ('story', 'evidence')", name=op.f("ck_diagnosis_stories_kind")),
        sa.ForeignKeyConstraint(["diagnosis_id"], ["diagnoses.id"],
                                name=op.f("fk_diagnosis_stories_diagnosis_id_diagnoses"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_diagnosis_stories_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnosis_stories")),
    )
    op.create_index(op.f("ix_diagnosis_stories_diagnosis_id"), "diagnosis_stories", ["diagnosis_id"], unique=False)
    _audit_trigger(PG_UP, SQLITE_UP)


def downgrade():
    _audit_trigger(PG_DOWN, SQLITE_DOWN)
    op.drop_index(op.f("ix_diagnosis_stories_diagnosis_id"), table_name="diagnosis_stories")
    op.drop_table("diagnosis_stories")
    op.drop_table("email_preferences")
    op.drop_table("erasures")
    op.drop_index(op.f("ix_retention_runs_ran_at"), table_name="retention_runs")
    op.drop_table("retention_runs")
    op.drop_index("ix_legal_holds_active", table_name="legal_holds")
    op.drop_table("legal_holds")
