"""The search box's answer (words alone, closing soonest, as cards) comes from one statement built once per database,
its words a parameter; it finds what the general search finds, and reads narrow rows to sort and count."""
from __future__ import annotations

import pytest

from challenge.challenges.search import Term, fts_expression, parse

QUERIES = [
    "hospital", "HOSPITAL discharge", '"hospital discharge"', "hospital -discharge", 'hospital -"discharge 03"',
    "carers or hospital", "carers or hospital -discharge", "carers or -hospital", "-hospital", "the of",
    '"', "-", "<b>hospital</b>", "hospital " * 40, "ünïcode", "hospital OR", "or", "discharg*", "hospital:discharge",
]


def test_the_fts_expression_says_what_the_clause_says():
    assert fts_expression(parse("hospital discharge")) == '("hospital" AND "discharge")'
    assert fts_expression(parse('"hospital discharge" -carers -"day centre"')) == (
        '(("hospital discharge") NOT ("carers" OR "day centre"))')
    assert fts_expression(parse("carers or hospital")) == '("carers") OR ("hospital")'
    # Only leaving words out, in any alternative: FTS5's NOT needs a left side, so the general clause answers.
    assert fts_expression(parse("-hospital")) is None
    assert fts_expression(parse("carers or -hospital")) is None
    assert fts_expression(parse("the of")) is None  # nothing to search for
    assert fts_expression([[Term(("a", "b"))]]) == '("a b")'


