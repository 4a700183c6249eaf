"""A broker's dashboard lists the challenges waiting for review as plain rows (issue 13): the same challenges, in
the same order (the longest-waiting first, never-sent ones last, ties by id), with the same names, links and
dates as the entities they replace; nobody else sees the list. Every row links to its challenge."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy.orm import joinedload

from challenge import clock
from challenge.challenges.dashboard import for_user
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.dates import format_dt
from challenge.extensions import db


def _waiting(make_user, make_org, make_challenge):
    now, chance = clock.now(), random.Random(7)
    orgs = [make_org(make_user(), name=name) for name in ("Calderdale Council", "Kirklees <Trust> & Co")]
    instants = [None, now - timedelta(days=1), now - timedelta(days=4), now - timedelta(days=4)]
    for n in range(9):
        made = make_challenge(chance.choice(orgs), "in_review", title=f"Waiting {n} & “more”")
        made.sent_for_review_at = chance.choice(instants)
    make_challenge(orgs[0], "open", title="Already live")
    make_challenge(orgs[1], "draft", title="Still a draft")
    db.session.commit()
    return now


def test_the_review_lines_are_the_entities_plain_reading(make_user, make_org, make_challenge):
    now = _waiting(make_user, make_org, make_challenge)
    broker = make_user("Brooke Broker", broker=True)
    entities = list(db.session.scalars(
        db.select(Challenge).where(Challenge.state == ChallengeState.IN_REVIEW)
        .options(joinedload(Challenge.organisation)).order_by(Challenge.sent_for_review_at, Challenge.id)))
    lines = for_user(broker, now).to_review
    assert [(c.slug, c.title, c.organisation_name, c.sent_for_review_at) for c in lines] == [
        (c.slug, c.title, c.organisation.name, c.sent_for_review_at) for c in entities]
    assert len(lines) == 9 and for_user(make_user(), now).to_review == []


def test_the_broker_dashboard_shows_each_waiting_challenge(client, login, make_user, make_org, make_challenge):
    _waiting(make_user, make_org, make_challenge)
    login(make_user("Brooke Broker", broker=True))
    page = client.get("/dashboard").get_data(as_text=True)
    section = page[page.index('id="review-h"'):page.index('id="followed-h"')]
    waiting = list(db.session.scalars(db.select(Challenge).where(Challenge.state == ChallengeState.IN_REVIEW)
                                      .order_by(Challenge.sent_for_review_at, Challenge.id)))
    at = 0
    for c in waiting:
        sent = format_dt(c.sent_for_review_at, with_year=True) if c.sent_for_review_at else ""
        item = (f'<span><a href="/challenges/{c.slug}">{c.title.replace("&", "&amp;")}</a> <span class="small '
                f'text-muted">· {c.organisation.name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}'
                f'</span></span>\n        <span class="small">Sent {sent}</span>')
        at = section.index(item, at)  # each one, in this order
    login(make_user())
    assert 'id="review-h"' not in client.get("/dashboard").get_data(as_text=True)


def test_own_and_followed_rows_link_to_their_challenges(client, login, make_user, make_org, make_challenge):
    """The own challenges' table (a macro given the page's link builder) and the followed list link each row to
    its own challenge page."""
    from challenge.challenges.models import Follow

    seeker = make_user("Sam Seeker")
    own = [make_challenge(make_org(owner=seeker, name="Our Council"), "open", title=f"Own {n}") for n in range(2)]
    followed = make_challenge(make_org(make_user(), name="Their Council"), "open", title="Followed one")
    db.session.add(Follow(user_id=seeker.id, challenge_id=followed.id, created_at=clock.now()))
    db.session.commit()
    login(seeker)
    page = client.get("/dashboard").get_data(as_text=True)
    for c in own + [followed]:
        assert f'<a href="/challenges/{c.slug}">{c.title}</a>' in page, c.title
