"""Fixtures for the security suite: the world of eight people and everything they can reach."""
from __future__ import annotations

import pytest

from challenge.extensions import db
from tests.security.world import build_world


@pytest.fixture()
def sec_world(app, make_user, make_org, make_challenge, make_submission, rubric_for, seat, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return build_world(make_user, make_org, make_challenge, make_submission, rubric_for, seat)


@pytest.fixture()
def strict_app(app, database_url, tmp_path):
    """`strict_app(**config)`: a second app on the suite's database with CSRF (or rate limits) on.

    The limiter is shared by every app and init_app rewrites its settings: put back afterwards, as
    tests/accounts does, so the rest of the suite runs unlimited.
    """
    from challenge import create_app
    from challenge.config import TestConfig
    from challenge.extensions import limiter

    saved = dict(limiter.__dict__)
    built = []

    def build(**overrides):
        config = type("StrictConfig", (TestConfig,), {
            "SQLALCHEMY_DATABASE_URI": database_url, "MAIL_FOLDER": str(tmp_path / "mail"),
            "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], **overrides,
        })
        built.append(create_app(config))
        return built[-1]

    yield build
    for other in built:
        with other.app_context():
            db.engine.dispose()
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)
