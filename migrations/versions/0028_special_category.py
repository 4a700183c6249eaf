"""special category: service users' stories and a diagnosis's evidence, quotes and survey findings are
sealed at rest (platform/sealed.py, the key derived from SECRET_KEY for special category data); a story's
consent_by becomes text, since its ciphertext is longer than the 200 characters the form allows

Revision ID: 0028_special_category
Revises: 0027_dpia
"""
import sqlalchemy as sa
from alembic import op

from challenge.platform.sealed import SPECIAL_CATEGORY

revision = "0028_special_category"
down_revision = "0027_dpia"
branch_labels = None
depends_on = None

# The columns diagnoses/personal_data.py declares special, as they were when this revision was written.
SEALED = {"diagnoses": ("evidence", "quotes", "survey_findings"), "diagnosis_stories": ("body", "consent_by")}


def _rewrite(change) -> None:
    """Apply `change` (seal or unseal) to every non-empty special value, row by row."""
    connection = op.get_bind()
    for name, columns in SEALED.items():
        table = sa.table(name, sa.column("id", sa.Integer), *(sa.column(c, sa.Text) for c in columns))
        for row in connection.execute(sa.select(table)).mappings().all():
            values = {c: change(row[c]) for c in columns if row[c]}
            if values:
                connection.execute(table.update().where(table.c.id == row["id"]).values(values))


def upgrade():
    with op.batch_alter_table("diagnosis_stories") as batch:
        batch.alter_column("consent_by", existing_type=sa.String(length=200), type_=sa.Text(),
                           existing_nullable=False)
    _rewrite(SPECIAL_CATEGORY.seal)


def downgrade():
    _rewrite(SPECIAL_CATEGORY.unseal)
    with op.batch_alter_table("diagnosis_stories") as batch:
        batch.alter_column("consent_by", existing_type=sa.Text(), type_=sa.String(length=200),
                           existing_nullable=False)
