"""Whose rows are whose: the person's own ids in the tables that stand for them, read from the schema and
the records of processing (challenge/platform/processing.py) rather than a second list of tables."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Column, Table

from challenge.extensions import db
from challenge.judging.models import Decision, PanelMember
from challenge.payouts.models import PayeeAccount
from challenge.submissions.models import Submission, TeamMember

# Columns that are never handed out or kept in an export: hashes, tokens, sealed secrets.
SECRET = re.compile(r"(_hash$|_encrypted$|^session_token$|^secret|_token$|^token)")
# Columns that hold an email address (compared with the person's own; anybody else's is removed).
EMAIL_COLUMNS = frozenset({"email", "to_email", "payout_email", "voter"})
EMAIL_IN_TEXT = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
ANOTHER = "another person"


def points_at(column: Column) -> str | None:
    """The table a foreign-key column points at, or None."""
    return next((fk.column.table.name for fk in column.foreign_keys), None)


def is_secret(column: Column) -> bool:
    return bool(SECRET.search(column.name))


@dataclass
class Person:
    """The person's ids in each table that stands for a person (their seats, entries, payee accounts)."""

    user_id: int
    email: str
    owned: dict[str, set[int]] = field(default_factory=dict)

    def owns(self, table: str, value) -> bool:
        return value in self.owned.get(table, ())


def person(user) -> Person:
    """Gather the rows that stand for `user`: their account, panel seats, entries (own or as a team member)
    and payee accounts. A row pointing at one of these is about them."""
    sub_ids = set(db.session.scalars(db.select(Submission.id).where(Submission.owner_id == user.id)))
    sub_ids |= set(db.session.scalars(db.select(TeamMember.submission_id).where(TeamMember.user_id == user.id)))
    return Person(user.id, user.email.lower(), {
        "users": {user.id},
        "panel_members": set(db.session.scalars(db.select(PanelMember.id).where(PanelMember.user_id == user.id))),
        "submissions": sub_ids,
        "payee_accounts": set(db.session.scalars(db.select(PayeeAccount.id).where(PayeeAccount.user_id == user.id))),
    })


def decided_challenges() -> set[int]:
    """Challenges whose final decision is published: judges' comments on an entry are the entrant's to see
    after that (before it a comment would tell them the outcome the results have not yet told)."""
    return set(db.session.scalars(db.select(Decision.challenge_id).where(Decision.kind == "final",
                                                                        Decision.published_at.is_not(None))))


def tables() -> list[Table]:
    return sorted(db.metadata.tables.values(), key=lambda t: t.name)
