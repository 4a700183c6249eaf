"""How the app's engine talks to PostgreSQL (platform/postgresql.py): a pooled connection's liveness check is
its transaction's BEGIN, sent at checkout (no separate ping, and a connection the server dropped is still
replaced before any statement of the request runs on it); a result's description is built when read."""
from __future__ import annotations

import re

import psycopg
import pytest
from psycopg import pq
from sqlalchemy import text

from challenge.extensions import db
from challenge.platform import postgresql as pg


@pytest.fixture()
def postgresql(app):  # the app's engine, on PostgreSQL
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the BEGIN replaces PostgreSQL's ping; SQLite keeps pool_pre_ping")
    return db.engine


def test_a_checked_out_connection_is_already_in_its_transaction(app, postgresql):
    with postgresql.connect() as conn:
        assert conn.connection.dbapi_connection.info.transaction_status == pq.TransactionStatus.INTRANS
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False


def test_a_request_sends_no_ping_and_no_begin_of_its_own(app, client, postgresql, make_user, make_org,
                                                          make_challenge, tmp_path):
    """What the server is sent for a page (libpq's trace of the one pooled connection): one BEGIN, first, then
    the page's statements and the COMMIT; no ping."""
    challenge = make_challenge(make_org(make_user()), "open")
    db.session.commit()
    postgresql.dispose()
    with postgresql.connect() as conn:
        pgconn = conn.connection.dbapi_connection.pgconn
    with open(tmp_path / "trace", "w") as trace:
        pgconn.trace(trace.fileno())
        try:
            assert client.get(f"/challenges/{challenge.slug}", headers={"Cookie": "x=1"}).status_code == 200
        finally:
            pgconn.untrace()
    sent = re.findall(r'\tF\t\d+\t(?:Query\t "|Parse\t "[^"]*" ")([^"]{0,12})', (tmp_path / "trace").read_text())
    assert "COMMIT" in sent and len(sent) > 3, sent
    pings = [s for s in sent if s.strip() in ("", ";") or s.startswith("SELECT 1")]  # SQLAlchemy's is ";"
    assert not pings, sent
    ends = [statement for statement in sent if statement in ("BEGIN", "COMMIT", "ROLLBACK")]
    assert ends[0] == "BEGIN" and all(a != b for a, b in zip(ends, ends[1:])), ends  # one BEGIN per transaction


def test_a_connection_the_server_dropped_is_replaced_before_the_request_uses_it(
        app, client, postgresql, make_user, make_org, make_challenge):
    challenge = make_challenge(make_org(make_user()), "open")
    db.session.commit()
    postgresql.dispose()  # one pooled connection from here on
    with app.app_context():
        before = db.session.scalar(text("SELECT pg_backend_pid()"))
    with psycopg.connect(postgresql.url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [before])
    assert client.get(f"/challenges/{challenge.slug}", headers={"Cookie": "x=1"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(text("SELECT pg_backend_pid()")) != before


def test_sqlite_keeps_its_ping(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's case")
    assert not app.config.get(pg.ASKED)


def test_a_description_is_psycopgs_own_when_read(app, postgresql):
    with postgresql.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.execute("SELECT 1 AS one, 'x'::text AS letter, now() AS moment")
        lazy = cursor.description
        assert isinstance(lazy, pg.LazyDescription) and len(lazy) == 3
        assert [(c.name, c.type_code) for c in lazy] == [
            (c.name, c.type_code) for c in psycopg.Cursor.description.fget(cursor)]
        assert lazy[-1].name == "moment" and [c.name for c in lazy[1:]] == ["letter", "moment"]
        cursor.execute("SELECT 2 AS two")
        with pytest.raises(RuntimeError):  # never another result's columns
            pg.LazyDescription(cursor, object(), psycopg.Cursor.description.fget)[0]
        cursor.execute("SET LOCAL statement_timeout = 0")
        assert cursor.description is None


def test_sqlalchemy_learns_each_new_statements_columns_from_it(app, postgresql):
    label = f"n{id(app)}"  # a statement this process has not compiled before
    row = db.session.execute(text(f"SELECT 7 AS {label}, 'b' AS second")).mappings().one()
    assert dict(row) == {label: 7, "second": "b"}
