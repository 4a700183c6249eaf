"""Winners through the API: none before the results are published; after, each prize, and the entry and who
won it only with the winner's consent (their published library entry), as the public challenge page names them."""
from __future__ import annotations

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import decisions, publication
from challenge.library.models import LibraryEntry
from tests.judging.conftest import make_world  # noqa: F401  the fixture
from tests.judging.judging_helpers import open_round, score_all

API = "/api/v1"


def _decided(make_world):  # noqa: F811
    world = make_world(judges=2, entries=3)
    round_ = open_round(world)
    index = {s.id: i for i, s in enumerate(world.subs)}
    score_all(world, round_, lambda m, s: (index[s.id], index[s.id]))
    assign.close_round(round_, world.chair, clock.now())
    decisions.decide(round_, [world.subs[2].id], world.chair, clock.now(), empty_reason="One prize only.")
    db.session.commit()
    return world


def test_winners_only_after_publication_and_names_only_with_consent(client, make_world):  # noqa: F811
    world = _decided(make_world)
    slug = world.challenge.slug
    assert client.get(f"{API}/challenges/{slug}/winners").status_code == 404  # recorded, not published
    assert client.get(f"{API}/challenges/{slug}").get_json()["winners"] is None

    publication.publish(world.challenge, world.chair, clock.now())
    db.session.commit()
    detail = client.get(f"{API}/challenges/{slug}").get_json()
    assert detail["winners"].endswith(f"{API}/challenges/{slug}/winners")
    won = client.get(f"{API}/challenges/{slug}/winners").get_json()["data"]
    prize = world.challenge.prizes[0]
    assert len(won) == 1 and won[0]["prize"] == prize.name
    assert won[0]["amount"] == {"amount": prize.amount, "currency": "GBP"}
    assert won[0]["title"] is None and won[0]["who"] is None  # no consent yet: the prize only

    winner = world.subs[2]
    db.session.add(LibraryEntry(submission_id=winner.id, solution_summary="It worked.", consent_by_id=winner.owner_id,
                                consent_at=clock.now(), published_at=clock.now()))
    db.session.commit()
    named = client.get(f"{API}/challenges/{slug}/winners").get_json()["data"][0]
    assert named["title"] == winner.title and named["who"] == winner.owner.name and "/library/" in named["link"]
