"""The navigation bar, and what every page has around it, rendered once per worker rather than on every page.

What the bar shows depends only on a few yes-or-no facts about the visitor (signed in, on a judging panel,
a broker, in an organisation) and on where the app is mounted, so each combination is rendered once
(`templates/_menu.html`) and kept for the life of the worker. The one per-person thing in it, the CSRF
token of the sign-out form, is put in on every request and is never kept.

The page's stylesheets and its footer and scripts (`templates/_site_head.html`, `_site_foot.html`) depend
only on where the app is mounted, so `site_part` keeps them the same way."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from challenge.permissions import roles_of, viewer
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
    user = viewer()  # the person, not the proxy (each read through it finds them again)
    if user.is_authenticated:
        menu = Menu(signed_in=True, judge=bool(on_a_panel), broker=bool(user.is_broker),
                    finance=bool(user.is_broker or roles_of(user)))
    else:
        menu = Menu()
    html = _kept("site_menu", TEMPLATE, menu, lambda: {"menu": menu})
    return with_token(html) if menu.signed_in else Markup(html)


def site_part(template: str, variant: str = "", context: Callable[[], dict] | None = None) -> Markup:
    """`template`, which shows nothing that depends on the visitor, the request or the data, as rendered
    the first time this worker showed it (for where the app is mounted). What it needs to render (a form with
    nothing filled in) is made by `context()` that first time: it must render the same on every request, as the
    kept copy is filed under the template's name and `variant` alone."""
    return Markup(_kept("site_parts", template, variant, context or dict))


def _kept(store: str, template: str, variant: object, context: Callable[[], dict]) -> str:
    """`template` rendered with what `context()` gives, kept in the app's `store` once per worker for each
    `variant` (a kind of visitor's Menu, a form's state) and where the app is mounted (a few templates, a few
    variants and one mount point: bounded by the code)."""
    kept, lock = current_app._get_current_object().extensions[store]  # (without the proxies: ~0.7 µs a read)
    key = (request._get_current_object().script_root, template, variant)
    html = kept.get(key)
    if html is None:
        html = render_template(template, **context())
        with lock:
            kept[key] = html
    return html


def register_menu(app: Flask) -> None:
    app.extensions["site_menu"] = ({}, threading.Lock())
    app.extensions["site_parts"] = ({}, threading.Lock())
    app.add_template_global(site_menu, "site_menu")
    app.add_template_global(site_part, "site_part")
