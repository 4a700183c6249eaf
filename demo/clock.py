"""Demo dates: a whole number of days from now at a round local hour, in the site's time zone."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def at(now: datetime, days: float, hour: int = 17) -> datetime:
    """`days` from now at `hour`:00 local time (SITE_TIMEZONE) for whole days, else exactly `days` from now
    (so a challenge can close in 1.7 days, mid-afternoon, whatever the hour the demo is loaded)."""
    if days != int(days):
        return now + timedelta(days=days)
    zone = ZoneInfo(current_app.config["SITE_TIMEZONE"])
    local_day = (now + timedelta(days=days)).astimezone(zone).date()
    return datetime.combine(local_day, time(hour), tzinfo=zone).astimezone(timezone.utc)
