"""A small world for partnership tests: a broker, a creator with a charity, a council that ran a
decided challenge, a second council that might adopt the solution, and someone unrelated."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.partnerships import services
from challenge.partnerships.models import LibraryEntry, Partnership


@pytest.fixture()
def world(make_user, make_org, make_challenge, make_submission):
    broker = make_user("Brooke Broker", "brooke@example.org", broker=True)
    creator = make_user("Cara Creator", "cara@example.org")
    teammate = make_user("Tom Teammate", "tom@example.org")
    charity_colleague = make_user("Chris Colleague", "chris@example.org")
    seeker = make_user("Sam Seeker", "sam@example.org")
    adopter = make_user("Ada Adopter", "ada@example.org")
    stranger = make_user("Stan Stranger", "stan@example.org")
    charity = make_org(creator, charity_colleague, name="Befriend CIC", kind="social_enterprise")
    council = make_org(seeker, name="Leeds City Council", kind="local_authority")
    second = make_org(adopter, name="York Council", kind="local_authority")
    challenge = make_challenge(council, "decided", title="Tackling loneliness", sector="social_care")
    winner = make_submission(challenge, creator, "winner", title="Phone befriending", organisation=charity,
                             team=(teammate,))
    return SimpleNamespace(**locals())


@pytest.fixture()
def make_partnership(world):
    def make(stage: str = "lead", *, counterpart=None, value: int = 0, commission_bp=None, commission_amount=0,
             owner=None, origin=None, **fields) -> Partnership:
        p = services.create_partnership(
            world.broker, clock.now(), title=fields.pop("title", "Befriending pilot"), kind=fields.pop("kind", "pilot"),
            creator=world.creator, creator_organisation=world.charity, counterpart=counterpart or world.council,
            origin=origin or world.winner, value=value, commission_amount=None if commission_bp is not None else commission_amount,
            commission_bp=commission_bp, owner=owner, **fields)
        p.stage = stage
        if stage == "closed_lost":
            p.closed_reason, p.lost_from_stage = "No budget", "pilot"
        db.session.commit()
        return p

    return make


@pytest.fixture()
def published_entry(world):
    now = clock.now()
    entry = LibraryEntry(submission_id=world.winner.id, solution_summary="Volunteers phone lonely people weekly.",
                         consent_by_id=world.creator.id, consent_at=now, published_at=now)
    db.session.add(entry)
    db.session.commit()
    return entry


def days(n: int) -> timedelta:
    return timedelta(days=n)
