"""Partnerships after the prize: pipeline, timeline, introductions, solutions library, adoption interest, impact records (SROI) and problem diagnoses.

Revision ID: 0002_partnerships
Revises: 0001_foundation
Create Date: 2026-11-28 00:45:09.438382

"""
from alembic import op
import sqlalchemy as sa

import challenge.types  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '0002_partnerships'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('diagnoses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('quotes', sa.Text(), nullable=False),
    sa.Column('survey_respondents', sa.Integer(), nullable=True),
    sa.Column('survey_findings', sa.Text(), nullable=False),
    sa.Column('causes', sa.Text(), nullable=False),
    sa.Column('stakeholders', sa.Text(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('survey_respondents is null or survey_respondents >= 0', name=op.f('ck_diagnoses_survey_respondents')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_diagnoses_challenge_id_challenges'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_diagnoses_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_diagnoses_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnoses'))
    )
    with op.batch_alter_table('diagnoses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnoses_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('library_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('solution_summary', sa.Text(), nullable=False),
    sa.Column('consent_by_id', sa.Integer(), nullable=False),
    sa.Column('consent_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consent_by_id'], ['users.id'], name=op.f('fk_library_entries_consent_by_id_users')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_library_entries_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_entries')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_library_entries_submission_id'))
    )
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_entries_published_at'), ['published_at'], unique=False)

    op.create_table('partnerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('creator_organisation_id', sa.Integer(), nullable=True),
    sa.Column('counterpart_id', sa.Integer(), nullable=False),
    sa.Column('origin_challenge_id', sa.Integer(), nullable=True),
    sa.Column('origin_submission_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('lost_from_stage', sa.String(length=16), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('commission_amount', sa.BigInteger(), nullable=True),
    sa.Column('commission_bp', sa.Integer(), nullable=True),
    sa.Column('investment', sa.BigInteger(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('next_action', sa.String(length=300), nullable=False),
    sa.Column('next_action_due', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('commissioning', 'pilot', 'investment', 'network', 'policy')", name=op.f('ck_partnerships_kind')),
    sa.CheckConstraint("stage <> 'closed_lost' or closed_reason <> ''", name=op.f('ck_partnerships_closed_reason')),
    sa.CheckConstraint("stage in ('lead', 'introduced', 'in_discussion', 'pilot', 'contracted', 'scaled', 'closed_lost')", name=op.f('ck_partnerships_stage')),
    sa.CheckConstraint('(commission_amount is null) <> (commission_bp is null)', name=op.f('ck_partnerships_commission_one_kind')),
    sa.CheckConstraint('commission_amount is null or commission_amount >= 0', name=op.f('ck_partnerships_commission_amount')),
    sa.CheckConstraint('commission_bp is null or (commission_bp >= 0 and commission_bp <= 10000)', name=op.f('ck_partnerships_commission_bp')),
    sa.CheckConstraint('investment >= 0', name=op.f('ck_partnerships_investment_not_negative')),
    sa.CheckConstraint('value >= 0', name=op.f('ck_partnerships_value_not_negative')),
    sa.ForeignKeyConstraint(['counterpart_id'], ['organisations.id'], name=op.f('fk_partnerships_counterpart_id_organisations')),
    sa.ForeignKeyConstraint(['creator_id'], ['users.id'], name=op.f('fk_partnerships_creator_id_users')),
    sa.ForeignKeyConstraint(['creator_organisation_id'], ['organisations.id'], name=op.f('fk_partnerships_creator_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['origin_challenge_id'], ['challenges.id'], name=op.f('fk_partnerships_origin_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['origin_submission_id'], ['submissions.id'], name=op.f('fk_partnerships_origin_submission_id_submissions')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_partnerships_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships'))
    )
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerships_counterpart_id'), ['counterpart_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_creator_id'), ['creator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_creator_organisation_id'), ['creator_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_origin_challenge_id'), ['origin_challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_origin_submission_id'), ['origin_submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_partnerships_stage', ['stage'], unique=False)

    op.create_table('adoption_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('library_entry_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['library_entry_id'], ['library_entries.id'], name=op.f('fk_adoption_interests_library_entry_id_library_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_adoption_interests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_adoption_interests_partnership_id_partnerships')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_adoption_interests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adoption_interests')),
    sa.UniqueConstraint('library_entry_id', 'organisation_id', name=op.f('uq_adoption_interests_library_entry_id_organisation_id'))
    )
    with op.batch_alter_table('adoption_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adoption_interests_library_entry_id'), ['library_entry_id'], unique=False)

    op.create_table('impact_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('duration', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('proxy', sa.BigInteger(), nullable=False),
    sa.Column('proxy_source', sa.String(length=300), nullable=False),
    sa.Column('deadweight_bp', sa.Integer(), nullable=False),
    sa.Column('attribution_bp', sa.Integer(), nullable=False),
    sa.Column('drop_off_bp', sa.Integer(), nullable=False),
    sa.Column('displacement_bp', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attribution_bp >= 0 and attribution_bp <= 10000', name=op.f('ck_impact_records_attribution_bp')),
    sa.CheckConstraint('deadweight_bp >= 0 and deadweight_bp <= 10000', name=op.f('ck_impact_records_deadweight_bp')),
    sa.CheckConstraint('displacement_bp >= 0 and displacement_bp <= 10000', name=op.f('ck_impact_records_displacement_bp')),
    sa.CheckConstraint('drop_off_bp >= 0 and drop_off_bp <= 10000', name=op.f('ck_impact_records_drop_off_bp')),
    sa.CheckConstraint('duration >= 1 and duration <= 50', name=op.f('ck_impact_records_duration')),
    sa.CheckConstraint('period >= 1 and period <= 50', name=op.f('ck_impact_records_period')),
    sa.CheckConstraint('proxy >= 0', name=op.f('ck_impact_records_proxy')),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_impact_records_quantity')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_impact_records_created_by_id_users')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_impact_records_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impact_records'))
    )
    with op.batch_alter_table('impact_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impact_records_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('introductions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('counterpart_contact_id', sa.Integer(), nullable=False),
    sa.Column('creator_answer', sa.String(length=10), nullable=False),
    sa.Column('counterpart_answer', sa.String(length=10), nullable=False),
    sa.Column('creator_token_hash', sa.String(length=64), nullable=False),
    sa.Column('counterpart_token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('creator_answered_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('counterpart_answered_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("counterpart_answer in ('pending', 'accepted', 'declined')", name=op.f('ck_introductions_counterpart_answer')),
    sa.CheckConstraint("creator_answer in ('pending', 'accepted', 'declined')", name=op.f('ck_introductions_creator_answer')),
    sa.ForeignKeyConstraint(['counterpart_contact_id'], ['users.id'], name=op.f('fk_introductions_counterpart_contact_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_introductions_created_by_id_users')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_introductions_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introductions')),
    sa.UniqueConstraint('counterpart_token_hash', name=op.f('uq_introductions_counterpart_token_hash')),
    sa.UniqueConstraint('creator_token_hash', name=op.f('uq_introductions_creator_token_hash'))
    )
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introductions_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('partnership_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('note', 'meeting', 'stage_change', 'document', 'introduction', 'impact')", name=op.f('ck_partnership_events_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_partnership_events_actor_id_users')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_events_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_events'))
    )
    with op.batch_alter_table('partnership_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_events_partnership_id'), ['partnership_id'], unique=False)



def downgrade():
    with op.batch_alter_table('partnership_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_events_partnership_id'))

    op.drop_table('partnership_events')
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introductions_partnership_id'))

    op.drop_table('introductions')
    with op.batch_alter_table('impact_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impact_records_partnership_id'))

    op.drop_table('impact_records')
    with op.batch_alter_table('adoption_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adoption_interests_library_entry_id'))

    op.drop_table('adoption_interests')
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_index('ix_partnerships_stage')
        batch_op.drop_index(batch_op.f('ix_partnerships_owner_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_origin_submission_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_origin_challenge_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_creator_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_creator_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_counterpart_id'))

    op.drop_table('partnerships')
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_entries_published_at'))

    op.drop_table('library_entries')
    with op.batch_alter_table('diagnoses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnoses_organisation_id'))

    op.drop_table('diagnoses')
