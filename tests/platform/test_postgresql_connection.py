"""How the app's engine talks to PostgreSQL (platform/postgresql.py): a pooled connection is handed out in
autocommit and begins its transaction with its first write, so a page that only reads sends neither BEGIN nor
COMMIT; a connection the server dropped is found at checkout, without a ping, and replaced before the request
uses it; a result's description is built when read."""
from __future__ import annotations

import re
import select as io_select

import psycopg
import pytest
from psycopg import pq
from sqlalchemy import select, text

from challenge.accounts.models import User
from challenge.extensions import db
from challenge.platform import postgresql as pg
from challenge.platform.readonly import only_reads

IDLE, INTRANS = pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS


@pytest.fixture()
def postgresql(app):  # the app's engine, on PostgreSQL
    if db.engine.dialect.name != "postgresql":
        pytest.skip("autocommit until the first write, and the check at checkout, are PostgreSQL's")
    return db.engine


def _admin(engine):
    return psycopg.connect(engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


def _traced(engine, trace_file, work):
    """The statements the one pooled connection sent while `work()` ran (libpq's trace), first words only."""
    engine.dispose()
    with engine.connect() as conn:
        pgconn = conn.connection.dbapi_connection.pgconn
    with open(trace_file, "w") as trace:
        pgconn.trace(trace.fileno())
        try:
            work()
        finally:
            pgconn.untrace()
    return re.findall(r'\tF\t\d+\t(?:Query\t "|Parse\t "[^"]*" ")([^"]{0,12})', trace_file.read_text())


def test_a_checked_out_connection_is_in_autocommit_until_its_first_write(app, postgresql):
    with postgresql.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        assert dbapi.autocommit and dbapi.info.transaction_status == IDLE
        conn.execute(text("SELECT 1"))
        assert dbapi.info.transaction_status == IDLE  # the read was a transaction of its own
        conn.execute(text("CREATE TEMPORARY TABLE cx_first_write (x integer)"))
        assert not dbapi.autocommit and dbapi.info.transaction_status == INTRANS
        conn.rollback()
        assert conn.scalar(text("SELECT to_regclass('pg_temp.cx_first_write')")) is None  # the DDL was undone
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False


def test_a_page_that_only_reads_sends_no_ping_no_begin_and_no_commit(app, client, postgresql, make_user, make_org,
                                                                     make_challenge, tmp_path):
    challenge = make_challenge(make_org(make_user()), "open")
    db.session.commit()

    def visit():
        assert client.get(f"/challenges/{challenge.slug}", headers={"Cookie": "x=1"}).status_code == 200

    sent = _traced(postgresql, tmp_path / "trace", visit)
    assert sent and all(statement.startswith("SELECT") for statement in sent), sent
    pings = [s for s in sent if s.strip() in ("", ";") or s.startswith("SELECT 1")]  # SQLAlchemy's is ";"
    assert not pings, sent


def test_a_write_sends_begin_first_and_the_writes_commit_together(app, postgresql, make_user, tmp_path):
    person = make_user("Ada Before")
    db.session.commit()
    person_id = person.id
    db.session.close()

    def rename():
        user = db.session.get(User, person_id)
        user.name = "Ada After"
        db.session.add(User(name="Bo New", email="bo.new@example.org", password_hash="x", session_token="b" * 32,
                            created_at=user.created_at))
        db.session.commit()
        db.session.close()

    sent = _traced(postgresql, tmp_path / "trace", rename)
    assert sent[0].startswith("SELECT") and sent[1] == "BEGIN", sent
    assert [s for s in sent if s in ("BEGIN", "COMMIT", "ROLLBACK")] == ["BEGIN", "COMMIT"], sent
    assert {s.split()[0] for s in sent[2:-1]} <= {"UPDATE", "INSERT"}, sent


def test_writes_after_reads_are_undone_together(app, postgresql, make_user):
    person = make_user("Ada Before")
    db.session.commit()
    db.session.scalar(select(User.name).where(User.id == person.id))  # a read first, in autocommit
    db.session.execute(User.__table__.update().where(User.id == person.id).values(name="Ada After"))
    db.session.add(User(name="Bo New", email="bo.new@example.org", password_hash="x", session_token="b" * 32,
                        created_at=person.created_at))
    db.session.flush()
    db.session.rollback()
    with _admin(postgresql) as admin:
        assert admin.execute("SELECT name FROM users WHERE id = %s", [person.id]).fetchone() == ("Ada Before",)
        assert admin.execute("SELECT count(*) FROM users WHERE email = 'bo.new@example.org'").fetchone() == (0,)


def test_a_locking_read_holds_its_lock_until_the_transaction_ends(app, postgresql, make_user):
    """SELECT … FOR UPDATE is what the money and judging services queue on: it must begin the transaction
    and hold the row until commit, not run (and let go) in autocommit."""
    person = make_user()
    db.session.commit()
    db.session.execute(select(User.id).where(User.id == person.id).with_for_update())
    with _admin(postgresql) as admin:
        with pytest.raises(psycopg.errors.LockNotAvailable):
            admin.execute("SELECT id FROM users WHERE id = %s FOR UPDATE NOWAIT", [person.id])
        db.session.commit()
        assert admin.execute("SELECT id FROM users WHERE id = %s FOR UPDATE NOWAIT", [person.id]).fetchone()


def test_a_streamed_read_runs_inside_a_transaction(app, postgresql, make_user):
    """yield_per reads through a server-side cursor, which PostgreSQL keeps only inside a transaction."""
    people = {make_user().id for _ in range(5)}
    db.session.commit()
    seen = set()
    for user_id in db.session.scalars(select(User.id).execution_options(yield_per=2)):
        assert db.session.connection().connection.dbapi_connection.info.transaction_status == INTRANS
        seen.add(user_id)
    assert people <= seen


@pytest.mark.parametrize(("statement", "reads"), [
    ("SELECT users.id FROM users WHERE users.id = %(id)s", True),
    ("  select 1", True),
    ("SELECT 1 AS for_update, forms.format FROM forms", True),
    ("SELECT users.id FROM users WHERE users.id = %(id)s FOR UPDATE", False),
    ("SELECT users.id FROM users FOR NO KEY UPDATE OF users NOWAIT", False),
    ("select id from users for share", False),
    ("SELECT id FROM users FOR KEY SHARE SKIP LOCKED", False),
    ("SELECT pg_advisory_xact_lock(%(key)s)", False),
    ("SELECT set_config('cx.x', 'y', true)", False),
    ("INSERT INTO users (name) VALUES (%(name)s) RETURNING users.id", False),
    ("UPDATE users SET name = %(name)s", False),
    ("SAVEPOINT sa_savepoint_1", False),
    ("WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone", False),
    ("SET LOCAL statement_timeout = 0", False),
])
def test_which_statements_only_read(statement, reads):
    assert only_reads(statement) is reads


def test_an_isolation_level_asked_for_is_kept(app, postgresql):
    with postgresql.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("CREATE TEMPORARY TABLE cx_asked (x integer)"))  # a write, still in autocommit
        dbapi = conn.connection.dbapi_connection
        assert dbapi.autocommit and dbapi.info.transaction_status == IDLE
    with postgresql.connect() as conn:
        conn = conn.execution_options(isolation_level="SERIALIZABLE")
        conn.execute(text("SELECT 1"))  # a read, already inside the serializable transaction
        assert conn.connection.dbapi_connection.info.transaction_status == INTRANS
        assert conn.scalar(text("SHOW transaction_isolation")) == "serializable"
    with postgresql.connect() as conn:  # and the next checkout is back to autocommit until a write
        assert conn.connection.dbapi_connection.autocommit


