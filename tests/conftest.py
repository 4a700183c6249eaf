"""Fixtures shared by the whole suite.

The test database is built by running the real Alembic migrations once per session: SQLite in a
temporary file by default, or a PostgreSQL database of its own (created here and dropped at the end)
when TEST_DATABASE_URL points at a server. Each test starts from empty tables.
"""
from __future__ import annotations

import contextvars
import os
import uuid
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from challenge import clock, create_app
from challenge.challenges.models import SEARCH_LISTED_TABLE
from challenge.cli import bind_migrations
from challenge.config import TestConfig
from challenge.extensions import db

pytest_plugins = ["tests.factories", "tests.browser_support", "tests.stripe_support"]


def _postgres_database(base_url: str):
    """Create a database of our own beside the one named in `base_url`; return (url, drop)."""
    url = make_url(base_url)
    name = f"cx_test_{uuid.uuid4().hex[:10]}"
    # pool_pre_ping: the connection kept for the drop may have died meanwhile (a test restarts the server).
    admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
            ), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        url, drop = _postgres_database(base)
        yield url
        drop()
    else:
        path = tmp_path_factory.mktemp("db") / "test.db"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave what a person may want to look at (screenshots, reports)."""
    path = Path(os.environ.get("TEST_OUTPUT_DIR", Path(__file__).resolve().parent.parent / "test-output"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    config = type("SuiteConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True} if database_url.startswith("postgresql") else {},
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "MAIL_FOLDER": str(instance / "mail"),
    })
    app = create_app(config)
    app.test_client_class = BufferedClient
    from flask_migrate import upgrade

    bind_migrations(app)
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class BufferedClient(FlaskClient):
    """A test client whose every request runs as in production: in an app context of its own (so its own
    `g` and its own database session), seeing only what the test has committed.

    The test itself holds an app context for its direct database work; a request made inside it would
    otherwise share that context, its `g` and its session. So the test's session is committed before the
    request (which also expires what the test holds, to be read again afterwards), and the request runs in
    an empty `contextvars` context, where Flask pushes a fresh app context and pops it at the end.

    Every answer is read to the end while its request is current: a streamed answer left unread (the audit
    CSV streams) would otherwise be closed by the garbage collector during some later test."""

    def open(self, *args, buffered: bool = True, **kwargs):
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, buffered=buffered, **kwargs)


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        # DELETE on a few small tables is far quicker than TRUNCATE of them all. Replica mode skips the
        # triggers (foreign keys, and the audit log's append-only guard) for this transaction only.
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    for table in tables:
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":  # kept by a trigger, which replica mode skips
        db.session.execute(text(f"DELETE FROM {SEARCH_LISTED_TABLE}"))
    elif db.session.scalar(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        # A test that ran ANALYZE left the planner statistics of its few rows, which would steer the plans of
        # the tests after it (an organisation's name read by a scan, not its index): forget them, and have
        # the planner read the now empty statistics again.
        db.session.execute(text("DELETE FROM sqlite_stat1"))
        db.session.execute(text("ANALYZE sqlite_schema"))
    db.session.commit()


@pytest.fixture()
def app(_app):
    clock.reset()
    with _app.app_context():
        _empty_tables()
        yield _app
        db.session.rollback()
        db.session.remove()
    clock.reset()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def login(client):
    """`login(user)` signs the test client in as `user` without a password round-trip; `login(None)` signs
    it out. `client=` signs in another app's client instead. Each request loads the person afresh (see
    BufferedClient), so switching people needs nothing more. Returns `user`."""

    def sign_in(user, *, client=client):
        with client.session_transaction() as session:
            session.clear()
            if user is not None:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
        return user

    return sign_in


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()
