"""The statements of the pages everyone opens are ones psycopg keeps parsed and PostgreSQL keeps planned (issue 13).

psycopg converts a statement's `%(name)s` placeholders to PostgreSQL's `$1` once and keeps the result, but only for
a statement of at most 4,096 bytes (platform/postgresql.py raises that to STATEMENT_BYTES) with at most 50
parameters: a longer one is parsed again on every request. The catalogue's first page was 4,419 bytes (its listed
filter repeated in each of six parts), and parsing it cost 0.5 ms of a 2.5 ms page on PostgreSQL; the challenge
page's one statement is ~8 kB. (That the first page still lists only listed challenges, each part naming its
state, is test_challenge_catalogue.test_only_published_challenges_are_listed.)
"""
from __future__ import annotations

import pytest
from psycopg import _queries
from psycopg._queries import MAX_CACHED_STATEMENT_PARAMS
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

from challenge.accounts import services as user_services
from challenge.admin import queries as admin_queries
from challenge.challenges import catalogue, showpage
from challenge.partnerships import board
from challenge.platform import postgresql


def _transformer():
    from psycopg.adapt import Transformer

    return Transformer()


def _as_sent(statement) -> tuple[str, dict]:
    """The statement as psycopg receives it on PostgreSQL (each IN expanded, its values bound) and its parameters."""
    compiled = statement.compile(dialect=psycopg_dialect())
    unset = {name: None for name, bind in compiled.binds.items() if bind.value is None and not bind.expanding}
    sent = compiled.construct_expanded_state(unset)
    return sent.statement, sent.parameters


@pytest.mark.parametrize("name, statement", [
    ("first page", lambda: catalogue._listed_cards(12)),
    ("later pages", lambda: catalogue._listed_cards(None)),
    ("search", lambda: catalogue._search_cards("postgresql")),
    ("search, first page", lambda: catalogue._search_cards("postgresql", 12)),
    ("challenge page, by slug", lambda: showpage._public_statement("slug", "postgresql")),
    ("challenge page, by id", lambda: showpage._public_statement("id", "postgresql")),
    ("challenge page, the visitor's", lambda: showpage._visitor_statement()),
    ("challenge page, read with the user", lambda: _with_the_user()),
])
def test_the_statement_is_one_psycopg_keeps_parsed(app, name, statement):
    sql, parameters = _as_sent(statement())
    assert len(sql.encode()) <= postgresql.STATEMENT_BYTES, name
    assert len(parameters) <= MAX_CACHED_STATEMENT_PARAMS, name


def test_psycopg_keeps_statements_up_to_the_apps_limit_parsed(monkeypatch):
    """An app on PostgreSQL raises psycopg's limit (a module constant, read on every run) to STATEMENT_BYTES; a
    psycopg release that renamed it would fail here rather than quietly re-parse the challenge page."""
    monkeypatch.setattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", 4096)
    assert postgresql.keep_long_statements_parsed()
    assert _queries.MAX_CACHED_STATEMENT_LENGTH == postgresql.STATEMENT_BYTES
    query, parameters = b"SELECT %(a)s " + b" " * 8000, {"a": 1}
    _queries._query2pg.cache_clear()
    for _ in range(2):
        _queries.PostgresQuery(_transformer()).convert(query, parameters)
    assert _queries._query2pg.cache_info().hits == 1  # parsed once, kept



def test_the_first_pages_sizes_are_written_into_its_statement(app):
    """The rows each part reads, the page's length and its offset are not parameters. While they were, PostgreSQL
    planned the prepared statement afresh on every run (0 generic plans in pg_prepared_statements on the benchmark's
    10,000 challenges, 0.44 ms of planning a request); with the sizes written in it keeps one plan per page size.
    (With a test's few rows PostgreSQL keeps one plan either way, so this holds the statement's shape instead.)"""
    from challenge import clock

    compiled = catalogue._listed_cards(None).compile(dialect=psycopg_dialect())
    sent = compiled.construct_expanded_state({"now": clock.now(), "rows": 36, "n": 12, "skip": 24})
    assert not {"rows", "n", "skip"} & set(sent.parameters), sent.parameters
    assert "LIMIT 36" in sent.statement and "LIMIT 12 OFFSET 24" in sent.statement



_EVERY_VIEW = [
    ("first page", lambda: catalogue._listed_cards(12)),
    ("search, first page", lambda: catalogue._search_cards("postgresql", 12)),
    ("challenge page, by slug", lambda: showpage._public_statement("slug", "postgresql")),
    ("challenge page, by id", lambda: showpage._public_statement("id", "postgresql")),
    ("challenge page, the visitor's", lambda: showpage._visitor_statement()),
    ("challenge page, read with the user", lambda: _with_the_user()),
]


