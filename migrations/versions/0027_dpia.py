"""dpia: whether a challenge involves service users' personal data (challenges.service_user_data), and each
challenge's DPIA screening: the ICO's screening questions answered, the outcome, the DPO's sign-off

Revision ID: 0027_dpia
Revises: 0026_privacy
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0027_dpia"
down_revision = "0026_privacy"
branch_labels = None
depends_on = None

KINDS = "service_user_data in ('none', 'personal', 'special')"


def _when():
    return challenge.types.UTCDateTime(timezone=True)


def upgrade():
    # A plain ADD COLUMN: a batch copy of `challenges` would drop the search triggers of 0017. SQLite cannot add
    # a check constraint to an existing table, so there the service checks the value alone.
    op.add_column("challenges", sa.Column("service_user_data", sa.String(length=10), nullable=False,
                                          server_default="none"))
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint(op.f("ck_challenges_service_user_data"), "challenges", KINDS)
    op.create_table(
        "dpia_screenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", _when(), nullable=True),
        sa.Column("full_dpia_required", sa.Boolean(), nullable=False),
        sa.Column("signed_off_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_off_at", _when(), nullable=True),
        sa.Column("dpo_signed_on", sa.Date(), nullable=True),
        sa.Column("dpo_reference", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenges.id"],
                                name=op.f("fk_dpia_screenings_challenge_id_challenges"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"], name=op.f("fk_dpia_screenings_answered_by_id_users")),
        sa.ForeignKeyConstraint(["signed_off_by_id"], ["users.id"],
                                name=op.f("fk_dpia_screenings_signed_off_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dpia_screenings")),
        sa.UniqueConstraint("challenge_id", name=op.f("uq_dpia_screenings_challenge_id")),
    )


def downgrade():
    op.drop_table("dpia_screenings")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_challenges_service_user_data"), "challenges", type_="check")
        op.drop_column("challenges", "service_user_data")
    else:  # SQLite 3.35+ drops a column in place, keeping the search triggers
        op.execute("ALTER TABLE challenges DROP COLUMN service_user_data")
