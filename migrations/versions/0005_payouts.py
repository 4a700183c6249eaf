"""payouts: funders, fundings, ledger, awards, payees, payouts, refunds, provider events

Prize money held in escrow on an append-only double-entry ledger (integer minor units), the awards and
team splits that promise it, the payouts and refunds that move it, and the webhook events recorded once.

Revision ID: 0005_payouts
Revises: 0004_challenges
Create Date: 2026-11-28 00:49:13.276654

"""
from alembic import op
import sqlalchemy as sa

import challenge.types  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '0005_payouts'
down_revision = '0004_challenges'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provider_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.String(length=120), nullable=False),
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('livemode', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.String(length=300), nullable=False),
    sa.Column('received_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('processed_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_events')),
    sa.UniqueConstraint('provider', 'event_id', name=op.f('uq_provider_events_provider_event_id'))
    )
    op.create_table('payee_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('provider_account_id', sa.String(length=200), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('account_holder', sa.String(length=120), nullable=False),
    sa.Column('bank_details_encrypted', sa.Text(), nullable=False),
    sa.Column('last4', sa.String(length=4), nullable=False),
    sa.Column('status_as_of', sa.Integer(), nullable=False),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state in ('pending', 'ready')", name=op.f('ck_payee_accounts_state')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_payee_accounts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payee_accounts')),
    sa.UniqueConstraint('provider_account_id', name=op.f('uq_payee_accounts_provider_account_id')),
    sa.UniqueConstraint('user_id', 'provider', name=op.f('uq_payee_accounts_user_id_provider'))
    )
    with op.batch_alter_table('payee_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payee_accounts_user_id'), ['user_id'], unique=False)

    op.create_table('challenge_finances',
    sa.Column('challenge_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('fee_bp', sa.Integer(), nullable=False),
    sa.Column('stage_grants_budget', sa.Integer(), nullable=False),
    sa.Column('funding_waived', sa.Boolean(), nullable=False),
    sa.Column('waiver_reason', sa.Text(), nullable=False),
    sa.Column('waived_by_id', sa.Integer(), nullable=True),
    sa.Column('waived_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('fee_bp >= 0 and fee_bp <= 5000', name=op.f('ck_challenge_finances_fee_bp')),
    sa.CheckConstraint('stage_grants_budget >= 0', name=op.f('ck_challenge_finances_stage_grants_budget')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_finances_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['waived_by_id'], ['users.id'], name=op.f('fk_challenge_finances_waived_by_id_users')),
    sa.PrimaryKeyConstraint('challenge_id', name=op.f('pk_challenge_finances'))
    )
    op.create_table('funders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('share_bp', sa.Integer(), nullable=False),
    sa.Column('pledged_amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('pledged_amount >= 0', name=op.f('ck_funders_pledged_amount')),
    sa.CheckConstraint('share_bp > 0 and share_bp <= 10000', name=op.f('ck_funders_share_bp')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_funders_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_funders_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funders')),
    sa.UniqueConstraint('challenge_id', 'organisation_id', name=op.f('uq_funders_challenge_id_organisation_id'))
    )
    with op.batch_alter_table('funders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funders_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('ledger_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('memo', sa.String(length=300), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('funding', 'fee', 'payout', 'reversal', 'refund')", name=op.f('ck_ledger_transactions_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ledger_transactions_actor_id_users')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_ledger_transactions_challenge_id_challenges')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_transactions'))
    )
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_transactions_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('prize_id', sa.Integer(), nullable=True),
    sa.Column('round_position', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('split_state', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("split_state in ('none', 'proposed', 'agreed')", name=op.f('ck_awards_split_state')),
    sa.CheckConstraint('(prize_id is null) <> (round_position is null)', name=op.f('ck_awards_prize_or_round')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_awards_amount_positive')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_awards_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_awards_created_by_id_users')),
    sa.ForeignKeyConstraint(['prize_id'], ['prizes.id'], name=op.f('fk_awards_prize_id_prizes')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_awards_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards')),
    sa.UniqueConstraint('submission_id', 'prize_id', name=op.f('uq_awards_submission_id_prize_id')),
    sa.UniqueConstraint('submission_id', 'round_position', name=op.f('uq_awards_submission_id_round_position'))
    )
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_awards_submission_id'), ['submission_id'], unique=False)

    op.create_table('fundings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('funder_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('checkout_session_id', sa.String(length=120), nullable=True),
    sa.Column('payment_intent_id', sa.String(length=120), nullable=True),
    sa.Column('bank_reference', sa.String(length=120), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state in ('pending', 'paid', 'failed', 'cancelled')", name=op.f('ck_fundings_state')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_fundings_amount_positive')),
    sa.ForeignKeyConstraint(['funder_id'], ['funders.id'], name=op.f('fk_fundings_funder_id_funders')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_fundings_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fundings')),
    sa.UniqueConstraint('checkout_session_id', name=op.f('uq_fundings_checkout_session_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_fundings_reference'))
    )
    with op.batch_alter_table('fundings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fundings_funder_id'), ['funder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fundings_payment_intent_id'), ['payment_intent_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_ledger_entries_amount_nonzero')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_entries_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_account', ['account', 'currency'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('payout_splits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('share_bp', sa.Integer(), nullable=False),
    sa.Column('agreed_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('share_bp >= 0 and share_bp <= 10000', name=op.f('ck_payout_splits_share_bp')),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_payout_splits_award_id_awards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_payout_splits_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_splits')),
    sa.UniqueConstraint('award_id', 'user_id', name=op.f('uq_payout_splits_award_id_user_id'))
    )
    with op.batch_alter_table('payout_splits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_splits_award_id'), ['award_id'], unique=False)

    op.create_table('payouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('payee_account_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('provider_reference', sa.String(length=200), nullable=True),
    sa.Column('failure_message', sa.Text(), nullable=False),
    sa.Column('attempted_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reversed_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reversal_reason', sa.Text(), nullable=False),
    sa.Column('reversal_reference', sa.String(length=200), nullable=True),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state in ('awaiting_payee', 'ready', 'processing', 'paid', 'failed', 'reversed')", name=op.f('ck_payouts_state')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payouts_amount_positive')),
    sa.CheckConstraint('attempt >= 1', name=op.f('ck_payouts_attempt')),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_payouts_award_id_awards')),
    sa.ForeignKeyConstraint(['payee_account_id'], ['payee_accounts.id'], name=op.f('fk_payouts_payee_account_id_payee_accounts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_payouts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts')),
    sa.UniqueConstraint('award_id', 'user_id', name=op.f('uq_payouts_award_id_user_id')),
    sa.UniqueConstraint('provider_reference', name=op.f('uq_payouts_provider_reference'))
    )
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payouts_award_id'), ['award_id'], unique=False)
        batch_op.create_index('ix_payouts_state', ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_payouts_user_id'), ['user_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('funder_id', sa.Integer(), nullable=False),
    sa.Column('funding_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('provider_reference', sa.String(length=200), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('failure_message', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state in ('pending', 'succeeded', 'failed')", name=op.f('ck_refunds_state')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_refunds_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_refunds_created_by_id_users')),
    sa.ForeignKeyConstraint(['funder_id'], ['funders.id'], name=op.f('fk_refunds_funder_id_funders')),
    sa.ForeignKeyConstraint(['funding_id'], ['fundings.id'], name=op.f('fk_refunds_funding_id_fundings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_funder_id'), ['funder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_funding_id'), ['funding_id'], unique=False)



def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_funding_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_funder_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_challenge_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payouts_user_id'))
        batch_op.drop_index('ix_payouts_state')
        batch_op.drop_index(batch_op.f('ix_payouts_award_id'))

    op.drop_table('payouts')
    with op.batch_alter_table('payout_splits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_splits_award_id'))

    op.drop_table('payout_splits')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_transaction_id'))
        batch_op.drop_index('ix_ledger_entries_account')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('fundings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fundings_payment_intent_id'))
        batch_op.drop_index(batch_op.f('ix_fundings_funder_id'))

    op.drop_table('fundings')
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_submission_id'))
        batch_op.drop_index(batch_op.f('ix_awards_challenge_id'))

    op.drop_table('awards')
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_transactions_challenge_id'))

    op.drop_table('ledger_transactions')
    with op.batch_alter_table('funders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funders_challenge_id'))

    op.drop_table('funders')
    op.drop_table('challenge_finances')
    with op.batch_alter_table('payee_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payee_accounts_user_id'))

    op.drop_table('payee_accounts')
    op.drop_table('provider_events')
