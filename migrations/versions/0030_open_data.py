"""open data: organisations' org-id identifiers (charity, company, local authority, NHS codes) and the
owner's opt-in to publish the grants of challenges they fund as 360Giving data

Revision ID: 0030_open_data
Revises: 0033_counts
"""
import sqlalchemy as sa
from alembic import op

revision = "0030_open_data"
down_revision = "0033_counts"
branch_labels = None
depends_on = None

IDENTIFIERS = (("charity_number", 12), ("company_number", 12), ("local_authority_code", 8), ("nhs_org_code", 8))


def upgrade():
    with op.batch_alter_table("organisations") as batch:
        for name, length in IDENTIFIERS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=False, server_default=""))
        batch.add_column(sa.Column("publish_grants_open_data", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("publish_grants_open_data")
        for name, _length in reversed(IDENTIFIERS):
            batch.drop_column(name)
