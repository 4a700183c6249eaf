"""Absolute links for emails and exports, from SITE_URL: the one way to build them.

They work inside a request, in CLI commands, webhooks and tests alike (no request needed), and never
take the host from the request (a forged Host header must not end up in an email).
"""
from __future__ import annotations

from flask import current_app


def site_url(path: str = "/") -> str:
    """`https://site/path` for a path that starts with "/"."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def site_link(endpoint: str, **values) -> str:
    """`https://site/path` for an endpoint and its values (as `url_for` takes them)."""
    return site_url(current_app.url_map.bind("localhost").build(endpoint, values))
