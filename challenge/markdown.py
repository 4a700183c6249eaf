"""Markdown for long fields, rendered and then sanitised with nh3."""
from __future__ import annotations

import threading
from functools import lru_cache

import markdown as md
import nh3
from markupsafe import Markup

from challenge.platform.imports import hidden

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render(text: str | None) -> Markup:
    """Markdown to safe HTML: scripts, styles, event handlers and javascript: links are removed."""
    if not text:
        return Markup("")
    return Markup(_render(text))


# Keyed by the text itself, so an edit is a new key and nothing is ever stale; the result depends on
# nothing but the text (public pages render the same fields for everyone). A challenge page renders
# four long fields on every request, and building a Markdown instance alone cost ~1.5 ms each.
@lru_cache(maxsize=512)
def _render(text: str) -> str:
    html = _converter().reset().convert(text)
    # Headings start at h2: the page owns h1.
    html = html.replace("<h1", "<h2").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return clean


_local = threading.local()


def _converter() -> md.Markdown:
    """One Markdown instance per thread: they are not thread-safe, and cheap to reset()."""
    if not hasattr(_local, "converter"):
        # "extra"'s fenced code imports Pygments for highlighting, which is off: hidden, it stays out of the
        # worker (platform/imports.py).
        with hidden("pygments"):
            _local.converter = md.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    return _local.converter
