"""Anonymous visitors' copies of the catalogue and challenge pages (challenge/platform/pagecache.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging.models import Criterion, JudgingSettings, Score
from challenge.platform.models import PageGeneration
from challenge.platform.pagecache import renew_generation
from tests.factories import counted_statements


def generation() -> str | None:
    return db.session.scalar(db.select(PageGeneration.token))


@pytest.fixture()
def challenge(make_user, make_org, make_challenge):
    return make_challenge(make_org(make_user()), "open", title="Lonely evenings")


def visit(client, url):
    with counted_statements() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True), len(seen)


@pytest.mark.parametrize("url", ["/", "/challenges/{slug}", "/?q=lonely&sort=prize"])
def test_a_second_anonymous_visit_is_served_from_the_cache(app, client, challenge, url):
    # However slowly a busy machine renders the first visit, the second comes within the re-read interval.
    app.config["PAGE_CACHE_CHECK_SECONDS"] = 600
    url = url.format(slug=challenge.slug)
    first, rendered_with = visit(client, url)
    second, served_with = visit(client, url)
    assert second == first and "Lonely evenings" in second
    assert served_with == 0 < rendered_with  # not even the generation: this worker knows it
    assert "Cookie" in client.get(url).headers["Vary"]


def test_a_committed_change_is_shown_at_once(client, challenge):
    url = f"/challenges/{challenge.slug}"
    visit(client, url)
    challenge.title = "Lonely evenings, renamed"
    db.session.commit()
    assert "Lonely evenings, renamed" in visit(client, url)[0]
    assert "Lonely evenings, renamed" in visit(client, "/")[0]


def test_an_update_posted_by_the_seeker_reaches_anonymous_visitors(app, client, challenge, login):
    seeker = challenge.organisation.memberships[0].user
    url = f"/challenges/{challenge.slug}"
    assert "Meet the team" not in visit(client, url)[0]
    seeker_client = app.test_client()
    with seeker_client.session_transaction() as session:
        session["_user_id"] = seeker.get_id()
    response = seeker_client.post(f"{url}/updates/new", data={"title": "Meet the team", "body": "On **Tuesday**."})
    assert response.status_code == 302
    assert "Meet the team" in visit(client, url)[0]


def test_signed_in_visitors_neither_read_nor_fill_the_cache(client, challenge, login, make_user):
    url = f"/challenges/{challenge.slug}"
    anonymous, _ = visit(client, url)
    login(make_user("Ada Reader"))
    signed_in, queries = visit(client, url)
    assert "Sign out" in signed_in and "Sign out" not in anonymous and queries > 0
    login(None)  # an empty session cookie remains: still not served from the cache
    assert visit(client, url)[1] > 0


def test_a_flashed_message_is_not_lost_to_the_cache(client, challenge):
    visit(client, "/")  # cached
    assert client.get("/dashboard").status_code == 302  # "Sign in to continue." is flashed
    page, _ = visit(client, "/")
    assert "Sign in to continue." in page


def test_the_page_changes_when_the_challenge_closes(client, make_user, make_org, make_challenge):
    challenge = make_challenge(make_org(make_user()), "open")
    challenge.closes_at = clock.now() + timedelta(seconds=20)
    db.session.commit()
    url = f"/challenges/{challenge.slug}"
    assert "Closes in" in visit(client, url)[0]
    clock.travel(timedelta(seconds=21))
    page, _ = visit(client, url)
    assert "Closes in" not in page and "Closed" in page
    catalogue = visit(client, "/?status=open")[0]
    assert challenge.title not in catalogue


def test_no_page_is_kept_longer_than_its_time_to_live(app, client, challenge):
    url = f"/challenges/{challenge.slug}"
    visit(client, url)
    assert visit(client, url)[1] == 0
    clock.travel(timedelta(seconds=app.config["PAGE_CACHE_SECONDS"] + 1))
    assert visit(client, url)[1] > 0
    clock.travel(timedelta(days=-1))  # a page made in the future is not served either
    assert visit(client, url)[1] > 0


def test_the_peoples_choice_vote_opening_moves_the_page_on(client, challenge):
    db.session.add(Criterion(challenge_id=challenge.id, position=1, name="Impact", weight=100, scale_min=0,
                             scale_max=4, levels=["None", "Poor", "Fair", "Good", "Strong"]))
    db.session.add(JudgingSettings(challenge_id=challenge.id, peoples_choice=True,
                                   vote_opens_at=clock.now() + timedelta(seconds=30),
                                   vote_closes_at=clock.now() + timedelta(days=2)))
    db.session.commit()
    url = f"/challenges/{challenge.slug}"
    assert "Voting opens" in visit(client, url)[0]
    clock.travel(timedelta(seconds=31))
    assert "Voting closes in" in visit(client, url)[0]


def test_uncommitted_changes_in_the_session_bypass_the_cache(app, client, challenge):
    url = f"/challenges/{challenge.slug}"
    visit(client, url)
    challenge.title = "Not yet committed"
    db.session.flush()
    # A client request has a session of its own; a request in the test's app context shares its session.
    with counted_statements() as seen, app.test_request_context(url):
        page = app.full_dispatch_request().get_data(as_text=True)
    assert "Not yet committed" in page and len(seen) > 0
    db.session.rollback()
    assert "Not yet committed" not in visit(client, url)[0]


def test_the_cache_can_be_turned_off(app, client, challenge):
    app.config["PAGE_CACHE_SECONDS"] = 0
    try:
        url = f"/challenges/{challenge.slug}"
        visit(client, url)
        assert visit(client, url)[1] > 0
    finally:
        app.config["PAGE_CACHE_SECONDS"] = 60


def test_public_changes_renew_the_generation_after_commit(challenge):
    before = generation()
    challenge.summary = "Changed"
    db.session.flush()
    assert generation() == before  # not before the commit
    db.session.commit()
    assert generation() not in (before, None)


def test_private_rows_and_neutral_statements_leave_the_generation(challenge, make_user):
    from challenge.judging.results import touch

    before = generation()
    touch(challenge.id)  # the judging results' version changes with every score
    db.session.execute(db.delete(Score))
    db.session.commit()
    assert generation() == before
    make_user("Someone")  # users' names appear on public pages
    assert generation() != before


def test_a_rolled_back_change_does_not_count_later(challenge):
    before = generation()
    challenge.summary = "Abandoned"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert generation() == before


def test_a_savepoint_waits_for_the_outer_commit(challenge):
    before = generation()
    with db.session.begin_nested():
        challenge.summary = "Inside a savepoint"
    assert generation() == before
    db.session.commit()
    assert generation() != before


def test_the_generation_row_is_recreated_if_missing(challenge):
    db.session.execute(db.delete(PageGeneration))
    db.session.commit()  # deleting it is itself a change: the row comes back with a fresh token
    assert generation() is not None
    db.session.execute(db.delete(PageGeneration).execution_options(page_cache_neutral=True))
    db.session.commit()
    assert generation() is None
    renew_generation()
    assert generation() is not None


@pytest.fixture()
def csrf_on(app):
    """As in production: forms carry CSRF tokens, which live in the session."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("url", ["/", "/challenges/{slug}"])
