"""`flask demo`: a believable world to click through."""
from __future__ import annotations

import secrets
from datetime import datetime

from challenge.accounts import services as accounts


def load(now: datetime) -> str:
    """Load the demo world; returns the broker's password."""
    password = "demo-" + secrets.token_urlsafe(9)
    accounts.create_user("Brooke Broker", "broker@example.org", password, now, is_broker=True)
    return password
