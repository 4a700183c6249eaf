"""How the app's engine talks to PostgreSQL (psycopg): fewer round trips and less work per statement.

**The check that a pooled connection is still alive is the BEGIN of the request's transaction.** With
`pool_pre_ping`, SQLAlchemy sends an empty statement (in autocommit) whenever a connection leaves the pool, and
psycopg then sends BEGIN before the request's first statement: two round trips before any work, on every
request. A signed-in challenge page made five (the ping, BEGIN, the user, the page, COMMIT), and each wakes
the database server and then the worker in turn, which on a busy machine costs more than either's CPU. Here
the checkout sends BEGIN itself. A connection the server dropped (a restart, a terminated backend) fails it,
and the pool replaces it and every connection opened before it, as a failed ping would; psycopg, finding the
transaction open, sends no BEGIN of its own. How a transaction ends is unchanged (platform/readonly.py). A
connection in autocommit, or somehow already in a transaction, is left alone. The one thing this rules out:
turning a checked-out connection of the app's engine to autocommit or another isolation level (psycopg
refuses inside a transaction); nothing does.

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

The first two only for the app's own engine, with `postgresql+psycopg` and pool_pre_ping asked for; the third for
the process, once an engine for psycopg is made.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError

ASKED = "CX_POSTGRESQL_TUNED"
STATEMENT_BYTES = 16_384


def before_engine(app: Flask) -> None:
    """Before the engine is made: on PostgreSQL with psycopg, take pool_pre_ping out of the engine's options
    (`after_engine` puts the BEGIN in its place)."""
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if options.get("pool_pre_ping") and url.startswith("postgresql+psycopg:"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False}
        app.config[ASKED] = True


def after_engine(app: Flask, engine: Engine) -> None:
    """Once the engine is made: BEGIN on each checkout, and the lazy description on each new connection."""
    if app.config.get(ASKED) and not event.contains(engine, "checkout", begin):
        event.listen(engine, "checkout", begin)
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


def begin(dbapi_connection, connection_record, connection_proxy) -> None:
    """The pool's checkout listener: BEGIN, or tell the pool that the connection is dead."""
    from psycopg import Error, pq

    if dbapi_connection.autocommit:
        return
    pgconn = dbapi_connection.pgconn
    status = pgconn.transaction_status
    if status not in (pq.TransactionStatus.IDLE, pq.TransactionStatus.UNKNOWN):
        return
    try:
        result = pgconn.exec_(b"BEGIN") if status == pq.TransactionStatus.IDLE else None
    except Error as lost:
        raise InvalidatePoolError(str(lost)) from lost
    if result is None or result.status != pq.ExecStatus.COMMAND_OK:
        raise InvalidatePoolError("the connection failed its BEGIN on checkout")


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
