"""Fixtures for the accounts tests: read the outbox, build an app with rate limits switched on."""
from __future__ import annotations

import re

import pytest

from challenge import create_app
from challenge.config import TestConfig
from challenge.extensions import db, limiter
from challenge.platform.models import OutboxMessage


@pytest.fixture()
def outbox(app):
    """`outbox()` is every message queued so far, oldest first; `outbox.link(msg)` the first link in one."""

    class Outbox:
        def __call__(self) -> list[OutboxMessage]:
            return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))

        @staticmethod
        def link(message: OutboxMessage) -> str:
            return re.search(r"https?://\S+", message.body).group(0)

        @staticmethod
        def path(message: OutboxMessage) -> str:
            return re.sub(r"^https?://[^/]+", "", Outbox.link(message))

    return Outbox()


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
