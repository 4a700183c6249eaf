"""Dates in the site's time zone, in words: `Fri 12 Dec, 17:00`, `3 days`. Emails and pages use the same."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from challenge import clock
from challenge.words import count


def local(dt: datetime) -> datetime:
    return dt.astimezone(ZoneInfo(current_app.config["SITE_TIMEZONE"]))


def format_dt(dt: datetime | None, with_year: bool = False) -> str:
    """`Fri 12 Dec, 17:00` in the site's time zone (`Fri 12 Dec 2026, 17:00` with the year)."""
    if dt is None:
        return "not set"
    d = local(dt)
    day = d.strftime("%a ") + str(d.day) + d.strftime(" %b")
    if with_year:
        day += d.strftime(" %Y")
    return f"{day}, {d:%H:%M}"


def format_date(dt: datetime | None) -> str:
    """`Fri 12 Dec 2026`: the day alone, written as format_dt writes it (one date format everywhere)."""
    if dt is None:
        return "not set"
    return format_dt(dt, with_year=True).rsplit(",", 1)[0]


def time_left(dt: datetime | None, now: datetime | None = None) -> str:
    """`3 days`, `5 hours`, `12 minutes`; `closed` when past."""
    if dt is None:
        return ""
    seconds = int((dt - (now or clock.now())).total_seconds())
    if seconds <= 0:
        return "closed"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days >= 2:
        return f"{days} days"
    if days == 1:
        return f"1 day {count(hours, 'hour')}" if hours else "1 day"
    if hours:
        return count(hours, "hour")
    return count(max(minutes, 1), "minute")