def _with_the_user():
    """The signed-in user's statement with the challenge page's row (platform/withuser.py)."""
    return user_services._user_statement(tuple(user_services.USER_FACTS), showpage.with_the_user)


@pytest.mark.parametrize("name, statement", _EVERY_VIEW)
@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_nothing_is_written_into_the_text_of_a_statement_every_view_runs(app, name, statement, dialect):
    """A list of values given to `in_()` (or a LIMIT from page_size) is written into the statement's text by
    SQLAlchemy each time it runs: a pass over the whole text, ~0.05 ms of the challenge page's ~2 ms (issue 13). The
    statements each page view runs hold their fixed lists as parameters of their own (platform/columns.one_of) and
    the first page's sizes as written (platform/paging.fixed_size)."""
    from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

    built = statement()
    if dialect == "sqlite" and "search" in name:
        built = catalogue._search_cards("sqlite", 12)
    elif dialect == "sqlite" and "by " in name:
        built = showpage._public_statement(name.rsplit(" ", 1)[1], "sqlite")
    compiled = built.compile(dialect=psycopg_dialect() if dialect == "postgresql" else sqlite_dialect())
    assert not compiled.post_compile_params, (name, [b.key for b in compiled.post_compile_params])
    assert not compiled.literal_execute_params, (name, [b.key for b in compiled.literal_execute_params])


def test_the_first_pages_of_the_catalogue_and_the_search_have_their_sizes_written_in(app):
    """The first page of cards and of a search are statements of their own for their page length, with the rows each
    part reads, the length and the offset written in; later pages take them when they run (above)."""
    first = str(catalogue._listed_cards(12).compile(dialect=psycopg_dialect()))
    assert first.count("LIMIT 12") == 7 and "LIMIT 12 OFFSET 0" in first  # six parts of 12 rows, then the page
    search = str(catalogue._search_cards("postgresql", 12).compile(dialect=psycopg_dialect()))
    assert "LIMIT 12 OFFSET 0" in search
    for sql in (first, search):
        assert "%(rows)s" not in sql and "%(n)s" not in sql and "%(skip)s" not in sql


@pytest.mark.parametrize("name, statement, sizes", [
    ("the review queue", lambda: admin_queries._WAITING_PAGE, {"n": 20, "skip": 40}),
    ("the partnership board", lambda: board._board_statements(board._shape(board.Filters()))[1], {"n": 20, "skip": 40}),
])
def test_the_lists_page_sizes_are_written_into_their_statements(app, name, statement, sizes):
    """The same for the lists whose page PostgreSQL planned afresh on every request (platform/paging.page_size):
    the review queue (1.30 → 0.77–0.93 ms of the server's CPU a request) and the partnership board (2.0 →
    1.0–1.2 ms)."""
    compiled = statement().compile(dialect=psycopg_dialect())
    unset = {key: None for key, bind in compiled.binds.items() if bind.value is None and not bind.expanding}
    sent = compiled.construct_expanded_state({**unset, **sizes})
    assert not set(sizes) & set(sent.parameters), (name, sent.parameters)
    assert "LIMIT 20 OFFSET 40" in sent.statement, name


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_the_challenge_pages_statement_reads_one_row_and_anonymous_visitors_need_no_seat(app, dialect):
    """The statement answers one row: each of the page's lists and one-to-one rows is a JSON value of it (platform/columns.json_rows), so
    nothing multiplies it and nothing is joined to a row of its own. By slug it serves anonymous visitors only, who
    sit on no panel: it reads no seat."""
    from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

    def sent(by):
        statement = showpage._public_statement(by, dialect)
        if dialect == "postgresql":
            return _as_sent(statement)
        compiled = statement.compile(dialect=sqlite_dialect())
        return str(compiled), compiled.params

    for by in ("slug", "id"):
        sql, parameters = sent(by)
        assert sql.count("json_agg(" if dialect == "postgresql" else "json_group_array(") == 10 + (by == "id"), by
        assert sql.rsplit("\nFROM ", 1)[1].startswith("challenges JOIN organisations"), by
    sql, parameters = sent("slug")
    assert "panel_members" not in sql and "user_id" not in parameters
    sql, parameters = sent("id")
    assert "FROM panel_members" in sql and "user_id" in parameters