def _told(dbapi) -> None:
    """Wait until the server's word to the pooled connection `dbapi` has reached it (PostgreSQL sends the FATAL
    of a terminated backend as it ends it, which is not at once)."""
    readable, _, _ = io_select.select([dbapi.pgconn.socket], [], [], 10)
    assert readable, "the server never told the connection"


def test_a_connection_the_server_dropped_is_replaced_before_the_request_uses_it(
        app, client, postgresql, make_user, make_org, make_challenge):
    challenge = make_challenge(make_org(make_user()), "open")
    db.session.commit()
    slug = challenge.slug
    postgresql.dispose()  # one pooled connection from here on
    with app.app_context():
        before = db.session.scalar(text("SELECT pg_backend_pid()"))
        pooled = db.session.connection().connection.dbapi_connection
    with _admin(postgresql) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [before])
    _told(pooled)
    assert client.get(f"/challenges/{slug}", headers={"Cookie": "x=1"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(text("SELECT pg_backend_pid()")) != before


def test_a_connection_the_server_spoke_to_while_idle_is_replaced(app, postgresql):
    """A connection that can be read at checkout is replaced, even if it is still open: the FATAL of a closing
    server can come a moment before the close (here the server tells it of a NOTIFY instead)."""
    postgresql.dispose()
    with postgresql.connect() as conn:
        conn.execute(text("LISTEN cx_checkout"))
        conn.commit()
        before = conn.scalar(text("SELECT pg_backend_pid()"))
        listening = conn.connection.dbapi_connection
    with _admin(postgresql) as admin:
        admin.execute("NOTIFY cx_checkout, 'hello'")
    _told(listening)
    with postgresql.connect() as conn:
        assert conn.scalar(text("SELECT pg_backend_pid()")) != before
    with postgresql.connect() as conn:  # the pool's other connections were not all thrown away for it
        assert conn.connection.dbapi_connection.info.transaction_status == IDLE


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
