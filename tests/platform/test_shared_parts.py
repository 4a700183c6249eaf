"""Parts of a page kept for everyone signed in (platform/pagecache.shared_part): the catalogue's body is
rendered once per generation, and each signed-in visitor gets only their own page around it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template_string

from challenge import clock
from challenge.diagnostics import FRESH_HEADER
from challenge.extensions import db
from challenge.platform.pagecache import shared_part
from tests.factories import counted_statements


@pytest.fixture()
def challenge(make_user, make_org, make_challenge):
    return make_challenge(make_org(make_user()), "open", title="Lonely evenings")


def visit(client, url, **kwargs):
    with counted_statements() as seen:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True), len(seen)


def test_a_signed_in_visitor_gets_the_kept_catalogue_inside_their_own_page(app, client, challenge, login,
                                                                            make_user):
    app.config["PAGE_CACHE_CHECK_SECONDS"] = 600
    login(make_user("Ada Reader"))
    first, rendered_with = visit(client, "/?sort=prize")
    second, served_with = visit(client, "/?sort=prize")
    assert second == first and "Lonely evenings" in second and "Post a challenge" in second
    assert served_with == 1 < rendered_with  # the signed-in person themself; nothing else
    login(make_user("Bea Other"))
    other, _ = visit(client, "/?sort=prize")
    assert "Lonely evenings" in other and "Post a challenge" in other and other != first  # her own page
    assert visit(client, "/?sort=newest")[1] > 1  # another URL is another part


def test_the_part_is_not_shared_between_signed_in_and_anonymous_visitors(client, challenge, login, make_user):
    login(make_user("Ada Reader"))
    assert "Post a challenge" in visit(client, "/")[0]
    login(None)  # a cookie but nobody signed in: not the anonymous page cache, but the "out" audience
    page, _ = visit(client, "/")
    assert "Post a challenge" not in page and "Lonely evenings" in page


def test_a_committed_change_reaches_signed_in_visitors_at_once(client, challenge, login, make_user):
    login(make_user("Ada Reader"))
    visit(client, "/")
    challenge.title = "Lonely evenings, renamed"
    db.session.commit()
    assert "Lonely evenings, renamed" in visit(client, "/")[0]


def test_the_catalogue_moves_on_when_a_challenge_closes(client, challenge, login, make_user):
    login(make_user("Ada Reader"))
    challenge.closes_at = clock.now() + timedelta(seconds=20)
    db.session.commit()
    assert "Lonely evenings" in visit(client, "/?status=open")[0]
    clock.travel(timedelta(seconds=21))
    assert "Lonely evenings" not in visit(client, "/?status=open")[0]


def test_no_part_is_kept_longer_than_the_time_to_live(app, client, challenge, login, make_user):
    login(make_user("Ada Reader"))
    visit(client, "/")
    assert visit(client, "/")[1] == 1
    clock.travel(timedelta(seconds=app.config["PAGE_CACHE_SECONDS"] + 1))
    assert visit(client, "/")[1] > 1


def test_invalid_filters_are_still_reported_from_a_kept_part(client, challenge, login, make_user):
    login(make_user("Ada Reader"))
    url = "/?min_prize=lots"
    for _ in range(2):
        page, _ = visit(client, url)
        assert "<title>Error: Challenges" in page and 'class="error-summary"' in page


def test_the_render_fresh_header_is_honoured_only_with_the_diagnostics_on(app, client, challenge, login,
                                                                         make_user):
    login(make_user("Ada Reader"))
    visit(client, "/")
    fresh = {FRESH_HEADER: "1"}
    assert visit(client, "/", headers=fresh)[1] == 1  # diagnostics off: a visitor cannot force a render
    app.config["QUERY_COUNT_HEADER"] = True
    try:
        assert visit(client, "/", headers=fresh)[1] > 1
    finally:
        app.config["QUERY_COUNT_HEADER"] = False


def test_a_part_holding_the_csrf_token_is_never_kept(app, make_user, login):
    app.config["WTF_CSRF_ENABLED"] = True
    made = []

    def render():
        made.append(1)
        return render_template_string("<form><input name=csrf_token value='{{ csrf_token() }}'></form>")

    try:
        for _ in range(2):
            with app.test_request_context("/"):
                assert "csrf_token" in shared_part("a form", render)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert len(made) == 2
