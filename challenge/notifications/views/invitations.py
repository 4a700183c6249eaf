"""Answering invitations from the dashboard (a panel, a team, an introduction) and marking the notification
list as seen. Each button is a POST with its CSRF token; a refusal is said on the dashboard."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.errors import DomainError
from challenge.notifications import services, tasks
from challenge.notifications.blueprint import bp
from challenge.notifications.forms import ButtonForm
from challenge.platform import tx


def _answered(verb, message: str):
    """Run `verb()` in one unit of work if the button's form is valid, then back to the dashboard saying
    `message(result)`, or the refusal's reason."""
    board = url_for("challenges.dashboard")
    if not ButtonForm().validate_on_submit():
        flash("The form had expired. Please press the button again.", "warning")
        return redirect(board)
    try:
        with tx.unit_of_work():
            result = verb()
    except DomainError as refusal:
        flash(refusal.message, "danger")
        return redirect(board)
    return tx.done(message(result), board)


@bp.post("/my/invitations/panel/<id:invitation_id>/accept")
@login_required
def join_panel(invitation_id: int):
    return _answered(lambda: tasks.join_panel(invitation_id, current_user, clock.now()),
                     lambda member: f"You have joined the judging panel of “{member.challenge.title}”.")


@bp.post("/my/invitations/team/<id:invitation_id>/accept")
@login_required
def join_team(invitation_id: int):
    return _answered(lambda: tasks.join_team(invitation_id, current_user, clock.now()),
                     lambda sub: f"You are in the team of “{sub.title}” ({sub.reference}).")


@bp.post("/my/introductions/<id:intro_id>/<any(accept, decline):answer>")
@login_required
def answer_introduction(intro_id: int, answer: str):
    accept = answer == "accept"
    return _answered(lambda: tasks.answer_introduction(intro_id, accept, current_user, clock.now()),
                     lambda intro: "Thank you: you accepted the introduction." if accept else
                     "Thank you for letting us know: you declined the introduction.")


@bp.post("/my/notifications/seen")
@login_required
def mark_seen():
    return _answered(lambda: services.mark_seen(current_user, clock.now()),
                     lambda _: "Your notifications are marked as seen.")
