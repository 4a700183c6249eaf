"""Fixtures for the accounts tests: an app with rate limits switched on (the outbox reader is the
suite's, in tests/factories.py)."""
from __future__ import annotations

import pytest

from challenge import create_app
from challenge.config import TestConfig
from challenge.extensions import db, limiter


@pytest.fixture()
def limited_app(app, database_url, tmp_path):
    """`limited_app(**config)` builds a second app on the suite's database with rate limits on.

    The limiter is one object shared by every app, and init_app rewrites its settings; they are put
    back afterwards so the rest of the suite runs unlimited.
    """
    saved = dict(limiter.__dict__)
    built = []

    def build(**overrides):
        config = type("LimitedConfig", (TestConfig,), {
            "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": True,
            "MAIL_FOLDER": str(tmp_path / "mail"), **overrides,
        })
        built.append(create_app(config))
        return built[-1]

    yield build
    for other in built:
        with other.app_context():
            db.engine.dispose()
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)
