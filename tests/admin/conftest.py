"""Fixtures for the broker console tests."""
from __future__ import annotations

import pytest


@pytest.fixture()
def broker(make_user, login):
    """A broker, signed in."""
    return login(make_user("Brooke Broker", "brooke@example.org", broker=True))


@pytest.fixture()
def app_with_review_routes(app, database_url, tmp_path):
    """A second app on the suite's database with stand-ins for the challenges package's review routes."""
    from challenge import create_app
    from challenge.config import TestConfig
    from challenge.extensions import db

    config = type("ReviewConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url,
                                                  "MAIL_FOLDER": str(tmp_path / "mail")})
    other = create_app(config)
    for name in ("publish", "request_changes"):
        if f"challenges.{name}" not in other.view_functions:
            other.add_url_rule(f"/challenges/<slug>/{name}", endpoint=f"challenges.{name}",
                               view_func=lambda slug: "", methods=["POST"])
    yield other
    with other.app_context():
        db.engine.dispose()
