"""Dates in the site's time zone, in words: `Fri 12 Dec, 17:00`, `3 days`. Emails and pages use the same."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from challenge import clock
from challenge.words import count


def local(dt: datetime) -> datetime:
    # The app without its proxy: a read through the proxy costs ~0.7 µs, and a catalogue page writes two dozen dates.
    return dt.astimezone(ZoneInfo(current_app._get_current_object().config["SITE_TIMEZONE"]))


# strftime's %a and %b in the C locale the app runs in, looked up rather than formatted (a catalogue page writes
# two dozen dates).
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_dt(dt: datetime | None, with_year: bool = False) -> str:
    """`Fri 12 Dec, 17:00` in the site's time zone (`Fri 12 Dec 2026, 17:00` with the year)."""
    if dt is None:
        return "not set"
    d = local(dt)
    year = f" {d.year}" if with_year else ""
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}{year}, {d.hour:02d}:{d.minute:02d}"


def format_date(dt: datetime | None) -> str:
    """`Fri 12 Dec 2026`: the day alone, written as format_dt writes it (one date format everywhere)."""
    if dt is None:
        return "not set"
    return format_dt(dt, with_year=True).rsplit(",", 1)[0]


def deadline(phase: str, opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> str:
    """What a challenge in `phase` (its value: "upcoming", "open"…) waits for, in words: `Opens in 3 days (Fri 12
    Dec, 17:00)`, `Closes in 5 hours (…)`, `Closed Fri 12 Dec 2025, 17:00`, or `No closing date yet`."""
    if phase == "upcoming":
        return f"Opens in {time_left(opens_at, now)} ({format_dt(opens_at)})"
    if phase in ("open", "draft", "in_review") and closes_at and closes_at > now:
        return f"Closes in {time_left(closes_at, now)} ({format_dt(closes_at)})"
    if closes_at:
        return f"Closed {format_dt(closes_at, with_year=True)}"
    return "No closing date yet"


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
