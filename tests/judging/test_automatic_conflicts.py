"""Nobody judges their own entry: an entrant, a team member or a member of the entering organisation who sits
on the panel is conflicted automatically and never assigned that entry."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.accounts.models import Membership
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging.models import Assignment, Conflict
from challenge.platform.models import AuditEvent
from tests.judging.judging_helpers import open_round, sheet


def _entrant_on_the_panel(world, make_user, make_org, seat, how: str):
    """Seat someone tied to world.subs[0] in the way `how` names; returns their panel membership."""
    sub = world.subs[0]
    if how == "owner":
        person = world.creators[0]
    elif how == "team":
        person = make_user("Tess Teammate")
        from challenge.submissions.models import TeamMember

        sub.team.append(TeamMember(user_id=person.id))
    else:
        person = make_user("Oona Orgmember")
        org = make_org(make_user("Olga Owner"), name="Entering Enterprise", kind="social_enterprise")
        db.session.add(Membership(user_id=person.id, organisation_id=org.id, role="member", created_at=clock.now()))
        sub.organisation_id = org.id
    db.session.commit()
    return seat(world.challenge, person)


@pytest.mark.parametrize("how", ["owner", "team", "organisation"])
@pytest.mark.parametrize("strategy", [{"strategy": "all"}, {"strategy": "k", "k": 2}])
def test_an_entrant_on_the_panel_is_never_assigned_their_entry(make_world, make_user, make_org, seat, how, strategy):
    world = make_world(judges=2, entries=3, rounds=({"name": "Assessment", **strategy},))
    member = _entrant_on_the_panel(world, make_user, make_org, seat, how)
    round_ = open_round(world)
    assert sheet(round_, member, world.subs[0]) is None
    conflict = db.session.scalar(db.select(Conflict).where(Conflict.panel_member_id == member.id,
                                                           Conflict.submission_id == world.subs[0].id))
    assert conflict.has_conflict and conflict.automatic and conflict.reason
    # The entry still has its two judges, and the entrant still judges the others when every judge scores all.
    assert db.session.scalar(db.select(db.func.count(Assignment.id)).where(
        Assignment.submission_id == world.subs[0].id)) == 2
    if strategy["strategy"] == "all":
        assert all(sheet(round_, member, s) is not None for s in world.subs[1:])
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "judging.conflicts_found"))


def test_a_member_of_an_unrelated_organisation_is_not_conflicted(make_world, make_user, make_org, seat):
    world = make_world(judges=2, entries=2)
    person = make_user("Ursula Unrelated")
    make_org(person, name="Some Other Charity", kind="charity")
    member = seat(world.challenge, person)
    round_ = open_round(world)
    assert all(sheet(round_, member, s) is not None for s in world.subs)
    assert not db.session.scalar(db.select(Conflict.id).where(Conflict.panel_member_id == member.id))


def test_an_earlier_no_conflict_declaration_gives_way_to_the_automatic_conflict(make_world, make_user, make_org,
                                                                                seat):
    """Joining the entering organisation after round 1 conflicts the judge for round 2."""
    world = make_world(judges=3, entries=2, rounds=({"name": "One"}, {"name": "Two"}))
    round_ = open_round(world)
    judge = world.members[2]
    for sub in world.subs:
        assign.declare(sheet(round_, judge, sub), False, "", world.judges[2], clock.now())
    org = make_org(make_user("Olga Owner"), name="Entering Enterprise")
    db.session.add(Membership(user_id=world.judges[2].id, organisation_id=org.id, role="member",
                              created_at=clock.now()))
    world.subs[1].organisation_id = org.id
    assign.close_round(round_, world.chair, clock.now())
    from challenge.judging import decisions

    decisions.advance(round_, [s.id for s in world.subs], world.chair, clock.now(),
                      override_reason="Both go through unscored.", departure_reason="Both go through.")
    db.session.commit()
    second = open_round(world, 2)
    assert sheet(second, judge, world.subs[1]) is None
    assert sheet(second, judge, world.subs[0]) is not None
    conflict = db.session.scalar(db.select(Conflict).where(Conflict.panel_member_id == judge.id,
                                                           Conflict.submission_id == world.subs[1].id))
    assert conflict.has_conflict and conflict.automatic


def test_the_chair_cannot_hand_an_entry_to_its_entrant(make_world, make_user, make_org, seat):
    world = make_world(judges=3, entries=2)
    round_ = open_round(world)
    entrant = seat(world.challenge, world.creators[0])  # joins after the round opened
    a = sheet(round_, world.members[1], world.subs[0])
    with pytest.raises(DomainError, match="conflict"):
        assign.reassign(a, entrant, world.chair, clock.now())


def test_a_declared_conflict_never_hands_the_entry_to_its_entrant(make_world, seat):
    """The stand-in for a k-per-entry round is the least-loaded judge without a conflict, never the entrant."""
    world = make_world(judges=2, entries=1, rounds=({"name": "R", "strategy": "k", "k": 2},))
    round_ = open_round(world)
    entrant = seat(world.challenge, world.creators[0])  # the only judge left who could stand in
    assigned = db.session.scalars(db.select(Assignment).where(Assignment.round_id == round_.id)).all()
    leaving = assigned[0]
    user = next(u for u in world.judges if u.id == leaving.member.user_id)
    assign.declare(leaving, True, "I know the team.", user, clock.now())
    db.session.commit()
    judges = set(db.session.scalars(db.select(Assignment.panel_member_id).where(Assignment.round_id == round_.id)))
    assert entrant.id not in judges and len(judges) == 1


def test_the_chair_sees_the_automatic_conflict_without_the_organisation_named(client, login, make_world, make_user,
                                                                             make_org, seat):
    world = make_world(blind=True, judges=2, entries=2)
    _entrant_on_the_panel(world, make_user, make_org, seat, "organisation")
    open_round(world)
    login(world.chair)
    page = client.get(f"/judging/{world.challenge.slug}/").get_data(as_text=True)
    assert "Oona Orgmember" in page and "Found by the platform" in page
    assert "Entering Enterprise" not in page
