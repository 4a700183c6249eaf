"""The dashboard's two sections this package fills: the invitations waiting for an answer, and the
notification list with what is new since the person last looked (challenges/dashboard.BOARD_HOOKS)."""
from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import null, union_all

from challenge.challenges.dashboard import Board
from challenge.extensions import db
from challenge.notifications import feed, tasks


def fill(board: Board, user, now: datetime) -> None:
    own = [row.challenge for row in board.own]
    params = {**tasks.parameters(user, now), "own": [c.id for c in own]}
    rows = db.session.execute(_first_read(params["email"] is not None, bool(own)), params).all()
    board.tasks = tasks.pending_for(user, now, [row for row in rows if row.kind < feed.ASKED])
    board.email_confirmed = user.email_confirmed_at is not None
    scope = feed.scope_of(user, board.submissions, own, board.followed,
                          [row for row in rows if row.kind >= feed.ASKED])
    board.notices = feed.notices(scope, now, scope.seen)


@cache
def _first_read(confirmed: bool, with_own: bool):
    """What both sections read first, in one statement built once per shape: the invitations waiting
    (tasks.waiting_parts, kinds 0-2) and the ids the notification list is about (feed.scope_parts, kinds 3-5), the
    latter's three columns padded to the former's (whose first part also gives the union its column types)."""
    waiting = tasks.waiting_parts(confirmed)
    width = len(waiting[0].selected_columns)
    scope = [part.add_columns(*[null()] * (width - len(part.selected_columns)))
             for part in feed.scope_parts(with_own)]
    return union_all(*waiting, *scope)
