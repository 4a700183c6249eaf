"""The notifications package's pages, on the `notifications` blueprint: answering invitations from the
dashboard and marking notifications as seen (invitations.py), and messages to a challenge's entrants
(messages.py). Importing it also adds this package's sections to the dashboard (challenges/dashboard.py)."""
from __future__ import annotations

from challenge.challenges import dashboard
from challenge.notifications import board
from challenge.notifications.blueprint import bp
# Accepting and declining invitations from the dashboard; marking the notification list as seen.
from challenge.notifications.views import invitations  # noqa: F401
# A seeker's message to all (or the shortlisted) entrants of their challenge.
from challenge.notifications.views import messages  # noqa: F401

if board.fill not in dashboard.BOARD_HOOKS:
    dashboard.BOARD_HOOKS.append(board.fill)

__all__ = ["bp"]
