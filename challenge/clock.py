"""The server clock, in one place.

Services take `now` as an argument; views and commands get it from here. Tests and the browser journeys
move the clock with `travel()` instead of waiting, so deadlines pass without sleeping.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

_offset = timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware in UTC, shifted by any `travel()` in effect."""
    return datetime.now(timezone.utc).replace(microsecond=0) + _offset


def travel(delta: timedelta) -> None:
    """Move the clock forward (or back) by `delta`, for tests only."""
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)
