"""organisation name index: the catalogue's organisation filter finds an organisation by its name in any case
(catalogue.organisations_named), from an index on lower(name) rather than a scan of every organisation

Revision ID: 0042_orgnameindex
Revises: 0041_challengecounts
"""
import sqlalchemy as sa
from alembic import op

revision = "0042_orgnameindex"
down_revision = "0041_challengecounts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_organisations_name_lower", "organisations", [sa.text("lower(name)")])


def downgrade():
    op.drop_index("ix_organisations_name_lower", table_name="organisations")
