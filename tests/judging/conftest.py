"""Fixtures for the judging tests: a whole world of seeker, judges and entries, built from the suite's
factories (tests/factories.py: `rubric_for` and `seat` make the rubric and the panel)."""
from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

_worlds = itertools.count(1)


@pytest.fixture()
def make_world(make_user, make_org, make_challenge, make_submission, rubric_for, seat):
    """A challenge in judging with a seeker, a broker, a chair and judges, and entries by distinctive creators."""

    def make(*, blind=False, judges=3, entries=4, rounds=({"name": "Assessment"},), state="judging", service_users=0,
             **challenge_fields):
        w = next(_worlds)
        seeker = make_user("Sally Seeker", f"sally{w}@council.example.org")
        org = make_org(seeker, name="Riverside Council")
        challenge = make_challenge(org, state, blind_judging=blind, prizes=((1_000_000, 1), (250_000, 2)),
                                   **challenge_fields)
        criteria, made_rounds = rubric_for(challenge, rounds=rounds)
        people = [make_user(f"Judge {n}", f"judge{n}-{w}@panel.example.org") for n in range(1, judges + 1)]
        members = [seat(challenge, u, "chair" if i == 0 else "judge", service_user=i >= judges - service_users)
                   for i, u in enumerate(people)]
        creators = [make_user(f"Zebedee Quorn{n}", f"zebedee{n}-{w}@secret-creator.example.org") for n in range(entries)]
        subs = [make_submission(challenge, c, title=f"Idea number {n}") for n, c in enumerate(creators)]
        return SimpleNamespace(seeker=seeker, org=org, challenge=challenge, criteria=criteria, rounds=made_rounds,
                               round=made_rounds[0], judges=people, members=members, chair=people[0],
                               creators=creators, subs=subs, broker=make_user("Brooke Broker", broker=True),
                               outsider=make_user("Olly Outsider"))

    return make
