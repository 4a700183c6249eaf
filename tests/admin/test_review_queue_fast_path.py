"""The review queue's page, cut and counted from narrow rows before the names are joined (issue 13), gives what
the plain statement gives: the same rows in the same order, the same total, on every page and past the end."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest

from challenge import clock
from challenge.accounts.models import Organisation
from challenge.admin import queries
from challenge.challenges.models import Challenge
from challenge.challenges.services import submit_for_review
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.platform.paging import paginate_rows
from tests.factories import PUBLISHABLE

PER_PAGE = 4


def _plain():
    """The queue as the ORM writes it plainly: every waiting row, the total counted over the whole rows."""
    sent = queries._sent_for_review().label("sent")
    stmt = (db.select(Challenge.id, Challenge.title, Challenge.slug, Challenge.prize_pool, Challenge.currency,
                      Organisation.name, Organisation.slug, Organisation.verified, sent)
            .join(Organisation, Organisation.id == Challenge.organisation_id)
            .where(Challenge.state == ChallengeState.IN_REVIEW).order_by(sent, Challenge.id))
    page = paginate_rows(stmt, per_page=PER_PAGE)
    return [queries.Waiting(*row) for row in page.items], page.total, page.pages


@pytest.fixture()
def queue(make_user, make_org, make_challenge, rubric_for):
    """Eleven challenges waiting (some sent for review through the service, some written straight in that state,
    some on the same instant, two organisations, one verified), and others that are not waiting."""
    now, chance = clock.now(), random.Random(11)
    owner = make_user()
    orgs = [make_org(owner=owner, name="Calderdale Council"), make_org(owner=owner, name="Kirklees Trust")]
    orgs[1].verified = True
    instants = [now - timedelta(days=d) for d in (1, 3, 3, 7)]
    for n in range(11):
        org = chance.choice(orgs)
        if n % 3 == 0:
            made = make_challenge(org, "draft", title=f"Sent {n:02d}", outcomes="Fewer lonely people",
                                  eligibility="Anyone")
            rubric_for(made, criteria=PUBLISHABLE)
            submit_for_review(made, owner, chance.choice(instants))
        else:
            made = make_challenge(org, "in_review", title=f"Waiting {n:02d}")
            made.updated_at = chance.choice(instants)
        made.prize_pool = 1000 * n
    make_challenge(orgs[0], "open", title="Already live")
    make_challenge(orgs[1], "draft", title="Still a draft")
    db.session.commit()


@pytest.mark.parametrize("page", [1, 2, 3, 4, 9])
def test_every_page_of_the_queue_is_the_plain_statements(app, queue, page):
    with app.test_request_context(f"/admin/review?page={page}"):
        fast = queries.review_queue_page(PER_PAGE)
        items, total, pages = _plain()
    assert total == 11 and pages == 3
    assert (fast.items, fast.total, fast.pages) == (items, total, pages)
    assert len(fast.items) == {1: 4, 2: 4, 3: 3}.get(page, 0)


def test_an_empty_queue_counts_nothing_more(app, make_user, make_org, make_challenge):
    make_challenge(make_org(owner=make_user()), "open", title="Already live")
    db.session.commit()
    with app.test_request_context("/admin/review"):
        page = queries.review_queue_page(PER_PAGE)
    assert (page.items, page.total, page.pages) == ([], 0, 0)


def test_the_queue_keeps_each_challenge_where_it_was_sent_for_review_however_it_changed_since(
        app, make_user, make_org, make_challenge, rubric_for):
    """The longest-waiting first: by when each was sent for review (what the service writes), not by when it last
    changed; a challenge written straight into review (no such time) waits since it last changed."""
    now, owner = clock.now(), make_user()
    org = make_org(owner=owner)
    sent = {}
    for title, days in (("Sent first", 9), ("Sent second", 5)):
        sent[title] = make_challenge(org, "draft", title=title, outcomes="Fewer lonely people", eligibility="Anyone")
        rubric_for(sent[title], criteria=PUBLISHABLE)
        submit_for_review(sent[title], owner, now - timedelta(days=days))
    sent["Sent first"].updated_at = now  # changed since (a broker's note, a fee): it keeps its place
    written = make_challenge(org, "in_review", title="Written in review")
    written.updated_at = now - timedelta(days=7)
    db.session.commit()
    with app.test_request_context("/admin/review"):
        page = queries.review_queue_page(PER_PAGE)
    assert [(row.title, row.sent) for row in page.items] == [
        ("Sent first", now - timedelta(days=9)), ("Written in review", now - timedelta(days=7)),
        ("Sent second", now - timedelta(days=5))]


def test_the_page_is_read_in_order_from_its_index(app, queue):
    """SQLite: the page's ids come in order from ix_challenges_review_queue (migration 0043), reading only the rows
    up to the page's end, with no sort of every waiting challenge; the total is the kept count."""
    from sqlalchemy import event

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    seen = []
    note = lambda conn, cursor, statement, parameters, *rest: seen.append((statement, parameters))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        with app.test_request_context("/admin/review"):
            page = queries.review_queue_page(PER_PAGE)
            assert page.total == _plain()[1] == 11
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    [(statement, parameters)] = [(s, p) for s, p in seen if "challenge_counts" in s]
    plan = " | ".join(row[-1] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters))
    assert "ix_challenges_review_queue" in plan, plan
    assert "challenge_counts" in statement and "count(*) OVER" not in statement
