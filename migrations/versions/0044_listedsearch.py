"""listed search: the catalogue's search reads only the listed challenges (published, judging, decided, completed)

SQLite: the FTS5 table holds only the listed challenges, kept so by its triggers when a challenge's state or search
text changes, so a search's matches are the listed ones without reading each match's state, and how many match is
a count of the FTS5 index alone (for "hospital" on the benchmark's data, 1,580 matches: 0.8 ms through the state
index, 0.09 ms from the FTS5 table).

PostgreSQL: a narrow table of the listed challenges, `challenges_listed_search` (id, state, closes_at, search_text),
kept by a trigger on challenges, with the GIN index of the search; the search text is kept out of its rows, so a
search visits 80 pages of rows for their state and deadline, not each match's page of the challenges (640 for
"hospital"): its execution 1.4 → 0.8 ms on the benchmark's data.

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


# PostgreSQL: the listed challenges' state, deadline and search text, in rows of ~60 bytes (the text out of line).
POSTGRESQL_TABLE = [
    """CREATE TABLE challenges_listed_search (
         id INTEGER PRIMARY KEY, state VARCHAR(16) NOT NULL, closes_at TIMESTAMP WITH TIME ZONE,
         search_text TEXT NOT NULL
       ) WITH (toast_tuple_target = 128)""",
    "ALTER TABLE challenges_listed_search ALTER COLUMN search_text SET STORAGE EXTERNAL",
    f"""CREATE FUNCTION challenges_listed_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'DELETE' AND NEW.state IN {LISTED} THEN
           INSERT INTO challenges_listed_search (id, state, closes_at, search_text)
             VALUES (NEW.id, NEW.state, NEW.closes_at, NEW.search_text)
             ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, closes_at = EXCLUDED.closes_at,
                                           search_text = EXCLUDED.search_text;
         ELSIF TG_OP <> 'INSERT' THEN
           DELETE FROM challenges_listed_search WHERE id = OLD.id;
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER challenges_listed_search_keep
         AFTER INSERT OR DELETE OR UPDATE OF state, closes_at, search_text ON challenges
         FOR EACH ROW EXECUTE FUNCTION challenges_listed_search_keep()""",
    f"""INSERT INTO challenges_listed_search (id, state, closes_at, search_text)
         SELECT id, state, closes_at, search_text FROM challenges WHERE state IN {LISTED}""",
    "CREATE INDEX ix_challenges_listed_search ON challenges_listed_search "
    "USING gin (to_tsvector('english'::regconfig, search_text))",
    "ANALYZE challenges_listed_search",
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
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_TABLE:
            op.execute(statement)


def downgrade():
    _replace_triggers(EVERY_CHALLENGE)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE challenges_listed_search")
        op.execute("DROP FUNCTION challenges_listed_search_keep() CASCADE")
