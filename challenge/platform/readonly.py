"""A transaction that only read ends with COMMIT, not ROLLBACK, so PostgreSQL keeps its prepared statements.

psycopg prepares a statement on the server once it has run five times on a connection, and then the server
no longer plans it on every run. But it forgets every prepared statement on ROLLBACK (a rolled-back
transaction may have lost one), and a request that only reads used to end in a rollback when the session was
closed: so nothing was ever prepared, and PostgreSQL planned every statement of every page again, often for
longer than it ran it (a challenge page: 4.4 ms of the server's CPU against 1.3 ms with its statements kept).

For a transaction that changed nothing, COMMIT and ROLLBACK leave the database the same. So at the end of
each app context (`errors.close_session_even_if_the_database_went_away`), a session whose transaction ran
only SELECT statements and holds no pending change is committed; anything else is rolled back as before. A
statement counts as a write unless it starts with SELECT, so savepoints, DML, DDL and raw SQL all do; the
mark lives on the connection and is cleared whenever its transaction ends.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

WROTE = "cx_transaction_wrote"
_listening = False


def _note(conn, cursor, statement: str, parameters, context, executemany) -> None:
    if not statement.lstrip()[:6].upper() == "SELECT":
        conn.info[WROTE] = True


def _forget(conn, *args) -> None:
    # Runs inside every commit and rollback, so it must never fail one: a connection the database dropped is
    # invalidated, and asking for its info would try to revalidate it (and the pool forgets it anyway).
    if not conn.invalidated:
        conn.info.pop(WROTE, None)


def _forget_record(dbapi_connection, connection_record, *args) -> None:
    connection_record.info.pop(WROTE, None)


def listen() -> None:
    """Watch every engine's statements (process-wide, once)."""
    global _listening
    if _listening:
        return
    event.listen(Engine, "before_cursor_execute", _note)
    event.listen(Engine, "commit", _forget)
    event.listen(Engine, "rollback", _forget)
    event.listen(Pool, "checkin", _forget_record)
    _listening = True


def only_read(session: Session) -> bool:
    """Whether the session's transaction ran nothing but SELECTs and has nothing waiting to be flushed."""
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active or session.new or session.dirty or session.deleted:
        return False  # nothing begun, a failed flush waiting for its rollback, or changes not yet sent
    try:
        connection = session.connection()  # the app has one database: one connection per transaction
    except SQLAlchemyError:  # its connection was lost: only a rollback can end it
        return False
    return not connection.invalidated and not connection.info.get(WROTE)


def end(session: Session) -> None:
    """Commit the session's transaction when it only read (see the module's doc); otherwise leave it to be
    rolled back when the session closes."""
    if only_read(session):
        session.commit()
