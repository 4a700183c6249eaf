"""Absolute links for emails and exports, from SITE_URL: the one way to build them.

They work inside a request, in CLI commands, webhooks and tests alike (no request needed), and never
take the host from the request (a forged Host header must not end up in an email).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import BaseConverter

_MARK = 2_000_000_011  # stands in for the varying value while the rest of a row link is built once


def site_url(path: str = "/") -> str:
    """`https://site/path` for a path that starts with "/"."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def site_link(endpoint: str, **values) -> str:
    """`https://site/path` for an endpoint and its values (as `url_for` takes them)."""
    return site_url(current_app.url_map.bind("localhost").build(endpoint, values))


KEPT_URLS = 4096  # addresses kept per worker; all forgotten at once when full (no entry is dearer to rebuild)


def kept_url_for(endpoint: str, **values) -> str:
    """`url_for(endpoint, **values)`, the same relative address, kept: the same arguments build the same address for
    as long as the worker runs (its URL map is fixed at start, and nothing of the request but its script root, kept
    in the key, goes into a relative address), and Werkzeug's build is dear (~0.012 ms; the challenge page asked four,
    issue 13). It is `url_for` in templates. What asks for more than a relative address (`_external`, `_scheme`,
    `_anchor`, `_method`), a value that cannot be a key, or a call outside a request goes to url_for itself."""
    if not has_request_context() or any(name[0] == "_" for name in values):
        return url_for(endpoint, **values)
    kept = current_app._get_current_object().extensions.setdefault("kept_urls", {})
    # Each value's type too: True and 1 (or 1.0) are equal keys, but url_for writes them differently.
    key = (request._get_current_object().script_root, endpoint,
           *((name, value, type(value)) for name, value in values.items()))
    try:
        return kept[key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key (a list of values)
        return url_for(endpoint, **values)
    if len(kept) >= KEPT_URLS:
        kept.clear()
    address = kept[key] = url_for(endpoint, **values)
    return address


def row_link(endpoint: str, vary: str, **values) -> Callable[[Any], str]:
    """`url_for(endpoint, **values, vary=v)` as a function of `v`, the same string, built once for a table whose
    rows each link to `endpoint` differing only in `vary` (Werkzeug's build is the dearest part of such a row): a
    part of the path, or an argument of the query such as a pager's page. Where the address cannot be split that
    way (or, in the query, a value would need quoting) it calls url_for instead."""
    rule = next(current_app.url_map.iter_rules(endpoint))
    converter = getattr(rule, "_converters", {}).get(vary)
    url = kept_url_for(endpoint, **{vary: _MARK}, **values)  # the same address for every page of rows
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
