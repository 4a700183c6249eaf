"""Rounds open and close; entries are shared out by strategy; conflicts release entries; the chair reassigns."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from challenge import clock
from challenge.errors import DomainError, InvalidTransition
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging.models import Assignment, Conflict
from challenge.submissions.models import Submission
from challenge.platform.models import AuditEvent, OutboxMessage
from tests.judging.judging_helpers import open_round, score_all, sheet


# --- the strategies, as pure functions ------------------------------------------------------------

@pytest.mark.parametrize("entries, judges, k", [(10, 4, 2), (7, 5, 3), (30, 8, 2), (3, 3, 3)])
def test_k_per_entry_spreads_evenly_and_is_deterministic(entries, judges, k):
    es, js = list(range(100, 100 + entries)), list(range(1, judges + 1))
    pairs = assign.assign_k(es, js, set(), k, seed=42)
    per_entry = Counter(e for _, e in pairs)
    load = Counter(j for j, _ in pairs)
    assert all(per_entry[e] == k for e in es)
    assert len(set(pairs)) == len(pairs)  # no judge twice on one entry
    assert max(load.values()) - min(load.values()) <= 1
    assert assign.assign_k(es, js, set(), k, seed=42) == pairs
    assert assign.assign_k(es, js, set(), k, seed=43) != pairs or entries <= 3


def test_k_per_entry_skips_conflicts():
    conflicts = {(1, 100), (2, 100), (3, 101)}
    pairs = assign.assign_k([100, 101, 102], [1, 2, 3, 4], conflicts, 2, seed=1)
    assert not set(pairs) & conflicts
    assert Counter(e for _, e in pairs)[100] == 2  # judges 3 and 4


@pytest.mark.parametrize("k", [None, 0, 1])
def test_k_must_be_at_least_two(k):
    with pytest.raises(DomainError):
        assign.assign_k([1], [1, 2], set(), k, seed=1)


def test_everyone_scores_everything_but_their_conflicts():
    pairs = assign.assign_all([10, 11], [1, 2, 3], {(2, 11)}, None, 0)
    assert sorted(pairs) == [(1, 10), (1, 11), (2, 10), (3, 10), (3, 11)]


# --- rounds ---------------------------------------------------------------------------------------

def test_opening_round_one_assigns_every_submitted_entry_and_emails_the_judges(make_world, make_submission, make_user):
    world = make_world(judges=3, entries=4)
    make_submission(world.challenge, make_user(), "draft")
    make_submission(world.challenge, make_user(), "withdrawn")
    open_round(world)
    rows = db.session.execute(db.select(Assignment.submission_id, Assignment.panel_member_id)).all()
    assert len(rows) == 12 and {s for s, _ in rows} == {s.id for s in world.subs}
    mails = db.session.scalars(db.select(OutboxMessage.to_email).where(OutboxMessage.kind == "round_opened")).all()
    assert sorted(mails) == sorted(u.email for u in world.judges)
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "judging.round_opened"))


def test_k_round_through_the_web(client, login, make_world):
    world = make_world(judges=4, entries=6, rounds=({"name": "Shortlist", "strategy": "k", "k": 2},))
    login(world.seeker)
    assert client.post(f"/judging/{world.challenge.slug}/rounds/1/open").status_code == 302
    per_entry = Counter(db.session.scalars(db.select(Assignment.submission_id)))
    assert set(per_entry.values()) == {2}


@pytest.mark.parametrize("state", ["open", "closed", "decided"])
def test_rounds_open_only_while_judging(make_world, state):
    world = make_world(state=state)
    with pytest.raises(InvalidTransition, match="moved to judging"):
        assign.open_round(world.round, world.chair, clock.now())


def test_refused_round_moves(make_world, make_user, seat):
    world = make_world(judges=2, rounds=({"name": "One"}, {"name": "Two"}, {"name": "Three", "strategy": "k", "k": 3}))
    with pytest.raises(InvalidTransition, match="Close the earlier round"):
        assign.open_round(world.rounds[1], world.chair, clock.now())
    open_round(world)
    with pytest.raises(InvalidTransition, match="already been opened"):
        assign.open_round(world.round, world.chair, clock.now())
    with pytest.raises(InvalidTransition, match="Close the earlier round"):
        assign.open_round(world.rounds[1], world.chair, clock.now())
    assign.close_round(world.round, world.chair, clock.now())
    with pytest.raises(InvalidTransition, match="Only an open round"):
        assign.close_round(world.round, world.chair, clock.now())
    with pytest.raises(InvalidTransition, match="advance a shortlist first"):
        assign.open_round(world.rounds[1], world.chair, clock.now())


def test_a_round_needs_entries_criteria_and_enough_judges(make_world, rubric_for, make_user, make_org, make_challenge,
                                                          seat):
    world = make_world(entries=0)
    with pytest.raises(InvalidTransition, match="nothing was submitted"):
        assign.open_round(world.round, world.chair, clock.now())
    small = make_world(judges=2, rounds=({"name": "R", "strategy": "k", "k": 3},))
    with pytest.raises(InvalidTransition, match="needs at least 3"):
        assign.open_round(small.round, small.chair, clock.now())


def test_who_may_open_and_close_rounds(client, login, make_world):
    world = make_world()
    slug = world.challenge.slug
    for user in (world.judges[1], world.outsider, world.creators[0]):
        login(user)
        assert client.post(f"/judging/{slug}/rounds/1/open").status_code == 404
    login(world.seeker)
    assert client.post(f"/judging/{slug}/rounds/1/open").status_code == 302
    assert client.post(f"/judging/{slug}/rounds/1/close").status_code == 404  # the chair closes
    login(world.judges[1])
    assert client.post(f"/judging/{slug}/rounds/1/close").status_code == 404
    login(world.chair)
    warning = client.post(f"/judging/{slug}/rounds/1/close")  # no sheet is in yet: the chair is asked first
    assert warning.status_code == 200 and "are outstanding" in warning.text
    left = db.session.scalar(db.select(db.func.count(Assignment.id)).where(Assignment.round_id == world.round.id))
    assert client.post(f"/judging/{slug}/rounds/1/close", data={"outstanding": str(left)}).status_code == 302
    again = client.post(f"/judging/{slug}/rounds/1/close", data={"outstanding": str(left)}, follow_redirects=True)
    assert again.status_code == 200 and "alert-danger" in again.text  # refused: said on the judging page
    assert client.post(f"/judging/{slug}/rounds/9/close").status_code == 404


def test_round_deadline_closes_scoring_without_a_scheduler(make_world):
    world = make_world(rounds=({"name": "R", "closes_at": clock.now() + timedelta(hours=2)},))
    round_ = open_round(world)
    assert round_.is_open(clock.now())
    clock.travel(timedelta(hours=3))
    assert not round_.is_open(clock.now())


# --- rounds set-up through the web ------------------------------------------------------------------

@pytest.mark.parametrize("data, message", [
    ({"name": "", "strategy": "all"}, "Enter a name for the round"),
    ({"name": "R", "strategy": "k"}, "Each entry needs at least 2 judges"),
    ({"name": "R", "strategy": "k", "k": "1"}, "Enter a number from 2 to 50"),
    ({"name": "R", "strategy": "k", "k": "two"}, "Not a valid integer value"),
    ({"name": "R", "strategy": "sometimes"}, "Not a valid choice"),
    ({"name": "R", "strategy": "all", "threshold_percent": "101"}, "Enter a percentage from 0 to 100"),
    ({"name": "R", "strategy": "all", "threshold_percent": "-5"}, "Enter a percentage from 0 to 100"),
    ({"name": "R", "strategy": "all", "closes_at": "2001-01-01T10:00"}, "Choose a closing time in the future"),
    ({"name": "R", "strategy": "all", "closes_at": "yesterday"}, "Not a valid datetime value"),
])
def test_bad_round_settings_are_refused(client, login, make_world, data, message):
    world = make_world()
    login(world.seeker)
    response = client.post(f"/judging/{world.challenge.slug}/rounds", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_rounds_are_added_and_changed_until_they_open(client, login, make_world):
    world = make_world()
    slug = world.challenge.slug
    login(world.seeker)
    response = client.post(f"/judging/{slug}/rounds", data={"name": "Final", "strategy": "k", "k": "2",
                                                            "comments_required": "y", "threshold_percent": "70",
                                                            "closes_at": "2099-06-01T17:00"})
    assert response.status_code == 302
    page = client.get(f"/judging/{slug}/rounds/2/edit")
    assert page.status_code == 200 and 'value="Final"' in page.get_data(as_text=True)
    assert "2099-06-01T17:00" in page.get_data(as_text=True)  # shown back in UK time
    assert client.post(f"/judging/{slug}/rounds/1/edit", data={"name": "Screening", "strategy": "all"}).status_code == 302
    open_round(world)
    response = client.post(f"/judging/{slug}/rounds/1/edit", data={"name": "Changed", "strategy": "all"})
    assert response.status_code == 409 and "can no longer change" in response.get_data(as_text=True)


# --- conflicts --------------------------------------------------------------------------------------

def test_declaring_a_conflict_releases_the_entry_and_k_rounds_reassign_it(client, login, make_world):
    world = make_world(judges=4, entries=4, rounds=({"name": "R", "strategy": "k", "k": 2},))
    round_ = open_round(world)
    member, user = world.members[1], world.judges[1]
    a = db.session.scalar(db.select(Assignment).where(Assignment.panel_member_id == member.id))
    entry, sheet_url = a.submission_id, f"/judging/{world.challenge.slug}/entries/{a.id}"  # the request deletes it
    login(user)
    response = client.post(f"{sheet_url}/declaration",
                           data={"has_conflict": "yes", "reason": "I mentor the team."})
    assert response.status_code == 302
    judges = set(db.session.scalars(db.select(Assignment.panel_member_id).where(
        Assignment.round_id == round_.id, Assignment.submission_id == entry)))
    assert member.id not in judges and len(judges) == 2
    # Every sheet, the stand-in's too, keeps its entry's reference (the judge's queue is read in its order).
    sheets = db.session.execute(db.select(Assignment.reference, Submission.reference).join(
        Submission, Submission.id == Assignment.submission_id).where(Assignment.round_id == round_.id)).all()
    assert len(sheets) == 8 and all(kept == reference for kept, reference in sheets)
    conflict = db.session.scalar(db.select(Conflict))
    assert conflict.has_conflict and conflict.reason == "I mentor the team."
    queue = client.get(f"/judging/{world.challenge.slug}/queue").get_data(as_text=True)
    assert "I mentor the team." in queue
    assert client.get(sheet_url).status_code == 404
    login(world.chair)
    assert "I mentor the team." in client.get(f"/judging/{world.challenge.slug}/").get_data(as_text=True)
    login(world.seeker)
    assert "I mentor the team." not in client.get(f"/judging/{world.challenge.slug}/").get_data(as_text=True)


def test_conflicted_judges_are_skipped_in_later_rounds(make_world):
    world = make_world(judges=3, entries=2, rounds=({"name": "One"}, {"name": "Two"}))
    round_ = open_round(world)
    a = sheet(round_, world.members[1], world.subs[0])
    assign.declare(a, True, "Former colleague", world.judges[1], clock.now())
    db.session.commit()
    assert sheet(round_, world.members[1], world.subs[0]) is None
    pairs = assign.assign_all([s.id for s in world.subs], [m.id for m in world.members],
                              assign.conflicts_in(world.challenge.id), None, 0)
    assert (world.members[1].id, world.subs[0].id) not in pairs


@pytest.mark.parametrize("data, message, status", [
    ({}, "Say whether you have a conflict of interest", 400),
    ({"has_conflict": "maybe"}, "Not a valid choice", 400),
    ({"has_conflict": "yes"}, "Say briefly what the conflict is", 400),
    ({"has_conflict": "yes", "reason": "   "}, "Say briefly what the conflict is", 400),
    ({"has_conflict": "yes", "reason": "x" * 2001}, "Field cannot be longer than 2000 characters", 400),
])
def test_bad_declarations_are_refused(client, login, make_world, data, message, status):
    world = make_world()
    round_ = open_round(world)
    a = sheet(round_, world.members[1], world.subs[0])
    login(world.judges[1])
    response = client.post(f"/judging/{world.challenge.slug}/entries/{a.id}/declaration", data=data)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Conflict.id))) == 0


def test_a_second_declaration_is_refused(client, login, make_world):
    world = make_world()
    round_ = open_round(world)
    a = sheet(round_, world.members[1], world.subs[0])
    login(world.judges[1])
    url = f"/judging/{world.challenge.slug}/entries/{a.id}/declaration"
    client.post(url, data={"has_conflict": "no"})
    response = client.post(url, data={"has_conflict": "no"})
    assert response.status_code == 400 and "already made a declaration" in response.get_data(as_text=True)


def test_a_conflict_found_after_scoring_removes_the_scores(client, login, make_world):
    world = make_world(judges=2, entries=1)
    round_ = open_round(world)
    score_all(world, round_, lambda m, s: (4, 4))
    a = sheet(round_, world.members[1], world.subs[0])
    login(world.judges[1])
    url = f"/judging/{world.challenge.slug}/entries/{a.id}"
    assert "Found a conflict of interest?" in client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/declaration", data={"has_conflict": "yes", "reason": "My sister's charity"})
    assert response.status_code == 302
    assert sheet(round_, world.members[1], world.subs[0]) is None
    assert client.get(url).status_code == 404
    from challenge.judging import results

    (entry,) = results.load(round_).entries
    assert entry.complete == 1
    response = client.post(f"{url}/declaration", data={"has_conflict": "yes", "reason": "Again"})
    assert response.status_code == 404  # the sheet is gone


# --- reassignment -----------------------------------------------------------------------------------

def _reassign(client, world, sub, source, target):
    return client.post(f"/judging/{world.challenge.slug}/reassign",
                       data={"round": "1", "reference": sub.reference, "from": source.id, "to": target.id})


def test_chair_reassigns_an_entry(client, login, make_world):
    world = make_world(judges=3, entries=3, rounds=({"name": "R", "strategy": "k", "k": 2},))
    round_ = open_round(world)
    a = db.session.scalar(db.select(Assignment).limit(1))
    taken = set(db.session.scalars(db.select(Assignment.panel_member_id).where(
        Assignment.submission_id == a.submission_id)))
    spare = next(m for m in world.members if m.id not in taken)
    sub = next(s for s in world.subs if s.id == a.submission_id)
    source = next(m for m in world.members if m.id == a.panel_member_id)
    login(world.judges[1])
    assert _reassign(client, world, sub, source, spare).status_code == 404
    login(world.chair)
    assert _reassign(client, world, sub, source, spare).status_code == 302
    db.session.expire_all()
    assert a.panel_member_id == spare.id
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "judging.reassigned"))
    response = _reassign(client, world, sub, spare, next(m for m in world.members if m.id in taken and m.id != source.id))
    assert response.status_code == 400 and "already scoring this entry" in response.get_data(as_text=True)
    response = _reassign(client, world, sub, source, spare)  # the source no longer has it
    assert response.status_code == 400 and "has no entry with the reference" in response.get_data(as_text=True)


def test_reassignment_refusals(make_world):
    world = make_world(judges=3, entries=1, rounds=({"name": "R", "strategy": "k", "k": 2},))
    round_ = open_round(world)
    a = db.session.scalar(db.select(Assignment).limit(1))
    judge = next(u for u in world.judges if u.id == a.member.user_id)
    spare = next(m for m in world.members if m.id not in set(db.session.scalars(
        db.select(Assignment.panel_member_id))))
    other = make_world()
    with pytest.raises(DomainError, match="not on this panel"):
        assign.reassign(a, other.members[0], world.chair, clock.now())
    db.session.add(Conflict(panel_member_id=spare.id, submission_id=a.submission_id, has_conflict=True,
                            reason="Relative", declared_at=clock.now()))
    db.session.flush()
    with pytest.raises(DomainError, match="declared a conflict"):
        assign.reassign(a, spare, world.chair, clock.now())
    assign.declare(a, False, "", judge, clock.now())
    from challenge.judging import services

    services.save_scores(a, {str(c.id): 2 for c in world.criteria}, "", True, judge, clock.now())
    with pytest.raises(DomainError, match="already submitted"):
        assign.reassign(a, spare, world.chair, clock.now())
    assign.close_round(round_, world.chair, clock.now())
    with pytest.raises(InvalidTransition, match="round is closed"):
        assign.reassign(a, spare, world.chair, clock.now())


@pytest.mark.parametrize("form", [{}, {"round": "1", "reference": "CX-NOPE", "from": "1", "to": "2"},
                                  {"round": "x", "reference": "", "from": "a", "to": "b"},
                                  {"round": "1", "reference": "<b>", "from": "99999999999", "to": "-1"}])
def test_garbage_reassignment_forms_never_500(client, login, make_world, form):
    world = make_world()
    open_round(world)
    login(world.chair)
    response = client.post(f"/judging/{world.challenge.slug}/reassign", data=form)
    assert response.status_code in (400, 404)
