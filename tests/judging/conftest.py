"""Fixtures for the judging tests: a rubric, a panel, and a whole world of seeker, judges and entries."""
from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging.models import Criterion, PanelMember, Round
from challenge.judging.presets import generic_levels

_worlds = itertools.count(1)


@pytest.fixture()
def rubric_for(app):
    def make(challenge, criteria=(("Impact", 60), ("Feasibility", 40)), scale=(0, 4), rounds=({"name": "Assessment"},)):
        made = [Criterion(challenge_id=challenge.id, position=i, name=name, weight=weight, scale_min=scale[0],
                          scale_max=scale[1], levels=generic_levels(*scale)) for i, (name, weight) in enumerate(criteria, 1)]
        made_rounds = [Round(challenge_id=challenge.id, position=i, seed=7, **spec) for i, spec in enumerate(rounds, 1)]
        db.session.add_all(made + made_rounds)
        db.session.commit()
        return made, made_rounds

    return make


@pytest.fixture()
def seat(app):
    def make(challenge, user, role="judge", service_user=False) -> PanelMember:
        member = PanelMember(challenge_id=challenge.id, user_id=user.id, role=role, service_user=service_user,
                             joined_at=clock.now())
        db.session.add(member)
        db.session.commit()
        return member

    return make


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


@pytest.fixture()
def signin(login):
    """`login`, and forget who was signed in before: the suite shares one app context (and `g`) per test."""
    from flask import g

    from challenge.accounts.models import User

    def sign_in(user):
        g.pop("_login_user", None)
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, User):
                obj.__dict__.pop("_roles", None)
        return login(user)

    return sign_in
