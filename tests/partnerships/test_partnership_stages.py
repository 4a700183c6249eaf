"""The pipeline table: every allowed move, every refused one, reasons, reopening, audit and timeline."""
import pytest

from challenge import clock
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.partnerships import services
from challenge.errors import FieldError
from challenge.partnerships.states import MOVES, PIPELINE, Stage, allowed, moves_from
from challenge.platform.audit import history

FORWARD = [("lead", "to_introduced", "introduced"), ("introduced", "to_in_discussion", "in_discussion"),
           ("in_discussion", "to_pilot", "pilot"), ("pilot", "to_contracted", "contracted"),
           ("contracted", "to_scaled", "scaled")]
BACK = [("in_discussion", "back_to_introduced", "introduced"), ("pilot", "back_to_in_discussion", "in_discussion"),
        ("contracted", "back_to_pilot", "pilot"), ("scaled", "back_to_contracted", "contracted")]


@pytest.mark.parametrize("start, move, end", FORWARD + BACK)
def test_allowed_moves_change_stage_audit_and_timeline(world, make_partnership, start, move, end):
    p = make_partnership(start)
    services.move(p, move, world.broker, clock.now())
    db.session.commit()
    assert p.stage == end
    last = history(p)[-1]
    assert (last.action, last.from_state, last.to_state) == (f"partnership.{move}", start, end)
    assert p.events[0].kind == "stage_change" and p.events[0].title.endswith(Stage(end).label)


def _refused_pairs():
    for stage in Stage:
        for name in MOVES:
            if not allowed(name, stage):
                yield stage.value, name


@pytest.mark.parametrize("start, move", list(_refused_pairs()))
def test_every_move_outside_the_table_is_refused(world, make_partnership, start, move):
    p = make_partnership(start)
    with pytest.raises(InvalidTransition, match="cannot"):
        services.move(p, move, world.broker, clock.now())
    assert p.stage == start


def test_no_skipping_forward_and_no_going_back_to_lead():
    assert not allowed("to_pilot", "lead")
    assert not allowed("to_contracted", "introduced")
    assert "back_to_lead" not in MOVES
    assert [m.name for m in moves_from("lead")] == ["to_introduced", "close_lost"]


def test_an_unknown_move_is_refused(world, make_partnership):
    p = make_partnership("lead")
    with pytest.raises(InvalidTransition):
        services.move(p, "to_the_moon", world.broker, clock.now())


@pytest.mark.parametrize("stage", [s.value for s in PIPELINE])
def test_close_lost_from_any_stage_needs_a_reason_and_reopen_returns(world, make_partnership, stage):
    p = make_partnership(stage)
    with pytest.raises(FieldError, match="why"):
        services.move(p, "close_lost", world.broker, clock.now(), reason="   ")
    services.move(p, "close_lost", world.broker, clock.now(), reason="Budget frozen")
    assert (p.stage, p.lost_from_stage, p.closed_reason) == ("closed_lost", stage, "Budget frozen")
    services.move(p, "reopen", world.broker, clock.now())
    assert (p.stage, p.lost_from_stage, p.closed_reason) == (stage, None, "")


def test_the_database_refuses_a_closed_partnership_without_a_reason(world, make_partnership):
    p = make_partnership("lead")
    p.stage = "closed_lost"
    with pytest.raises(Exception):
        db.session.commit()
    db.session.rollback()


def test_refused_move_on_the_web_is_a_clear_409(client, login, world, make_partnership):
    p = make_partnership("lead")
    login(world.broker)
    response = client.post(f"/partnerships/{p.id}/move", data={"move": "to_contracted"})
    assert response.status_code == 409
    assert "cannot move to contracted" in response.get_data(as_text=True)


def test_close_without_reason_on_the_web_shows_the_field_error(client, login, world, make_partnership):
    p = make_partnership("pilot")
    login(world.broker)
    response = client.post(f"/partnerships/{p.id}/move", data={"move": "close_lost", "reason": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "Say why the partnership was lost" in page
    assert db.session.get(type(p), p.id).stage == "pilot"


def test_move_on_the_web_from_the_board(client, login, world, make_partnership):
    p = make_partnership("in_discussion")
    login(world.broker)
    response = client.post(f"/partnerships/{p.id}/move", data={"move": "to_pilot", "back": "board"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/partnerships/")
    db.session.expire_all()
    assert db.session.get(type(p), p.id).stage == "pilot"
