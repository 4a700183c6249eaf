"""search reads narrow rows: a catalogue search sorts and counts its matches by their state and deadline, and those
were read from the wide challenge rows (every text of a challenge, and its search text, inline).

- SQLite: an index on challenges (id, state, closes_at) answers them instead (a search of 1,900 matches on the
  benchmark's data: the statement 4.6 → 2.7 ms). PostgreSQL gets the index too (the schemas stay one), unused.
- PostgreSQL: the text search must visit each match's row in the heap (a GIN index returns no values), so the heap
  is made narrow: a row longer than PostgreSQL's threshold (about 2 kB) has its long texts moved out of line until
  it is 128 bytes (`toast_tuple_target`), except the slug, title and summary a catalogue card shows, which stay in
  the row (storage MAIN). The benchmark's heap went from 17 MB to 5 MB and a search from 1,230 pages read to 654.
  Rows already there are rewritten once, so they are narrowed too.

Revision ID: 0040_searchsort
Revises: 0039_opensindex
"""
from alembic import op

revision = "0040_searchsort"
down_revision = "0039_opensindex"
branch_labels = None
depends_on = None

CARD_COLUMNS = ("slug", "title", "summary")


def upgrade():
    op.create_index("ix_challenges_search_sort", "challenges", ["id", "state", "closes_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE challenges SET (toast_tuple_target = 128)")
        op.execute("ALTER TABLE challenges " + ", ".join(f"ALTER COLUMN {c} SET STORAGE MAIN" for c in CARD_COLUMNS))
        op.execute("UPDATE challenges SET title = title")  # each row written again, narrowed as it is


def downgrade():
    op.drop_index("ix_challenges_search_sort", table_name="challenges")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE challenges RESET (toast_tuple_target)")
        op.execute("ALTER TABLE challenges " + ", ".join(f"ALTER COLUMN {c} SET STORAGE EXTENDED" for c in CARD_COLUMNS))
