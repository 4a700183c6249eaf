"""Issue 11 points 1 and 4 for judging: closing a round with sheets outstanding asks first, deciding is
prefilled and reviewed before it is recorded, and a refused judging button leads back with the way forward."""
from __future__ import annotations

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging.models import Assignment, Decision, PanelMember, RoundState
from challenge.platform.models import AuditEvent
from challenge.submissions.models import Submission
from tests.judging.judging_helpers import open_round, score_all


def _by_position(world):
    index = {s.id: i for i, s in enumerate(world.subs)}
    return lambda member, sub: (index[sub.id], index[sub.id])


def test_one_sheet_in_and_one_outstanding_read_in_the_singular(client, login, make_world):
    world = make_world(judges=2, entries=1)
    round_ = open_round(world)
    score_all(world, round_, _by_position(world), members=world.members[:1])
    login(world.chair)
    text = client.post(f"/judging/{world.challenge.slug}/rounds/1/close").text
    assert "1 of 2 score sheets is in; 1 is outstanding" in text
    assert "(judge Judge 2: 1)" in text and "Close with 1 sheet outstanding" in text


def test_closing_with_sheets_outstanding_says_how_many_and_whose_and_waits_for_the_confirmation(client, login, make_world):
    world = make_world(judges=3, entries=4)
    round_ = open_round(world)
    score_all(world, round_, _by_position(world), members=world.members[:1])  # only the chair has scored
    slug = world.challenge.slug
    login(world.chair)
    warning = client.post(f"/judging/{slug}/rounds/1/close")
    text = warning.text
    assert warning.status_code == 200
    assert "4 of 12 score sheets are in; 8 are outstanding" in text
    assert "Judge 2: 4" in text and "Judge 3: 4" in text and "Judge 1:" not in text
    assert "Close with 8 sheets outstanding" in text
    db.session.expire_all()
    assert round_.state == RoundState.OPEN  # nothing closed yet
    # A confirmation for a number that is no longer true (a sheet came in meanwhile) asks again.
    stale = client.post(f"/judging/{slug}/rounds/1/close", data={"outstanding": "9"})
    assert stale.status_code == 200 and "Close with 8 sheets outstanding" in stale.text
    db.session.expire_all()
    assert round_.state == RoundState.OPEN
    done = client.post(f"/judging/{slug}/rounds/1/close", data={"outstanding": "8"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/judging/{slug}/panel?round=1")
    db.session.expire_all()
    assert round_.state == RoundState.CLOSED


def test_with_every_sheet_in_the_round_closes_at_once(client, login, make_world):
    world = make_world(judges=2, entries=2)
    round_ = open_round(world)
    score_all(world, round_, _by_position(world))
    login(world.chair)
    response = client.post(f"/judging/{world.challenge.slug}/rounds/1/close")
    assert response.status_code == 302
    db.session.expire_all()
    assert round_.state == RoundState.CLOSED


def test_opening_a_round_with_an_empty_panel_leads_back_with_the_way_forward(client, login, make_world):
    world = make_world(judges=1)
    db.session.execute(db.delete(PanelMember).where(PanelMember.challenge_id == world.challenge.id))
    db.session.commit()
    login(world.seeker)
    response = client.post(f"/judging/{world.challenge.slug}/rounds/1/open", follow_redirects=True)
    assert response.status_code == 200 and response.request.path == f"/judging/{world.challenge.slug}/"
    assert "The panel has 0 judges" in response.text and "Invite judges" in response.text
    assert "Invite a judge" in response.text  # the form that leads on is on the same page
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0


def test_a_second_click_on_make_chair_and_remind_is_said_on_the_judging_page(client, login, make_world):
    world = make_world(judges=2)
    open_round(world)
    login(world.seeker)
    url = f"/judging/{world.challenge.slug}/rounds/1/remind"
    assert client.post(url).status_code == 302
    again = client.post(url, follow_redirects=True)
    assert again.status_code == 200 and "reminded less than a day ago" in again.text


def _closed(make_world, **kw):
    world = make_world(judges=2, entries=4, **kw)
    round_ = open_round(world)
    score_all(world, round_, _by_position(world))
    assign.close_round(round_, world.chair, clock.now())
    db.session.commit()
    return world, round_


def test_places_are_prefilled_from_the_ranking(client, login, make_world):
    world, _ = _closed(make_world)
    login(world.chair)
    page = client.get(f"/judging/{world.challenge.slug}/rounds/1/decide").text
    for slot, sub in enumerate((world.subs[3], world.subs[2], world.subs[1])):
        select = page.split(f'name="slot-{slot}"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{sub.id}" selected>' in select
    assert "Review the decision" in page and "Record the decision" not in page


def test_leaving_a_place_empty_needs_a_reason_and_records_nothing(client, login, make_world):
    world, _ = _closed(make_world)
    login(world.chair)
    url = f"/judging/{world.challenge.slug}/rounds/1/decide"
    data = {"slot-0": str(world.subs[3].id), "slot-1": str(world.subs[2].id), "slot-2": ""}
    for step in ("review", "record"):
        response = client.post(url, data={**data, "step": step})
        assert response.status_code == 400
        assert "Say why Prize 2, place 2 is left empty" in response.text
        assert 'id="empty_reason"' in response.text and "is-invalid" in response.text.split('id="empty_reason"')[0][-300:]
    assert db.session.scalar(db.select(db.func.count(Decision.id))) == 0
    response = client.post(url, data={**data, "empty_reason": "No third entry reached the standard.", "step": "review"})
    assert response.status_code == 200 and "Left empty" in response.text


def test_the_review_step_shows_the_effects_and_records_nothing_then_one_record(client, login, make_world):
    world, _ = _closed(make_world)
    login(world.chair)
    url = f"/judging/{world.challenge.slug}/rounds/1/decide"
    data = {"slot-0": str(world.subs[3].id), "slot-1": str(world.subs[2].id), "slot-2": str(world.subs[1].id)}
    review = client.post(url, data={**data, "step": "review"})
    text = review.text
    assert review.status_code == 200
    assert world.subs[3].reference in text and "£10,000" in text and "£2,500" in text
    assert "3 entries told they have won a place" in text and "1 entry told it was not selected" in text
    assert "pool holds no money" in text and "awarded later" in text  # this world's pool is not paid
    assert db.session.scalar(db.select(db.func.count(Decision.id))) == 0
    assert not db.session.scalar(db.select(AuditEvent.id).where(AuditEvent.action == "judging.decided"))
    first = client.post(url, data={**data, "step": "record"})
    assert first.status_code == 302
    second = client.post(url, data={**data, "step": "record"}, follow_redirects=True)  # a double click
    assert second.status_code == 200 and "already recorded" in second.text
    assert db.session.scalar(db.select(db.func.count(Decision.id))) == 1
    db.session.expire_all()
    assert {s.state for s in world.subs} == {"submitted"}  # provisional: nobody's outcome changed yet
    assert world.challenge.state == "judging"


def test_changing_the_decision_from_the_review_goes_back_to_the_form_with_the_choices(client, login, make_world):
    world, _ = _closed(make_world)
    login(world.chair)
    url = f"/judging/{world.challenge.slug}/rounds/1/decide"
    back = client.post(url, data={"slot-0": str(world.subs[2].id), "slot-1": str(world.subs[3].id),
                                  "slot-2": str(world.subs[1].id), "departure_reason": "Ready to pilot",
                                  "step": "change"})
    assert back.status_code == 200 and "Review the decision" in back.text
    select = back.text.split('name="slot-0"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{world.subs[2].id}" selected>' in select
    assert db.session.scalar(db.select(db.func.count(Submission.id)).where(Submission.state == "winner")) == 0
