"""Template helpers: dates in the site's time zone, time left, money, Markdown, a challenge's phase (formatting
lives in dates.py, money.py, words.py, markdown.py and challenges/badges.py; this module only hands them to Jinja).

What a page calls once per row is a filter rather than a function: Jinja calls a filter directly, and a function
through its context's `call`, which inspects the function first on every call (issue 13)."""
from __future__ import annotations

from flask import Flask

from challenge import clock
from challenge.challenges.badges import phase_badge
from challenge.dates import deadline, format_date, format_dt, time_left
from challenge.markdown import render as render_markdown
from challenge.money import format_money
from challenge.platform.links import kept_url_for, row_link
from challenge.words import count, word_for


def can_current(action: str, thing=None) -> bool:
    """`can(...)` in templates: may the signed-in (or anonymous) user do `action` to `thing` now?"""
    from challenge.permissions import can

    return can(None, action, thing)


def phase_at(thing, now):
    """`thing|phase_at(now)`: the phase at `now` of a challenge, or of a row that has its `phase(now)`."""
    return thing.phase(now)


def deadline_at(thing, phase, now) -> str:
    """`thing|deadline_at(phase, now)`: what a challenge (or a row with its `opens_at` and `closes_at`) in `phase`
    waits for, in words (dates.deadline)."""
    return deadline(phase.value, thing.opens_at, thing.closes_at, now)


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=format_money, markdown=render_markdown, dt=format_dt, date=format_date, time_left=time_left,
        count=count, word_for=word_for, badge=phase_badge, phase_at=phase_at, deadline_at=deadline_at,
    )
    app.jinja_env.globals.update(format_money=format_money, now=clock.now, can=can_current, row_link=row_link,
                                  url_for=kept_url_for)
