"""The page's stylesheets, footer and scripts (templates/_site_head.html, _site_foot.html), kept rendered per
worker (platform/menu.site_part): the same as base.html wrote them inline, wherever the app is mounted."""
from __future__ import annotations

import pytest
from flask import render_template_string

INLINE_HEAD = """  {{ bootstrap.load_css() }}
  {{ bootstrap.load_icon_font_css() }}
  <link rel="stylesheet" href="{{ url_for('static', filename='site.css') }}">
  <noscript><style>.navbar-collapse.collapse, #more-filters.collapse { display: block !important; }</style></noscript>
"""
INLINE_FOOT = """<footer class="site-footer py-4 mt-4">
  <div class="container d-flex flex-wrap gap-3 small">
    <span>Challenge Exchange — open-source challenge prizes for public services.</span>
    <a href="{{ url_for('pages.accessibility') }}">Accessibility statement</a>
    <a href="{{ url_for('pages.privacy') }}">Privacy notice and cookies</a>
  </div>
</footer>
{{ bootstrap.load_js() }}
"""


def squeezed(html: str) -> str:
    return " ".join(html.split())


def inline(app, snippet: str, mounted: str) -> str:
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": mounted}):
        return squeezed(render_template_string(snippet))


@pytest.mark.parametrize("mounted", ["", "/exchange"])
def test_every_page_has_the_head_and_foot_base_html_wrote_inline(app, client, mounted):
    for _ in range(2):  # rendered, then kept
        page = squeezed(client.get("/accessibility", environ_overrides={"SCRIPT_NAME": mounted},
                                   headers={"Cookie": "x=1"}).get_data(as_text=True))
        head, foot = inline(app, INLINE_HEAD, mounted), inline(app, INLINE_FOOT, mounted)
        assert f"{head} </head>" in page and page.endswith(f"{foot} </body> </html>")
        assert f'href="{mounted}/static/site.css"' in head and f'{mounted}/accessibility"' in foot
