"""search: one stored search text per challenge (words, tags, outcomes, organisation name); PostgreSQL
searches it through a GIN index with the English configuration, SQLite through an FTS5 table (porter
tokenizer) kept in step by triggers

Revision ID: 0017_search_index
Revises: 0016_consents
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_search_index"
down_revision = "0016_consents"
branch_labels = None
depends_on = None

# As challenge.challenges.models.SEARCH_SQL: the catalogue's queries use this index.
SEARCH_DOCUMENT = "to_tsvector('english'::regconfig, search_text)"
OLD_SEARCH_DOCUMENT = (
    "to_tsvector('english'::regconfig, (((title::text || ' '::text) || summary::text) || ' '::text) || problem)"
)
# As challenge.challenges.models.search_text_of: the searched fields, then the organisation's name.
FIELDS = ("title", "summary", "problem", "context", "outcomes", "tags")

# SQLite: an external-content FTS5 table over challenges.search_text; the triggers give it every insert,
# change and delete of a challenge's search text, whoever writes it.
SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE challenges_fts USING fts5(search_text, content='challenges', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
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


def _backfill(newline: str) -> str:
    parts = [f"COALESCE({name}, '')" for name in FIELDS]
    parts.append("COALESCE((SELECT name FROM organisations WHERE organisations.id = challenges.organisation_id), '')")
    return f"UPDATE challenges SET search_text = {f' || {newline} || '.join(parts)}"


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("challenges") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    op.execute(_backfill("chr(10)" if postgres else "char(10)"))
    if postgres:
        op.drop_index("ix_challenges_search", table_name="challenges")
        op.create_index("ix_challenges_search", "challenges", [sa.text(SEARCH_DOCUMENT)], postgresql_using="gin")
    else:
        for statement in SQLITE_INDEX:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_challenges_search", table_name="challenges")
        op.create_index("ix_challenges_search", "challenges", [sa.text(OLD_SEARCH_DOCUMENT)], postgresql_using="gin")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER challenges_fts_{name}")
        op.execute("DROP TABLE challenges_fts")
    with op.batch_alter_table("challenges") as batch:
        batch.drop_column("search_text")
