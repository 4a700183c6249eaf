"""The navigation bar, rendered once per worker for each kind of visitor rather than on every page.

What the bar shows depends only on a few yes-or-no facts about the visitor (signed in, on a judging panel,
a broker, in an organisation) and on where the app is mounted, so each combination is rendered once
(`templates/_menu.html`) and kept for the life of the worker. The one per-person thing in it, the CSRF
token of the sign-out form, is put in on every request and is never kept."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from challenge.platform.pagecache import CSRF_SLOT, with_token

TEMPLATE = "_menu.html"


@dataclass(frozen=True)
class Menu:
    """What the bar shows: the template reads only these."""

    signed_in: bool = False
    judge: bool = False
    broker: bool = False
    finance: bool = False
    token: str = CSRF_SLOT


def site_menu(on_a_panel: bool = False) -> Markup:
    """The navigation bar for this request's visitor (`on_a_panel`: they sit on a judging panel, which the
    judging package decides)."""
    user = current_user
    if user.is_authenticated:
        menu = Menu(signed_in=True, judge=bool(on_a_panel), broker=bool(user.is_broker),
                    finance=bool(user.is_broker or user.memberships))
    else:
        menu = Menu()
    kept, lock = current_app.extensions["site_menu"]
    key = (request.script_root, menu)
    html = kept.get(key)
    if html is None:
        html = render_template(TEMPLATE, menu=menu)
        with lock:
            kept[key] = html
    return with_token(html) if menu.signed_in else Markup(html)


def register_menu(app: Flask) -> None:
    app.extensions["site_menu"] = ({}, threading.Lock())
    app.add_template_global(site_menu, "site_menu")
