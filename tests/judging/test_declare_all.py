"""Issue 11 point 9: the declaration names the entrant unless judging is blind; a judge may declare for all
their entries of a round on one page, all or nothing."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.errors import FieldError, NotAllowed
from challenge.extensions import db
from challenge.judging import services
from challenge.judging.models import Assignment, Conflict
from tests.judging.judging_helpers import open_round, sheet


def _mine(world, round_, member):
    return [sheet(round_, member, s) for s in sorted(world.subs, key=lambda s: s.reference)]


def _conflicts(member):
    return list(db.session.scalars(db.select(Conflict).where(Conflict.panel_member_id == member.id)))


def test_the_declaration_names_the_entrant_when_judging_is_not_blind(make_world, make_org, login, client):
    world = make_world(judges=2, entries=1)
    world.subs[0].organisation = make_org(world.creators[0], name="Quorn Labs")
    db.session.commit()
    a = sheet(open_round(world), world.members[1], world.subs[0])
    login(world.judges[1])
    page = client.get(f"/judging/{world.challenge.slug}/entries/{a.id}").get_data(as_text=True)
    assert f"Entered by <strong>{world.creators[0].name}, Quorn Labs</strong>" in page
    page = client.get(f"/judging/{world.challenge.slug}/declarations").get_data(as_text=True)
    assert f"Entered by <strong>{world.creators[0].name}, Quorn Labs</strong>" in page


def test_the_declaration_never_names_the_entrant_when_judging_is_blind(make_world, login, client):
    world = make_world(blind=True, judges=2, entries=2)
    a = sheet(open_round(world), world.members[1], world.subs[0])
    login(world.judges[1])
    for url in (f"/judging/{world.challenge.slug}/entries/{a.id}", f"/judging/{world.challenge.slug}/declarations"):
        page = client.get(url).get_data(as_text=True)
        assert a.submission.reference in page
        assert "Entered by" not in page and "Zebedee" not in page and "Quorn" not in page


def test_declaring_for_all_entries_at_once(make_world, login, client):
    world = make_world(judges=2, entries=3)
    round_ = open_round(world)
    member = world.members[1]
    first, second, third = _mine(world, round_, member)
    entries, second_id = [a.submission_id for a in (first, second, third)], second.id
    login(world.judges[1])
    data = {f"conflict-{first.id}": "no", f"conflict-{second.id}": "yes", f"reason-{second.id}": "My cousin.",
            f"conflict-{third.id}": "no"}
    response = client.post(f"/judging/{world.challenge.slug}/declarations", data=data)
    assert response.status_code == 302 and f"/judging/{world.challenge.slug}/queue" in response.location
    db.session.expire_all()
    answers = {c.submission_id: (c.has_conflict, c.reason) for c in _conflicts(member)}
    assert answers == {entries[0]: (False, ""), entries[1]: (True, "My cousin."), entries[2]: (False, "")}
    assert db.session.get(Assignment, second_id) is None  # the conflict took it off the judge's list
    page = client.get(f"/judging/{world.challenge.slug}/declarations").get_data(as_text=True)
    assert "No entries are waiting for your declaration" in page


def test_one_refused_declaration_rolls_back_all(make_world, login, client):
    world = make_world(judges=2, entries=3)
    round_ = open_round(world)
    member = world.members[1]
    first, second, third = _mine(world, round_, member)
    login(world.judges[1])
    data = {f"conflict-{first.id}": "no", f"conflict-{second.id}": "no",
            f"conflict-{third.id}": "yes", f"reason-{third.id}": ""}  # a conflict without a reason: refused
    response = client.post(f"/judging/{world.challenge.slug}/declarations", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Say briefly what the conflict is" in page
    assert third.submission.reference in page
    db.session.expire_all()
    assert _conflicts(member) == []


def test_an_unanswered_entry_is_refused(make_world, login, client):
    world = make_world(judges=2, entries=2)
    first, second = _mine(world, open_round(world), world.members[1])
    login(world.judges[1])
    response = client.post(f"/judging/{world.challenge.slug}/declarations", data={f"conflict-{first.id}": "no"})
    assert response.status_code == 400 and f"{second.submission.reference} has no answer" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _conflicts(world.members[1]) == []


def test_the_service_refuses_another_judges_entry(make_world):
    world = make_world(judges=2, entries=1)
    theirs = sheet(open_round(world), world.members[0], world.subs[0])
    with pytest.raises(NotAllowed, match="your own entries"):
        services.declare_all([theirs], {theirs.id: (False, "")}, world.judges[1], clock.now())
    db.session.rollback()
    with pytest.raises(FieldError, match="no entries waiting"):
        services.declare_all([], {}, world.judges[1], clock.now())
