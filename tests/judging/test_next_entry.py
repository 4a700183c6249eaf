"""Issue 11 point 10: after submitting a score sheet the judge goes straight on to their next entry (queue
order, same round), back to the queue after the last one; the queue shows the round's closing time."""
from __future__ import annotations

from datetime import timedelta

from challenge import clock
from challenge.dates import format_dt
from challenge.extensions import db
from challenge.judging import queue as queries
from tests.judging.judging_helpers import open_round, sheet


def _ordered_sheets(world, round_, member):
    subs = sorted(world.subs, key=lambda s: s.reference)
    return [sheet(round_, member, s) for s in subs]


def _submit(client, world, a):
    base = f"/judging/{world.challenge.slug}/entries/{a.id}"
    client.post(f"{base}/declaration", data={"has_conflict": "no"})
    data = {f"score-{c.id}": "3" for c in world.criteria}
    return client.post(f"{base}/scores", data={**data, "action": "submit", "comment": "Fine."})


def test_submitting_goes_to_the_next_entry_then_back_to_the_queue(make_world, login, client):
    world = make_world(judges=2, entries=3)
    round_ = open_round(world)
    login(world.judges[1])
    first, second, third = _ordered_sheets(world, round_, world.members[1])
    slug = world.challenge.slug
    response = _submit(client, world, second)
    assert response.status_code == 302 and response.location.endswith(f"/judging/{slug}/entries/{third.id}")
    response = _submit(client, world, third)  # wraps round to the first still to score
    assert response.location.endswith(f"/judging/{slug}/entries/{first.id}")
    response = _submit(client, world, first)
    assert response.status_code == 302 and f"/judging/{slug}/queue" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "That was your last entry in this round" in page


def test_a_draft_stays_on_the_entry(make_world, login, client):
    world = make_world(judges=2, entries=2)
    round_ = open_round(world)
    login(world.judges[1])
    a = _ordered_sheets(world, round_, world.members[1])[0]
    base = f"/judging/{world.challenge.slug}/entries/{a.id}"
    client.post(f"{base}/declaration", data={"has_conflict": "no"})
    response = client.post(f"{base}/scores", data={"action": "draft"})
    assert response.location.endswith(base)


def test_next_to_score_skips_submitted_sheets_and_other_judges(make_world, app):
    world = make_world(judges=2, entries=3)
    round_ = open_round(world)
    first, second, third = _ordered_sheets(world, round_, world.members[1])
    third.state = "submitted"
    db.session.commit()
    assert queries.next_to_score(second).id == first.id
    assert queries.next_to_score(first).id == second.id
    second.state = "submitted"
    db.session.commit()
    assert queries.next_to_score(first) is None


def test_the_queue_shows_the_judges_deadline(make_world, login, client):
    world = make_world(judges=2, entries=2)
    round_ = open_round(world)
    round_.closes_at = clock.now() + timedelta(days=3, minutes=5)
    db.session.commit()
    login(world.judges[1])
    page = client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)
    assert f"Closes in 3 days ({format_dt(round_.closes_at)})" in page