def test_anonymous_pages_put_nothing_in_the_session_so_they_can_be_kept(client, challenge, csrf_on, url):
    url = url.format(slug=challenge.slug)
    response = client.get(url)
    assert "Set-Cookie" not in response.headers and "csrf_token" not in response.get_data(as_text=True)
    assert visit(client, url)[1] == 0


def test_signed_in_visitors_still_get_their_forms(client, challenge, csrf_on, login, make_user):
    login(make_user("Ada Asker"))
    page = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Ask a question" in page and 'name="csrf_token"' in page


def another_process_changes_the_generation() -> None:
    with db.engine.begin() as conn:  # not through this app's session: as another worker would
        conn.execute(db.update(PageGeneration).values(token="from-another-worker"))


def test_another_workers_change_is_seen_when_the_generation_is_next_read(app, client, challenge):
    url = f"/challenges/{challenge.slug}"
    app.config["PAGE_CACHE_CHECK_SECONDS"] = 3600
    try:
        visit(client, url)
        another_process_changes_the_generation()
        assert visit(client, url)[1] == 0  # within the interval: the kept page
        app.config["PAGE_CACHE_CHECK_SECONDS"] = 0
        assert visit(client, url)[1] > 0  # read again: a new generation, so rendered afresh
        assert visit(client, url)[1] == 1  # kept under the new one (the read itself is the query)
    finally:
        app.config["PAGE_CACHE_CHECK_SECONDS"] = 1.0


def test_a_failed_renewal_does_not_fail_the_committed_change(challenge, monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    from challenge.platform import pagecache

    def locked():
        raise OperationalError("UPDATE page_generations", {}, Exception("database is locked"))

    monkeypatch.setattr(pagecache, "renew_generation", locked)
    challenge.summary = "Saved all the same"
    with caplog.at_level("WARNING", logger="challenge.platform.pagecache"):
        db.session.commit()  # does not raise
    db.session.expire_all()
    assert challenge.summary == "Saved all the same"
    assert "could not be renewed" in caplog.text


@pytest.mark.parametrize("cookie, anonymous", [(None, True), ("session=x", False), ("remember_token=x", False)])
def test_a_request_with_a_cookie_is_not_anonymous_and_its_address_is_not_built_to_say_so(app, cookie, anonymous):
    """Werkzeug builds the whole URL to measure its length; a request with a session or remember-me cookie is
    answered without it."""
    from flask import request

    from challenge.platform.pagecache import _anonymous_request

    headers = {"Cookie": cookie} if cookie else {}
    with app.test_request_context("/challenges/lonely-evenings", headers=headers):
        assert _anonymous_request() is anonymous
        assert ("url" in request.__dict__) is anonymous
    with app.test_request_context("/?q=" + "x" * 2000, headers=headers):
        assert _anonymous_request() is False
