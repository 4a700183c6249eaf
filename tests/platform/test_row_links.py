"""row_link builds a table's links once (issue 13): for every value, the very string url_for gives."""
from __future__ import annotations

from flask import url_for

from challenge.platform.links import row_link


def test_row_link_gives_what_url_for_gives(app):
    with app.test_request_context("/"):
        entry = row_link("judging.entry", "assignment_id", slug="a slug/with ü & ?")
        for n in (1, 42, 2_000_000_011, 2**31 - 1):
            assert entry(n) == url_for("judging.entry", slug="a slug/with ü & ?", assignment_id=n)
        show = row_link("challenges.show", "slug")
        for slug in ("plain", "2000000011", "spaces and ü", "a/b?c=d#e", "100%", "~a.b_c-D9", "a+b", "x:y", "Ünï", "", 7):
            assert show(slug) == url_for("challenges.show", slug=slug)


def test_row_link_falls_back_to_url_for_when_the_mark_is_in_the_other_values(app):
    with app.test_request_context("/"):
        entry = row_link("judging.entry", "assignment_id", slug="2000000011")
        assert entry(5) == url_for("judging.entry", slug="2000000011", assignment_id=5)
