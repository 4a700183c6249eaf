"""On PostgreSQL, the check that a pooled connection is still alive is the BEGIN of the request's transaction.

With `pool_pre_ping`, SQLAlchemy sends `SELECT 1` (in autocommit) whenever a connection leaves the pool, and
psycopg then sends BEGIN before the request's first statement: two round trips before any work, on every
request. A signed-in challenge page made five (the ping, BEGIN, the user, the page, COMMIT), and each wakes
the database server and then the worker in turn, which on a busy machine costs more than either's CPU.

Here the checkout sends BEGIN itself. A connection the server dropped (a restart, a terminated backend) fails
it, and the pool replaces it and every connection opened before it, as a failed ping would; psycopg, finding
the transaction open, sends no BEGIN of its own. How a transaction ends is unchanged (platform/readonly.py).

Only the app's own engine, and only when pool_pre_ping was asked for. A connection in autocommit, or somehow
already in a transaction, is left alone. The one thing this rules out: changing a checked-out connection of
the app's engine to autocommit or another isolation level (psycopg refuses inside a transaction); nothing
does.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError

ASKED = "CX_BEGIN_ON_CHECKOUT"


def instead_of_ping(app: Flask) -> None:
    """Before the engine is made: on PostgreSQL with psycopg, take pool_pre_ping out of the engine's options
    (`listen` puts the BEGIN in its place)."""
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if options.get("pool_pre_ping") and url.startswith("postgresql+psycopg:"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False}
        app.config[ASKED] = True


def listen(app: Flask, engine: Engine) -> None:
    """Once the engine is made: BEGIN on each checkout, when `instead_of_ping` took the ping away."""
    if app.config.get(ASKED) and not event.contains(engine, "checkout", begin):
        event.listen(engine, "checkout", begin)


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
