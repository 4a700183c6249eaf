"""Absolute links for emails, built from SITE_URL, with or without a request in progress."""
from __future__ import annotations

from flask import current_app, url_for


def site_link(endpoint: str, **values) -> str:
    """`https://site/path` for an endpoint: works in requests, CLI commands and tests alike."""
    with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
        return url_for(endpoint, _external=True, **values)
