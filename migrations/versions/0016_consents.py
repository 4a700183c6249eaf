"""consents: co-funders accept their share, payout details cooling-off

Revision ID: 0016_consents
Revises: 0015_requests_hygiene
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0016_consents"
down_revision = "0015_requests_hygiene"
branch_labels = None
depends_on = None


def upgrade():
    # Funders already named before consents existed keep counting: they start accepted.
    with op.batch_alter_table("funders") as batch:
        batch.add_column(sa.Column("state", sa.String(length=10), server_default="accepted", nullable=False))
        batch.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decided_at", challenge.types.UTCDateTime(timezone=True), nullable=True))
        batch.create_foreign_key(op.f("fk_funders_decided_by_id_users"), "users", ["decided_by_id"], ["id"])
        batch.create_check_constraint(op.f("ck_funders_state"), "state in ('pending', 'accepted', 'declined')")
    with op.batch_alter_table("payee_accounts") as batch:
        batch.add_column(sa.Column("payout_email", sa.String(length=254), server_default="", nullable=False))
        batch.add_column(sa.Column("details_changed_at", challenge.types.UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table("payee_accounts") as batch:
        batch.drop_column("details_changed_at")
        batch.drop_column("payout_email")
    with op.batch_alter_table("funders") as batch:
        batch.drop_constraint(op.f("ck_funders_state"), type_="check")
        batch.drop_constraint(op.f("fk_funders_decided_by_id_users"), type_="foreignkey")
        batch.drop_column("decided_at")
        batch.drop_column("decided_by_id")
        batch.drop_column("state")
