"""How the app's engine talks to PostgreSQL (psycopg): fewer round trips and less work per statement.

**A request that only reads sends no BEGIN and no COMMIT.** Each round trip wakes the database server and then
the worker in turn, which on a busy machine costs more than either's CPU: a page that only reads used to make
three (BEGIN, its statements, COMMIT) where one would do. So a pooled connection is handed out in autocommit,
where each SELECT is a transaction of its own. Under READ COMMITTED, the app's level, that changes nothing a
read sees: a statement takes a fresh snapshot whether or not a transaction is open around it, and a plain
SELECT takes no lock that the transaction would have held. The first statement that is not a plain read
(`readonly.only_reads`: an INSERT, UPDATE or DELETE, a SAVEPOINT, DDL, SET, or a SELECT that locks rows, takes an
advisory lock or sets a setting) turns autocommit off before it is sent, so psycopg sends BEGIN first, and from
there on the request's statements are one transaction, committed or rolled back as before
(platform/readonly.py). The reads before it read what they would have read inside it. A connection given an
isolation level by SQLAlchemy (`execution_options(isolation_level=...)`, which sets psycopg's autocommit
itself) is left as it was set. The one thing this rules out: a raw psycopg cursor used on the app's engine's
connection to write, bypassing SQLAlchemy's events (it would write in autocommit); nothing does.

**A connection the server dropped is found at checkout without a round trip.** SQLAlchemy's `pool_pre_ping`
sends an empty statement whenever a connection leaves the pool. But a server that restarts, or ends a backend
(`pg_terminate_backend`), first sends each connection a FATAL message and closes it, while a connection idle in
the pool has nothing to read. So at checkout a connection whose socket can be read is read (libpq's
`consume_input`). If the server has closed it, the pool replaces it and every connection opened before it, as a
failed ping would; if the server only spoke (the FATAL can come a moment before the close, or in principle a
notice), the pool replaces that one connection. A connection lost without a word (a cable cut) fails its first
statement, and the request answers 503 with the retry page (platform/errors.py).

**A result's description is built only if something reads it.** psycopg builds `cursor.description`, a
Column object per column with its type looked up, each time it is asked, and SQLAlchemy asks after every
statement, but reads it only the first time it runs a statement (it keeps what it learned with the compiled
statement) and otherwise only checks that it is not None. The challenge page's two statements return ~70
columns: ~500 Python calls per request for nothing. `Cursor.description` here is a sequence of the same
length whose Column objects psycopg builds when one is first read.

**Statements up to 16 kB stay parsed.** psycopg converts a statement's `%(name)s` placeholders to PostgreSQL's
`$1` once and keeps the result, but only for a statement of at most 4,096 bytes (and 50 parameters): anything
longer is parsed again on every run. The limit keeps out the long INSERTs an ORM writes with a different number
of rows each time; those also have more than 50 parameters, which still keeps them out. The challenge page reads
everything it shows in one statement of ~8 kB (challenges/showpage.py), rather than three round trips; parsing it
anew would cost more than the round trips saved. So `STATEMENT_BYTES` replaces psycopg's length limit (a module
constant of `psycopg._queries`, read on each run; left alone if a psycopg release renames it).

The first three only for the app's own engine, with `postgresql+psycopg` and pool_pre_ping asked for; the last for
the process, once an engine for psycopg is made.
"""
from __future__ import annotations

import select
from collections.abc import Sequence

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InvalidatePoolError

from challenge.platform.readonly import UNBEGUN, only_reads

ASKED = "CX_POSTGRESQL_TUNED"
STATEMENT_BYTES = 16_384


def before_engine(app: Flask) -> None:
    """Before the engine is made: on PostgreSQL with psycopg, take pool_pre_ping out of the engine's options
    (`after_engine` puts the check at checkout in its place)."""
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if options.get("pool_pre_ping") and url.startswith("postgresql+psycopg:"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False}
        app.config[ASKED] = True


