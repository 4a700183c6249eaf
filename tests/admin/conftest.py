"""Fixtures for the broker console tests."""
from __future__ import annotations

import pytest


@pytest.fixture()
def broker(make_user, login):
    """A broker, signed in."""
    return login(make_user("Brooke Broker", "brooke@example.org", broker=True))


