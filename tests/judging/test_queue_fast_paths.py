"""The judge's queue read by its built-once statements (queue.challenge_with_seat, queue_page) says what the plain
readers say: the challenge by slug, the seat, the rounds, the conflicts, and each sheet's status, every page."""
from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from challenge import clock
from challenge.accounts.models import User
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import queue
from challenge.judging.models import Assignment, AssignmentState, Conflict, PanelMember
from challenge.judging.rules import panel_member
from challenge.permissions import can
from challenge.submissions.models import Submission
from demo.panels import build_panel


def _mixed_queue():
    """A judge with seven sheets: one conflict declared, two undeclared, one scored, the rest declared."""
    panel = build_panel(7, 2, 2, clock.now(), scored=False)
    member = db.session.scalar(db.select(PanelMember).where(PanelMember.user_id == panel.judge_ids[-1]))
    sheets = list(db.session.scalars(db.select(Assignment).join(Submission)
                                     .where(Assignment.panel_member_id == member.id).order_by(Submission.reference)))
    db.session.execute(db.delete(Conflict).where(Conflict.panel_member_id == member.id, Conflict.submission_id.in_(
        [sheets[0].submission_id, sheets[3].submission_id, sheets[6].submission_id])))
    assign.declare(sheets[0], True, "My sister entered it", member.user, clock.now())
    sheets[2].state = AssignmentState.SUBMITTED
    db.session.commit()
    return panel, member


@pytest.mark.parametrize("per_page", [2, 3, 50])
def test_every_page_of_the_queue_is_the_plain_readers_queue(app, per_page):
    panel, member = _mixed_queue()
    user, slug = db.session.get(User, panel.judge_ids[-1]), panel.slug
    with app.test_request_context("/"):
        round_, items, conflicts = queue.queue_of(member, "")
        plain = [(i.assignment.id, i.assignment.submission.reference, i.assignment.submission.title, i.status)
                 for i in items]
        plain_conflicts = [c.submission_id for c in conflicts]
        rounds = [r.id for r in queue.rounds_with_work(member)]
    assert {status for *_, status in plain} == {"not_started", "declared", "submitted"}
    assert [reference for _, reference, *_ in plain] == sorted(s.reference for s in db.session.scalars(
        db.select(Submission).join(Assignment).where(Assignment.panel_member_id == member.id)))
    db.session.expunge_all()
    seen = []
    for number in range(1, 10):
        with app.test_request_context(f"/judging/{slug}/queue?page={number}"):
            challenge = queue.challenge_with_seat(user, slug)
            assert challenge.id == panel.challenge_id and can(user, "judging.queue", challenge)
            seat = panel_member(user, challenge)
            assert seat.id == member.id and [r.id for r in queue.rounds_with_work(seat)] == rounds
            chosen, page, tally, found = queue.queue_page(seat, "", per_page)
            assert chosen.id == round_.id and [c.submission_id for c in found] == plain_conflicts
            assert tally == {"total": len(plain), "submitted": sum(s == "submitted" for *_, s in plain),
                             "not_started": sum(s == "not_started" for *_, s in plain)}
            seen += [tuple(row) for row in page.items]
            if not page.items:
                break
    assert seen == plain


def test_the_queue_finds_the_challenge_as_challenge_or_404_does(app, make_user):
    panel, member = _mixed_queue()
    stranger = make_user("Not on the panel")
    db.session.commit()
    with app.test_request_context("/"):
        with pytest.raises(NotFound):
            queue.challenge_with_seat(member.user, "no-such-challenge")
        challenge = queue.challenge_with_seat(stranger, panel.slug)  # found; the rule refuses
        assert challenge.slug == panel.slug and panel_member(stranger, challenge) is None
        assert not can(stranger, "judging.queue", challenge)


def test_a_seat_without_an_opened_round_has_no_page(app):
    from challenge.judging.models import Round, RoundState

    panel, member = _mixed_queue()
    db.session.execute(db.update(Round).where(Round.challenge_id == panel.challenge_id)
                       .values(state=RoundState.PENDING))
    db.session.commit()
    user = db.session.get(User, panel.judge_ids[-1])
    with app.test_request_context("/"):
        challenge = queue.challenge_with_seat(user, panel.slug)
        seat = panel_member(user, challenge)
        assert seat is not None and queue.rounds_with_work(seat) == []
        assert queue.queue_page(seat, "", 50)[:3] == (None, None, {"total": 0, "submitted": 0, "not_started": 0})
