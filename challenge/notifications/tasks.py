"""Invitations waiting for the signed-in person's answer — to a judging panel, to an entry's team, and
brokers' introductions — gathered for the dashboard, and answered there through the same services as the
emailed links (judging/panel.accept, submissions/team.accept, partnerships/introductions.answer).

Each answer locks the invitation's row first and reads it again, so a double click answers once: the second
click is refused calmly ("already used"). Whether a person may answer is notifications/rules.py's.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, url_for
from sqlalchemy import or_

from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.judging import panel
from challenge.judging.models import JUDGING_OVER, PanelInvitation, PanelRole
from challenge.errors import InvalidTransition
from challenge.notifications.rules import confirmed_email, pending_side, side_of
from challenge.partnerships import introductions
from challenge.partnerships.models import Introduction, Partnership
from challenge.partnerships.states import Answer
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.submissions import team
from challenge.submissions.models import Submission, TeamInvitation


@dataclass
class Task:
    """One invitation on the dashboard: what it is, where to read more, and its buttons' URLs."""

    kind: str
    title: str
    detail: str
    link: str
    at: datetime
    accept_url: str
    decline_url: str | None = None


def _panel_tasks(email: str) -> list[Task]:
    found = db.session.scalars(
        db.select(PanelInvitation).join(Challenge, Challenge.id == PanelInvitation.challenge_id)
        .where(db.func.lower(PanelInvitation.email) == email, PanelInvitation.accepted_at.is_(None),
               Challenge.state.not_in(JUDGING_OVER)).order_by(PanelInvitation.created_at))
    return [Task("panel", f"Join the judging panel of “{i.challenge.title}”",
                 f"You are invited as {'the chair' if i.role == PanelRole.CHAIR else 'a judge'}"
                 f"{', bringing lived experience of the service' if i.service_user else ''}.",
                 url_for("challenges.show", slug=i.challenge.slug), i.created_at,
                 url_for("notifications.join_panel", invitation_id=i.id)) for i in found]


def _team_tasks(email: str, now: datetime) -> list[Task]:
    found = db.session.scalars(
        db.select(TeamInvitation).join(Submission, Submission.id == TeamInvitation.submission_id)
        .where(TeamInvitation.email == email, TeamInvitation.accepted_at.is_(None),
               TeamInvitation.created_at > now - team.LIFETIME).order_by(TeamInvitation.created_at))
    return [Task("team", f"Join the team of “{i.submission.title}”",
                 f"{i.submission.owner.name} invited you to their entry to “{i.submission.challenge.title}”.",
                 url_for("challenges.show", slug=i.submission.challenge.slug), i.created_at,
                 url_for("notifications.join_team", invitation_id=i.id)) for i in found]


def _introduction_tasks(user) -> list[Task]:
    found = db.session.scalars(
        db.select(Introduction).join(Partnership, Partnership.id == Introduction.partnership_id)
        .where(or_(Partnership.creator_id == user.id, Introduction.counterpart_contact_id == user.id),
               Introduction.creator_answer != Answer.DECLINED, Introduction.counterpart_answer != Answer.DECLINED)
        .order_by(Introduction.created_at))
    tasks = []
    for intro in found:
        side = pending_side(user, intro)
        if side is None:
            continue
        p = intro.partnership
        other = intro.counterpart_contact.name if side == "creator" else p.creator.name
        answer = "notifications.answer_introduction"
        tasks.append(Task("introduction", f"Introduction to {other}",
                          f"A broker introduced you for “{p.title}”: {intro.note}",
                          url_for("partnerships.show", pid=p.id), intro.created_at,
                          url_for(answer, intro_id=intro.id, answer="accept"),
                          url_for(answer, intro_id=intro.id, answer="decline")))
    return tasks


def pending_for(user, now: datetime) -> list[Task]:
    """Everything waiting for `user`'s answer, oldest first. Invitations by email need a confirmed address."""
    email = confirmed_email(user)
    emailed = [*_panel_tasks(email), *_team_tasks(email, now)] if email else []
    return sorted([*emailed, *_introduction_tasks(user)], key=lambda t: t.at)


def _locked_or_404(model, row_id: int, action: str, user):
    """The row, locked and read afresh, when `user` may answer it; 404 otherwise (it is not theirs)."""
    row = tx.lock(model, row_id)
    if row is None:
        abort(404)
    ensure(action, row, user)
    return row


def join_panel(invitation_id: int, user, now: datetime):
    """Accept a panel invitation addressed to `user` (judging/panel.accept decides and records it)."""
    invitation = _locked_or_404(PanelInvitation, invitation_id, "notification.join_panel", user)
    return panel.accept(invitation, user, now)


def join_team(invitation_id: int, user, now: datetime):
    """Accept a team invitation addressed to `user` (submissions/team.accept decides and records it)."""
    invitation = _locked_or_404(TeamInvitation, invitation_id, "notification.join_team", user)
    if invitation.accepted_at is None and invitation.created_at <= now - team.LIFETIME:
        raise InvalidTransition("This invitation has expired: ask the entry's owner to invite you again.")
    team.accept(invitation, user, now)
    return invitation.submission


def answer_introduction(intro_id: int, accept: bool, user, now: datetime) -> Introduction:
    """Answer, for the side `user` is named on, a broker's introduction (partnerships/introductions.answer)."""
    intro = _locked_or_404(Introduction, intro_id, "notification.answer_introduction", user)
    return introductions.answer(intro, side_of(user, intro), accept, user, now)
