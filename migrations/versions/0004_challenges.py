"""challenges: stored prize pool (indexed), review and cancel fields, full-text search index

Revision ID: 0004_challenges
Revises: 0003_accounts
Create Date: 2026-11-28 00:45:26

"""
from alembic import op
import sqlalchemy as sa

import challenge.types  # noqa: F401  (UTCDateTime columns)


revision = '0004_challenges'
down_revision = '0003_accounts'
branch_labels = None
depends_on = None

# The same expression as challenge.challenges.models.search_document(), so queries use the index.
SEARCH_DOCUMENT = (
    "to_tsvector('english'::regconfig, (((title::text || ' '::text) || summary::text) || ' '::text) || problem)"
)


def upgrade():
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('prize_pool', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sent_for_review_at', challenge.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_challenges_prize_pool'), ['prize_pool'], unique=False)
        batch_op.create_check_constraint(batch_op.f('ck_challenges_prize_pool_not_negative'), 'prize_pool >= 0')

    # Existing challenges get their pool from their tiers.
    op.execute(
        "UPDATE challenges SET prize_pool = COALESCE("
        "(SELECT SUM(amount * winners) FROM prizes WHERE prizes.challenge_id = challenges.id), 0)"
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_challenges_search', 'challenges', [sa.text(SEARCH_DOCUMENT)], postgresql_using='gin')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_challenges_search', table_name='challenges')
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_challenges_prize_pool_not_negative'), type_='check')
        batch_op.drop_index(batch_op.f('ix_challenges_prize_pool'))
        batch_op.drop_column('sent_for_review_at')
        batch_op.drop_column('prize_pool')
        batch_op.drop_column('cancel_reason')