@pytest.mark.parametrize("q", QUERIES)
def test_the_search_box_finds_what_the_general_search_finds(app, world, make_challenge, make_org, make_user,
                                                           monkeypatch, q):
    """Page for page, the built-once statement gives the cards of the challenges the general search (the API's)
    finds, in the same order, with the same total; drafts and cancelled challenges are never found."""
    import random

    from challenge import clock
    from challenge.challenges import catalogue
    from challenge.challenges.catalogue import CatalogueParams, search_challenges
    from challenge.extensions import db

    chance = random.Random(11)
    other = make_org(make_user(), name="Carers Trust")
    for n in range(15):
        words = chance.choice(["Hospital discharge", "Hospital", "Discharge", "Carers breaks", "Day centre"])
        made = make_challenge(chance.choice([world.org, other]), chance.choice(
            ["open", "open", "closed", "judging", "decided", "upcoming", "draft", "cancelled"]), title=f"{words} {n:02d}")
        made.problem = chance.choice(["Hospital beds.", "Discharge 03 notes.", ""])
    db.session.commit()
    monkeypatch.setitem(app.config, "PER_PAGE", 4)
    built = []
    monkeypatch.setattr(catalogue, "_search_cards", lambda dialect, *first, real=catalogue._search_cards: built.append(1)
                        or real(dialect, *first))
    now = clock.now()
    general = search_challenges(CatalogueParams(q=q), now)
    total = general.total
    expected = []
    for page in range(1, total // 4 + 2):
        expected += [c.id for c in search_challenges(CatalogueParams(q=q, page=page), now).items]
    seen = []
    for page in range(1, total // 4 + 3):
        cards = search_challenges(CatalogueParams(q=q, page=page), now, cards=True)
        assert cards.total == total
        seen += [c.id for c in cards.items]
    assert seen == expected
    words = catalogue.words_values(q.strip(), db.engine.dialect.name) if q.strip() else None
    assert bool(built) == (words is not None)  # the built-once statement answered whenever it can say the words
    listed = {c.id for c in db.session.scalars(db.select(catalogue.Challenge).where(
        catalogue.Challenge.state.in_(catalogue.LISTED_STATES)))}
    assert set(seen) <= listed


def test_filters_sorts_and_pages_past_the_end_keep_the_general_search(app, world, make_challenge, monkeypatch):
    """Words with a filter or another sort take the general path; past the last page the total still holds."""
    from challenge import clock
    from challenge.challenges import catalogue
    from challenge.challenges.catalogue import CatalogueParams, search_challenges

    for n in range(5):
        make_challenge(world.org, "open", title=f"Hospital discharge {n}", sector="health" if n % 2 else "education")
    built = []
    monkeypatch.setattr(catalogue, "_search_cards", lambda dialect, *first, real=catalogue._search_cards: built.append(1)
                        or real(dialect, *first))
    now = clock.now()
    assert search_challenges(CatalogueParams(q="hospital", sector="health"), now, cards=True).total == 2
    assert search_challenges(CatalogueParams(q="hospital", sort="prize"), now, cards=True).total == 5
    assert not built
    beyond = search_challenges(CatalogueParams(q="hospital", page=9), now, cards=True)
    assert built and beyond.items == [] and beyond.total == 5


def test_the_page_answers_every_query(client, world, make_challenge):
    make_challenge(world.org, "open", title="Hospital discharge")
    for q in QUERIES:
        answer = client.get("/", query_string={"q": q})
        assert answer.status_code == 200, q


def _statement_of(search) -> tuple[str, object]:
    """The SQL and parameters the last statement `search()` ran."""
    from sqlalchemy import event

    from challenge.extensions import db

    seen = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        search()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen[-1]


def test_sqlite_sorts_and_counts_matches_from_the_narrow_index(app, world, make_challenge):
    """On SQLite the search reads each match's state and deadline from ix_challenges_search_sort, not the rows, once
    the planner has statistics (ANALYZE; the benchmark's data has them)."""
    from challenge import clock
    from challenge.challenges.catalogue import CatalogueParams, search_challenges
    from challenge.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan; PostgreSQL: test_postgresql_keeps_challenge_rows_narrow")
    for n in range(30):
        make_challenge(world.org, "open" if n % 3 else "draft", title=f"Hospital discharge {n}" if n % 4 else "Other")
    db.session.connection().exec_driver_sql("ANALYZE")
    statement, parameters = _statement_of(
        lambda: search_challenges(CatalogueParams(q="hospital"), clock.now(), cards=True))
    plan = " | ".join(row[-1] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters))
    assert "COVERING INDEX ix_challenges_search_sort" in plan, plan


def test_postgresql_keeps_challenge_rows_narrow(app, world, make_challenge):
    """On PostgreSQL a search visits each match's row in the heap, so long texts are kept out of the row (migration
    0040): sixty challenges with long texts fit in a few pages of the heap (where the free space map puts each new
    row version varies from run to run), not one page for every three or four of them (15 or more)."""
    import random

    from sqlalchemy import text

    from challenge.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's heap; SQLite: test_sqlite_sorts_and_counts_matches_from_the_narrow_index")
    chance = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz"  # words that do not compress
    text_of = lambda: " ".join("".join(chance.choices(letters, k=7)) for _ in range(80))  # noqa: E731  (640 chars)
    made = [make_challenge(world.org, "open") for _ in range(60)]
    for challenge in made:  # texts of a few hundred characters each, as real ones are: by default, a row of 2 kB
        challenge.problem, challenge.context, challenge.outcomes, challenge.eligibility = (
            text_of(), text_of(), text_of(), text_of())
        challenge.summary = "A summary " * 20
    db.session.commit()
    pages = db.session.scalar(text("SELECT count(DISTINCT (ctid::text::point)[0]) FROM challenges WHERE id = ANY(:ids)"),
                              {"ids": [c.id for c in made]})
    assert pages <= 8, f"60 long challenges spread over {pages} heap pages"
    # What a card shows stays in the row; the texts only a challenge's page reads still read back whole.
    storage = dict(db.session.execute(text(
        "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'challenges'::regclass "
        "AND attname IN ('slug', 'title', 'summary')")).all())
    assert storage == {"slug": "m", "title": "m", "summary": "m"}
    db.session.expire_all()
    again = db.session.get(type(made[0]), made[0].id)
    assert again.problem == made[0].problem and len(again.problem) > 600
