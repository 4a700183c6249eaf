"""judging: rubric, rounds, panel, conflicts, assignments, scores, decisions, votes

Revision ID: 0006_judging
Revises: 0005_payouts
Create Date: 2026-11-28 00:45:55.053544

"""
from alembic import op
import sqlalchemy as sa

import challenge.types  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '0006_judging'
down_revision = '0005_payouts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('social_value', sa.Boolean(), nullable=False),
    sa.CheckConstraint('scale_min >= 0 and scale_max > scale_min', name=op.f('ck_criteria_scale')),
    sa.CheckConstraint('weight > 0 and weight <= 100', name=op.f('ck_criteria_weight')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_criteria_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria')),
    sa.UniqueConstraint('challenge_id', 'name', name=op.f('uq_criteria_challenge_id_name'))
    )
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criteria_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('panel_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('service_user', sa.Boolean(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role in ('judge', 'chair')", name=op.f('ck_panel_invitations_role')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_panel_invitations_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_panel_invitations_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_panel_invitations_invited_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_panel_invitations_token_hash'))
    )
    with op.batch_alter_table('panel_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_invitations_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('panel_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('service_user', sa.Boolean(), nullable=False),
    sa.Column('joined_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role in ('judge', 'chair')", name=op.f('ck_panel_members_role')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_panel_members_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_members')),
    sa.UniqueConstraint('challenge_id', 'user_id', name=op.f('uq_panel_members_challenge_id_user_id'))
    )
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_members_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_members_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_panel_members_one_chair', ['challenge_id'], unique=True, sqlite_where=sa.text("role = 'chair'"), postgresql_where=sa.text("role = 'chair'"))

    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('strategy', sa.String(length=8), nullable=False),
    sa.Column('k', sa.Integer(), nullable=True),
    sa.Column('comments_required', sa.Boolean(), nullable=False),
    sa.Column('threshold_percent', sa.Integer(), nullable=True),
    sa.Column('closes_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('opened_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('results_version', sa.String(length=16), nullable=False),
    sa.CheckConstraint("state in ('pending', 'open', 'closed')", name=op.f('ck_rounds_state')),
    sa.CheckConstraint("strategy in ('all', 'k')", name=op.f('ck_rounds_strategy')),
    sa.CheckConstraint('k is null or k >= 2', name=op.f('ck_rounds_k')),
    sa.CheckConstraint('threshold_percent is null or (threshold_percent >= 0 and threshold_percent <= 100)', name=op.f('ck_rounds_threshold')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_rounds_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds')),
    sa.UniqueConstraint('challenge_id', 'position', name=op.f('uq_rounds_challenge_id_position'))
    )
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rounds_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('panel_member_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('updated_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state in ('pending', 'draft', 'submitted')", name=op.f('ck_assignments_state')),
    sa.ForeignKeyConstraint(['panel_member_id'], ['panel_members.id'], name=op.f('fk_assignments_panel_member_id_panel_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_assignments_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_assignments_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('round_id', 'panel_member_id', 'submission_id', name=op.f('uq_assignments_round_id_panel_member_id_submission_id'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_panel_member_id'), ['panel_member_id'], unique=False)
        batch_op.create_index('ix_assignments_round_submission', ['round_id', 'submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_submission_id'), ['submission_id'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_member_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('has_conflict = false or length(reason) > 0', name=op.f('ck_conflicts_reason')),
    sa.ForeignKeyConstraint(['panel_member_id'], ['panel_members.id'], name=op.f('fk_conflicts_panel_member_id_panel_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_conflicts_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts')),
    sa.UniqueConstraint('panel_member_id', 'submission_id', name=op.f('uq_conflicts_panel_member_id_submission_id'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_panel_member_id'), ['panel_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_submission_id'), ['submission_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('departure_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind in ('advance', 'final')", name=op.f('ck_decisions_kind')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_decisions_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_decisions_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('round_id', 'kind', name=op.f('uq_decisions_round_id_kind'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('judging_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('feedback_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('peoples_choice', sa.Boolean(), nullable=False),
    sa.Column('peoples_choice_prize_id', sa.Integer(), nullable=True),
    sa.Column('vote_opens_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('vote_closes_at', challenge.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('vote_closes_at is null or vote_opens_at is null or vote_closes_at > vote_opens_at', name=op.f('ck_judging_settings_vote_dates')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_judging_settings_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['peoples_choice_prize_id'], ['prizes.id'], name=op.f('fk_judging_settings_peoples_choice_prize_id_prizes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judging_settings')),
    sa.UniqueConstraint('challenge_id', name=op.f('uq_judging_settings_challenge_id'))
    )
    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('cast_at', challenge.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_votes_challenge_id_challenges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_votes_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('challenge_id', 'user_id', name=op.f('uq_votes_challenge_id_user_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_votes_submission_id'), ['submission_id'], unique=False)

    op.create_table('scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_scores_value')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_scores_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_scores_criterion_id_criteria'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores')),
    sa.UniqueConstraint('assignment_id', 'criterion_id', name=op.f('uq_scores_assignment_id_criterion_id'))
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('prize_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('computed_rank', sa.Integer(), nullable=True),
    sa.CheckConstraint('position >= 1', name=op.f('ck_selections_position')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_selections_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prize_id'], ['prizes.id'], name=op.f('fk_selections_prize_id_prizes')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_selections_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selections')),
    sa.UniqueConstraint('decision_id', 'submission_id', name=op.f('uq_selections_decision_id_submission_id'))
    )
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selections_submission_id'), ['submission_id'], unique=False)



def downgrade():
    with op.batch_alter_table('selections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_selections_submission_id'))

    op.drop_table('selections')
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_criterion_id'))

    op.drop_table('scores')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_submission_id'))
        batch_op.drop_index(batch_op.f('ix_votes_challenge_id'))

    op.drop_table('votes')
    op.drop_table('judging_settings')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_challenge_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_submission_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_panel_member_id'))

    op.drop_table('conflicts')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_submission_id'))
        batch_op.drop_index('ix_assignments_round_submission')
        batch_op.drop_index(batch_op.f('ix_assignments_panel_member_id'))

    op.drop_table('assignments')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rounds_challenge_id'))

    op.drop_table('rounds')
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_index('uq_panel_members_one_chair', sqlite_where=sa.text("role = 'chair'"), postgresql_where=sa.text("role = 'chair'"))
        batch_op.drop_index(batch_op.f('ix_panel_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_panel_members_challenge_id'))

    op.drop_table('panel_members')
    with op.batch_alter_table('panel_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_invitations_challenge_id'))

    op.drop_table('panel_invitations')
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criteria_challenge_id'))

    op.drop_table('criteria')
