"""A transaction that only read ends with COMMIT, not ROLLBACK, so PostgreSQL keeps its prepared statements.

psycopg prepares a statement on the server once it has run five times on a connection, and then the server
no longer plans it on every run. But it forgets every prepared statement on ROLLBACK (a rolled-back
transaction may have lost one), and a request that only reads used to end in a rollback when the session was
closed: so nothing was ever prepared, and PostgreSQL planned every statement of every page again, often for
longer than it ran it (a challenge page: 4.4 ms of the server's CPU against 1.3 ms with its statements kept).

For a transaction that changed nothing, COMMIT and ROLLBACK leave the database the same. So at the end of
each app context (`errors.close_session_even_if_the_database_went_away`), a session whose transaction ran
only reads (`only_reads`) and holds no pending change is committed; anything else is rolled back as before. A
statement counts as a write unless it is a SELECT that takes no lock and sets no setting, so savepoints, DML,
DDL, SELECT … FOR UPDATE and raw SQL all do; the mark lives on the connection and is cleared whenever its
transaction ends. On the app's own PostgreSQL engine a request that only reads has no transaction at all
(platform/postgresql.py: autocommit until the first write, marked UNBEGUN), and `only_reads` is what decides when
one begins; the COMMIT still serves connections that run in transactions from the start (SQLite, or an engine
without that tuning).
"""
from __future__ import annotations

import functools
import re

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

WROTE = "cx_transaction_wrote"
UNBEGUN = "cx_autocommit_until_a_write"  # in a pooled connection's info: in autocommit until its first write
_listening = False


@functools.lru_cache(maxsize=256)
def only_reads(statement: str) -> bool:
    """Whether a statement only reads: a SELECT that takes no lock (FOR UPDATE, FOR SHARE, an advisory lock) and
    sets no setting. Anything else counts as a write: DML, savepoints, DDL, SET and raw SQL. Kept per statement
    text (SQLAlchemy runs the same text again and again); 256 of them at most, since a page's LIMIT and OFFSET are
    written into its text (platform/paging.page_size) and each deep page would otherwise keep one more."""
    return statement.lstrip()[:6].upper() == "SELECT" and not _LOCKS_OR_SETS.search(statement)


_LOCKS_OR_SETS = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|\bpg_advisory|\bset_config\b",
                            re.IGNORECASE)


def _note(conn, cursor, statement: str, parameters, context, executemany) -> None:
    if not only_reads(statement):
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
    """Whether the session's transaction ran nothing but SELECTs and has nothing waiting to be flushed, in a
    transaction the server began (not one that never left autocommit: closing the session ends that for nothing,
    and a COMMIT of SQLAlchemy's would cost more, ~0.08 ms with its expiring of every row read)."""
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active:
        return False  # nothing begun, or a failed flush waiting for its rollback
    try:
        connection = session.connection()  # the app has one database: one connection per transaction
    except SQLAlchemyError:  # its connection was lost: only a rollback can end it
        return False
    if connection.invalidated or connection.info.get(WROTE) or connection.info.get(UNBEGUN):
        return False
    # Last, as each builds a set of the session's rows (dearer on a page that read many): changes not yet sent.
    return not (session.new or session.dirty or session.deleted)


def end(session: Session) -> None:
    """Commit the session's transaction when it only read (see the module's doc); otherwise leave it to be
    rolled back when the session closes."""
    if only_read(session):
        session.commit()
