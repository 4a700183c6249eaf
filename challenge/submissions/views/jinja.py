"""The template filters the submission pages use."""
from __future__ import annotations

from markupsafe import Markup

from challenge.submissions import services
from challenge.submissions.blueprint import bp


@bp.app_template_filter("stamp")
def _stamp(dt) -> str:
    return services.stamp(dt) if dt else ""


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """`820 bytes`, `14 KB`, `3.2 MB`."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@bp.app_template_filter("demote_headings")
def demote_headings(html: Markup, by: int = 1) -> Markup:
    """Rendered Markdown placed under a section's heading: its headings move `by` levels down, so the
    page's outline stays in order (h2 → h3 under an h2). Tags only are renamed: the HTML stays sanitised."""
    text = str(html)  # Markup.replace would escape the new tags
    for _ in range(by):
        for level in (5, 4, 3, 2):
            text = text.replace(f"<h{level}", f"<h{level + 1}").replace(f"</h{level}>", f"</h{level + 1}>")
    return Markup(text)
