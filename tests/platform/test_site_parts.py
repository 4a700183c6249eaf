"""The page's stylesheets, footer and scripts (templates/_site_head.html, _site_foot.html), kept rendered per
worker (platform/menu.site_part): the same as each renders afresh for the request, wherever the app is mounted."""
from __future__ import annotations

import pytest
from flask import render_template_string

# Each part rendered afresh for the request (what the kept copy must equal), not through the per-worker store.
FRESH_HEAD = "{% include '_site_head.html' %}"
FRESH_FOOT = "{% include '_site_foot.html' %}"


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
        head, foot = inline(app, FRESH_HEAD, mounted), inline(app, FRESH_FOOT, mounted)
        assert f"{head} </head>" in page and page.endswith(f"{foot} </body> </html>")
        assert f'href="{mounted}/static/site.css"' in head and f'{mounted}/accessibility"' in foot