def after_engine(app: Flask, engine: Engine) -> None:
    """Once the engine is made: the check and autocommit on each checkout, BEGIN before the first write, and the
    lazy description on each new connection."""
    if app.config.get(ASKED) and not event.contains(engine, "checkout", checkout):
        event.listen(engine, "checkout", checkout)
        event.listen(engine, "before_cursor_execute", begin_before_writing)
        event.listen(engine, "connect", use_lazy_description)
    if engine.dialect.driver == "psycopg":
        keep_long_statements_parsed()


def keep_long_statements_parsed() -> bool:
    """Let psycopg keep statements of up to STATEMENT_BYTES parsed (see the module's doc); whether it could."""
    from psycopg import _queries

    limit = getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", None)
    if not isinstance(limit, int):
        return False
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(limit, STATEMENT_BYTES)
    return True


def checkout(dbapi_connection, connection_record, connection_proxy) -> None:
    """The pool's checkout listener: a live connection in autocommit until its first write, or tell the pool
    that the connection is dead."""
    from psycopg import Error, pq

    pgconn = dbapi_connection.pgconn
    status = pgconn.transaction_status
    if status == pq.TransactionStatus.IDLE and _has_news(pgconn, Error):
        try:
            pgconn.consume_input()
        except Error as lost:  # the server closed it: replaced, and every connection opened before it
            raise InvalidatePoolError(str(lost)) from lost
        raise DisconnectionError("the server spoke to a connection idle in the pool: a FATAL before it closes")
    if status == pq.TransactionStatus.UNKNOWN:
        raise InvalidatePoolError("the connection is broken")
    if status == pq.TransactionStatus.IDLE:  # otherwise (somehow still in a transaction) left alone
        if not dbapi_connection.autocommit:  # after a read-only request it still is
            dbapi_connection.autocommit = True
        connection_record.info[UNBEGUN] = True


def _has_news(pgconn, psycopg_error: type[Exception]) -> bool:
    """Whether the server has sent an idle connection anything (or closed it): its socket can be read."""
    try:
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN)
    except (psycopg_error, ValueError, OSError):  # no socket for a connection psycopg knows is broken
        return True
    return bool(poller.poll(0))


def begin_before_writing(conn, cursor, statement: str, parameters, context, executemany) -> None:
    """The engine's before_cursor_execute listener: before a connection's first write, out of autocommit, so
    that psycopg sends BEGIN with it (see the module's doc). A read streamed through a server-side cursor
    (`yield_per`, `stream_results`: psycopg's ServerCursor) needs the transaction too: PostgreSQL keeps such a
    cursor only inside one."""
    info = conn.info
    if info.get(UNBEGUN) and (not only_reads(statement) or _server_side(cursor)):
        info[UNBEGUN] = False
        if conn.get_execution_options().get("isolation_level") is None:
            conn.connection.dbapi_connection.autocommit = False


def _server_side(cursor) -> bool:
    from psycopg import ServerCursor

    return isinstance(cursor, ServerCursor)


def use_lazy_description(dbapi_connection, connection_record) -> None:
    dbapi_connection.cursor_factory = _cursor_class()


_CURSOR: list[type] = []


def _cursor_class() -> type:
    """psycopg's Cursor with a lazy `description` (made once: psycopg is imported only on PostgreSQL)."""
    if _CURSOR:
        return _CURSOR[0]
    import psycopg

    class Cursor(psycopg.Cursor):
        @property
        def description(self):
            result = self.pgresult
            if result is not None and result.nfields:
                return LazyDescription(self, result, psycopg.Cursor.description.fget)
            return super().description  # None, or psycopg's empty list for a result without columns

    _CURSOR.append(Cursor)
    return Cursor


class LazyDescription(Sequence):
    """`cursor.description` for the result `result`, built by `build(cursor)` when an item is first read (while
    the cursor still holds that result: SQLAlchemy reads it as soon as the statement has run, if at all)."""

    __slots__ = ("_cursor", "_result", "_build", "_columns")

    def __init__(self, cursor, result, build) -> None:
        self._cursor, self._result, self._build, self._columns = cursor, result, build, None

    def __len__(self) -> int:
        return self._result.nfields

    def __getitem__(self, index):
        if self._columns is None:
            if self._cursor.pgresult is not self._result:
                raise RuntimeError("a result's description read after its cursor moved on")
            self._columns = self._build(self._cursor)
        return self._columns[index]
