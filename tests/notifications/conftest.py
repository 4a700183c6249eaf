"""A small world for the notifications tests: a council running an open challenge (Sam seeks), an entrant
with an entry, a judge-to-be, a broker, a partnership and someone unrelated."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging import panel
from challenge.partnerships import introductions, services as partnerships
from challenge.submissions import team


@pytest.fixture()
def people(make_user, make_org, make_challenge, make_submission):
    broker = make_user("Brooke Broker", "brooke@example.org", broker=True)
    seeker = make_user("Sam Seeker", "sam@example.org")
    entrant = make_user("Erin Entrant", "erin@example.org")
    judge = make_user("Jude Judge", "jude@example.org")
    friend = make_user("Fran Friend", "fran@example.org")
    stranger = make_user("Stan Stranger", "stan@example.org")
    council = make_org(seeker, name="Leeds City Council")
    charity = make_org(entrant, name="Befriend CIC", kind="social_enterprise")
    challenge = make_challenge(council, "open", title="Loneliness challenge")
    entry = make_submission(challenge, entrant, "draft", title="Phone befriending")
    return SimpleNamespace(**locals())


@pytest.fixture()
def panel_invitation(people):
    invitation = panel.invite(people.challenge, people.judge.email, "judge", False, people.seeker, clock.now())
    db.session.commit()
    return invitation


@pytest.fixture()
def team_invitation(people):
    team.sync(people.entry, [people.friend.email], people.entrant, clock.now(), lambda token: f"/t/{token}")
    db.session.commit()
    return team.pending(people.entry)[0]


@pytest.fixture()
def introduction(people):
    p = partnerships.create_partnership(
        people.broker, clock.now(), title="Befriending pilot", kind="pilot", creator=people.entrant,
        creator_organisation=people.charity, counterpart=people.council, origin=people.entry, value=0,
        commission_amount=0, commission_bp=None, owner=None)
    intro = introductions.introduce(p, people.broker, clock.now(), contact=people.seeker,
                                    note="You both want fewer lonely residents.")
    db.session.commit()
    return intro
