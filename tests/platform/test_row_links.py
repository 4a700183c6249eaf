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


def test_kept_url_for_gives_what_url_for_gives_and_builds_each_address_once(app, monkeypatch):
    from challenge.platform import links

    built = []
    app.extensions.pop("kept_urls", None)  # what earlier tests' pages kept
    monkeypatch.setattr(links, "url_for", lambda endpoint, **values: built.append(endpoint) or url_for(endpoint,
                                                                                                         **values))
    cases = [("challenges.catalogue", {}), ("challenges.show", {"slug": "a slug/with ü & ?"}),
             ("accounts.login", {"next": "/challenges/x?y=1&z= 2"}), ("judging.entry", {"slug": "s", "assignment_id": 7}),
             ("challenges.catalogue", {"page": 3, "q": "hospital discharge"})]
    with app.test_request_context("/"):
        for endpoint, values in cases:
            assert links.kept_url_for(endpoint, **values) == url_for(endpoint, **values)
        assert len(built) == len(cases)
        for endpoint, values in cases:
            assert links.kept_url_for(endpoint, **values) == url_for(endpoint, **values)
        assert len(built) == len(cases)  # kept: not built again
        external = links.kept_url_for("challenges.catalogue", _external=True)
        assert external.startswith("http://") and len(built) == len(cases) + 1
        assert links.kept_url_for("challenges.catalogue", _external=True) == external and len(built) == len(cases) + 2
        assert links.kept_url_for("challenges.catalogue", page=1) == url_for("challenges.catalogue", page=1)
        assert links.kept_url_for("challenges.catalogue", page=True) == url_for("challenges.catalogue", page=True)
        several = links.kept_url_for("challenges.catalogue", sector=["health", "housing"])  # cannot be a key
        assert several == url_for("challenges.catalogue", sector=["health", "housing"]) and "sector=housing" in several
    with app.test_request_context("/", base_url="http://localhost/exchange/"):
        assert links.kept_url_for("challenges.catalogue") == "/exchange/"  # another prefix, another address


def test_kept_url_for_forgets_everything_when_full_and_is_the_templates_url_for(app, monkeypatch):
    from challenge.platform import links

    monkeypatch.setattr(links, "KEPT_URLS", 3)
    with app.test_request_context("/"):
        for n in range(1, 8):
            assert links.kept_url_for("challenges.show", slug=f"c{n}") == f"/challenges/c{n}"
            assert len(app.extensions["kept_urls"]) <= 3
    assert app.jinja_env.globals["url_for"] is links.kept_url_for
