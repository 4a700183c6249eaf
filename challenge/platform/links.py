"""Absolute links for emails and exports, from SITE_URL: the one way to build them.

They work inside a request, in CLI commands, webhooks and tests alike (no request needed), and never
take the host from the request (a forged Host header must not end up in an email).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import current_app, url_for
from werkzeug.routing import BaseConverter

_MARK = 2_000_000_011  # stands in for the varying value while the rest of a row link is built once


def site_url(path: str = "/") -> str:
    """`https://site/path` for a path that starts with "/"."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def site_link(endpoint: str, **values) -> str:
    """`https://site/path` for an endpoint and its values (as `url_for` takes them)."""
    return site_url(current_app.url_map.bind("localhost").build(endpoint, values))


def row_link(endpoint: str, vary: str, **values) -> Callable[[Any], str]:
    """`url_for(endpoint, **values, vary=v)` as a function of `v`, the same string, built once for a table whose
    rows each link to `endpoint` differing only in `vary` (Werkzeug's build is the dearest part of such a row): a
    part of the path, or an argument of the query such as a pager's page. Where the address cannot be split that
    way (or, in the query, a value would need quoting) it calls url_for instead."""
    rule = next(current_app.url_map.iter_rules(endpoint))
    converter = getattr(rule, "_converters", {}).get(vary)
    url = url_for(endpoint, **{vary: _MARK}, **values)
    if url.count(str(_MARK)) != 1:
        return lambda value: url_for(endpoint, **{vary: value}, **values)
    before, _, after = url.partition(str(_MARK))
    if converter is not None:
        to_url = converter.to_url
        if type(converter).to_url is not BaseConverter.to_url:
            return lambda value: before + to_url(value) + after

        def in_path(value) -> str:  # the converter only quotes: characters it never quotes are written as they are
            return before + (value if type(value) is str and _AS_IT_IS.fullmatch(value) else to_url(value)) + after

        return in_path

    def in_query(value) -> str:  # written as it is when no encoding would change it (a page number)
        text = str(value)
        return before + text + after if _AS_IT_IS.fullmatch(text) else url_for(endpoint, **{vary: value}, **values)

    return in_query


_AS_IT_IS = re.compile(r"[A-Za-z0-9._~-]+")  # characters a URL's query carries unquoted
