"""listed search: SQLite's FTS5 table holds only the listed challenges (published, judging, decided, completed), kept
so by its triggers when a challenge's state or search text changes, so a search's matches are the listed ones without
reading each match's state, and how many match is a count of the FTS5 index alone (for "hospital" on the benchmark's
data, 1,580 matches: 0.8 ms through the state index, 0.09 ms from the FTS5 table)

The triggers name the listed states (challenge.challenges.states.LISTED_STATES): changing those needs a migration.

Revision ID: 0044_listedsearch
Revises: 0043_reviewqueueindex
"""
from alembic import op

revision = "0044_listedsearch"
down_revision = "0043_reviewqueueindex"
branch_labels = None
depends_on = None

LISTED = "('published', 'judging', 'decided', 'completed')"
TRIGGERS = ("insert", "delete", "update")

# An external-content table is told what leaves it with the old values, so each statement asks whether the row was
# (or is now) listed; the update's delete runs before its insert, in one trigger, whatever order triggers fire in.
LISTED_ONLY = [
    f"""CREATE TRIGGER challenges_fts_insert AFTER INSERT ON challenges WHEN new.state IN {LISTED} BEGIN
         INSERT INTO challenges_fts(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
    f"""CREATE TRIGGER challenges_fts_delete AFTER DELETE ON challenges WHEN old.state IN {LISTED} BEGIN
         INSERT INTO challenges_fts(challenges_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
       END""",
    f"""CREATE TRIGGER challenges_fts_update AFTER UPDATE OF search_text, state ON challenges BEGIN
         INSERT INTO challenges_fts(challenges_fts, rowid, search_text)
           SELECT 'delete', old.id, old.search_text WHERE old.state IN {LISTED};
         INSERT INTO challenges_fts(rowid, search_text) SELECT new.id, new.search_text WHERE new.state IN {LISTED};
       END""",
    "INSERT INTO challenges_fts(challenges_fts) VALUES ('delete-all')",
    f"INSERT INTO challenges_fts(rowid, search_text) SELECT id, search_text FROM challenges WHERE state IN {LISTED}",
]

# As migration 0017 made them: every challenge.
EVERY_CHALLENGE = [
    """CREATE TRIGGER challenges_fts_insert AFTER INSERT ON challenges BEGIN
         INSERT INTO challenges_fts(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
    """CREATE TRIGGER challenges_fts_delete AFTER DELETE ON challenges BEGIN
         INSERT INTO challenges_fts(challenges_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
       END""",
    """CREATE TRIGGER challenges_fts_update AFTER UPDATE OF search_text ON challenges BEGIN
         INSERT INTO challenges_fts(challenges_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
         INSERT INTO challenges_fts(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
    "INSERT INTO challenges_fts(challenges_fts) VALUES ('rebuild')",
]


def _replace_triggers(statements: list[str]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER challenges_fts_{name}")
    for statement in statements:
        op.execute(statement)


def upgrade():
    _replace_triggers(LISTED_ONLY)


def downgrade():
    _replace_triggers(EVERY_CHALLENGE)
