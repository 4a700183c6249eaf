"""A transaction that only read ends with COMMIT, so PostgreSQL keeps the statements psycopg prepared
(platform/readonly.py); anything that wrote, or failed, still ends with ROLLBACK."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select, text

from challenge.accounts.models import Organisation, User
from challenge.extensions import db
from challenge.platform.readonly import UNBEGUN


@pytest.fixture()
def endings(app):
    """How each transaction of the database's connections ended, in order."""
    seen: list[str] = []

    def commit(conn):
        seen.append("commit")

    def rollback(conn):
        seen.append("rollback")

    event.listen(db.engine, "commit", commit)
    event.listen(db.engine, "rollback", rollback)
    yield seen
    event.remove(db.engine, "commit", commit)
    event.remove(db.engine, "rollback", rollback)


def test_a_context_that_only_read_commits_or_never_began(app, endings, make_user):
    make_user()
    endings.clear()
    with app.app_context():
        assert db.session.scalars(select(User.id)).all()
        began = not db.session.connection().info.get(UNBEGUN)
    if db.engine.dialect.name == "postgresql":  # the app's engine: autocommit until a write (platform/postgresql.py)
        assert not began and endings == ["rollback"]  # no transaction on the server: closing the session ends it
    else:
        assert endings == ["commit"]


def test_a_flushed_change_is_still_rolled_back(app, endings, make_user):
    user = make_user(name="Before")
    endings.clear()
    with app.app_context():
        db.session.get(User, user.id).name = "After"
        db.session.flush()
    assert endings == ["rollback"]
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Before"


def test_a_write_in_raw_sql_is_rolled_back(app, endings, make_user):
    user = make_user(name="Before")
    endings.clear()
    with app.app_context():
        db.session.execute(text("UPDATE users SET name = 'After' WHERE id = :id"), {"id": user.id})
    assert endings == ["rollback"]
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Before"


def test_a_change_not_yet_flushed_is_never_committed(app, endings, make_user):
    make_user()
    endings.clear()
    with app.app_context():
        db.session.scalars(select(User.id)).all()
        db.session.add(Organisation(name="Never saved", slug="never-saved", kind="charity"))
    assert db.session.scalar(select(Organisation.id).where(Organisation.slug == "never-saved")) is None
    assert "commit" not in endings


def test_a_context_that_failed_rolls_back_even_if_it_only_read(app, endings, make_user):
    make_user()
    endings.clear()
    with pytest.raises(RuntimeError):
        with app.app_context():
            db.session.scalars(select(User.id)).all()
            raise RuntimeError("the page failed")
    assert endings == ["rollback"]


def test_read_only_pages_commit_and_a_refused_form_rolls_back(app, endings, client, make_user):
    """Through the app: an anonymous page that only reads commits (on PostgreSQL it never began a transaction
    on the server, and closing the session ends it); a sign-in refused rolls back."""
    make_user(email="someone@example.org")
    endings.clear()
    with app.app_context():
        assert client.get("/").status_code == 200
    assert endings and set(endings) == {"rollback" if db.engine.dialect.name == "postgresql" else "commit"}


def test_postgresql_keeps_what_it_prepared_between_requests(app, client, make_user, make_org, make_challenge):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (psycopg forgets them on ROLLBACK)")
    challenge = make_challenge(make_org(make_user()), "open")
    db.engine.dispose()  # one connection from here on (the pool hands out the ones earlier tests opened in turn)
    # psycopg prepares a statement on its fifth run on a connection (the page's own statement, here)
    prepared = []
    for _ in range(12):
        with app.app_context():
            assert client.get(f"/challenges/{challenge.slug}", headers={"Cookie": "x=1"}).status_code == 200
            prepared.append(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))
    assert prepared[-1] > 0, prepared


def test_a_failed_flush_left_for_the_rollback_is_rolled_back(app, endings, make_user):
    """A view that caught a refused flush and answered anyway leaves a transaction that can only roll back."""
    from sqlalchemy.exc import IntegrityError

    first = make_user(email="taken@example.org")
    endings.clear()
    with app.app_context():
        db.session.scalars(select(User.id)).all()
        db.session.add(User(email=first.email, name="Again", password_hash="x"))
        with pytest.raises(IntegrityError):
            db.session.flush()
    assert "commit" not in endings
    assert db.session.scalar(select(db.func.count(User.id)).where(User.email == first.email)) == 1


def test_a_connection_the_database_dropped_is_rolled_back_without_an_error(app, endings, make_user):
    """The database went away after the request's last read: the connection is invalidated, and ending the
    context neither commits nor fails (the rollback that follows must not trip over the lost connection)."""
    make_user()
    endings.clear()
    with app.app_context():
        db.session.scalars(select(User.id)).all()
        db.session.connection().invalidate()
    assert "commit" not in endings
    with app.app_context():  # and the next context works
        assert db.session.scalars(select(User.id)).all()
