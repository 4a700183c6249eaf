"""Template helpers: dates in the site's time zone, time left, money, Markdown (formatting lives in
dates.py, money.py, words.py and markdown.py; this module only hands them to Jinja)."""
from __future__ import annotations

from flask import Flask
from jinja2 import Template

from challenge import clock
from challenge.dates import deadline, format_date, format_dt, time_left
from challenge.markdown import render as render_markdown
from challenge.money import format_money
from challenge.platform.links import row_link
from challenge.words import count, word_for


def can_current(action: str, thing=None) -> bool:
    """`can(...)` in templates: may the signed-in (or anonymous) user do `action` to `thing` now?"""
    from challenge.permissions import can

    return can(None, action, thing)


class ImportingTemplate(Template):
    """Jinja's template, with `{% from "x.html" import y %}` as cheap as Jinja means it to be.

    An import hands over the imported template's module, made once, unless the importing context has globals
    the imported template lacks. Jinja finds those by subtracting the template's globals, a ChainMap, from a
    set, which Python does one key at a time through the ChainMap's `__contains__`: some 180 function calls
    per import, on every page that imports a macro. The same subtraction done by the set over the ChainMap's
    dicts costs none, and gives the same answer."""

    def _get_default_module(self, ctx=None):
        if ctx is not None and ctx.globals_keys.difference(*self.globals.maps):
            return super()._get_default_module(ctx)
        return super()._get_default_module()


def register_filters(app: Flask) -> None:
    app.jinja_env.template_class = ImportingTemplate
    app.jinja_env.filters.update(
        money=format_money, markdown=render_markdown, dt=format_dt, date=format_date, time_left=time_left,
        count=count, word_for=word_for,
    )
    app.jinja_env.globals.update(format_money=format_money, now=clock.now, can=can_current, row_link=row_link,
                                  deadline_words=deadline)
