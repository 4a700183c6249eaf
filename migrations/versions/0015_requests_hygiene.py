"""requests: confirmed email addresses, team invitations, one people's-choice vote per mailbox

Revision ID: 0015_requests_hygiene
Revises: 0014_account_security
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0015_requests_hygiene"
down_revision = "0014_account_security"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_confirmed_at", challenge.types.UTCDateTime(), nullable=True))
    # Accounts made before confirmation existed keep working as they did: their address counts as confirmed.
    op.execute("UPDATE users SET email_confirmed_at = created_at")

    op.create_table(
        "team_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", challenge.types.UTCDateTime(), nullable=False),
        sa.Column("accepted_at", challenge.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"],
                                name="fk_team_invitations_submission_id_submissions", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["users.id"], name="fk_team_invitations_invited_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_team_invitations"),
        sa.UniqueConstraint("submission_id", "email", name="uq_team_invitations_submission_id_email"),
        sa.UniqueConstraint("token_hash", name="uq_team_invitations_token_hash"),
    )
    op.create_index("ix_team_invitations_submission_id", "team_invitations", ["submission_id"])
    op.create_index("ix_team_invitations_invited_by_id", "team_invitations", ["invited_by_id"])

    with op.batch_alter_table("votes") as batch:
        batch.add_column(sa.Column("voter", sa.String(length=254), nullable=True))
    op.execute("UPDATE votes SET voter = (SELECT lower(users.email) FROM users WHERE users.id = votes.user_id)")
    with op.batch_alter_table("votes") as batch:
        batch.alter_column("voter", existing_type=sa.String(length=254), nullable=False)
        batch.create_unique_constraint("uq_votes_challenge_id_voter", ["challenge_id", "voter"])


def downgrade():
    with op.batch_alter_table("votes") as batch:
        batch.drop_constraint("uq_votes_challenge_id_voter", type_="unique")
        batch.drop_column("voter")
    op.drop_index("ix_team_invitations_invited_by_id", table_name="team_invitations")
    op.drop_index("ix_team_invitations_submission_id", table_name="team_invitations")
    op.drop_table("team_invitations")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_confirmed_at")
