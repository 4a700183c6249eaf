"""money: one award per prize place, one funding transaction per payment, disqualification and reversal

Awards of a prize get a numbered place (1 … the prize's winners), unique per prize; existing awards
are numbered in the order they were made. Funding transactions name the payment they book, unique
per payment; existing ones are matched to their payment by the reference in their memo, and a
second booking of one payment (the double-click bug) is left unmatched for `flask payouts reconcile`
to report.

Revision ID: 0011_money_once
Revises: 0010_judge_reminders
"""
import sqlalchemy as sa
from alembic import op

import challenge.types  # noqa: F401  (UTCDateTime columns)

revision = "0011_money_once"
down_revision = "0010_judge_reminders"
branch_labels = None
depends_on = None

FUNDING_ONLY = "kind = 'funding'"


def upgrade():
    with op.batch_alter_table("awards") as batch:
        batch.add_column(sa.Column("place", sa.Integer(), nullable=True))
    op.execute("update awards set place = (select count(*) from awards earlier where earlier.prize_id = "
               "awards.prize_id and earlier.id <= awards.id) where prize_id is not null")
    with op.batch_alter_table("awards") as batch:
        batch.create_unique_constraint(batch.f("uq_awards_prize_id_place"), ["prize_id", "place"])
        batch.create_check_constraint(
            batch.f("ck_awards_place"), "place is null or (prize_id is not null and place >= 1)")

    with op.batch_alter_table("ledger_transactions") as batch:
        batch.add_column(sa.Column("funding_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_ledger_transactions_funding_id_fundings"), "fundings",
                                 ["funding_id"], ["id"])
    op.execute(
        "update ledger_transactions set funding_id = (select fundings.id from fundings "
        "join funders on funders.id = fundings.funder_id "
        "where funders.challenge_id = ledger_transactions.challenge_id "
        "and ledger_transactions.memo like '% paid ' || fundings.reference) "
        "where kind = 'funding' and id = (select min(same.id) from ledger_transactions same "
        "where same.kind = 'funding' and same.memo = ledger_transactions.memo "
        "and same.challenge_id = ledger_transactions.challenge_id)"
    )
    with op.batch_alter_table("ledger_transactions") as batch:
        batch.create_index("uq_ledger_transactions_funding", ["funding_id"], unique=True,
                           sqlite_where=sa.text(FUNDING_ONLY), postgresql_where=sa.text(FUNDING_ONLY))


def downgrade():
    with op.batch_alter_table("ledger_transactions") as batch:
        batch.drop_index("uq_ledger_transactions_funding", sqlite_where=sa.text(FUNDING_ONLY),
                         postgresql_where=sa.text(FUNDING_ONLY))
        batch.drop_constraint(batch.f("fk_ledger_transactions_funding_id_fundings"), type_="foreignkey")
        batch.drop_column("funding_id")
    with op.batch_alter_table("awards") as batch:
        batch.drop_constraint(batch.f("ck_awards_place"), type_="check")
        batch.drop_constraint(batch.f("uq_awards_prize_id_place"), type_="unique")
        batch.drop_column("place")
