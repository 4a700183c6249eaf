"""The dashboard's two sections this package fills: the invitations waiting for an answer, and the
notification list with what is new since the person last looked (challenges/dashboard.BOARD_HOOKS)."""
from __future__ import annotations

from datetime import datetime

from challenge.challenges.dashboard import Board
from challenge.notifications import feed, tasks


def fill(board: Board, user, now: datetime) -> None:
    board.tasks = tasks.pending_for(user, now)
    board.email_confirmed = user.email_confirmed_at is not None
    scope = feed.scope_of(user, board.submissions, [row.challenge for row in board.own], board.followed)
    board.notices = feed.notices(scope, now, scope.seen)
