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
from sqlalchemy import bindparam, literal_column, null, or_, union_all
from sqlalchemy.orm import joinedload

from challenge.accounts.models import User
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
from challenge.types import UTCDateTime


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


# What waits for an answer, as plain rows, in parts built once (building a statement costs about as much as
# running it): panel invitations (kind 0) and team invitations (kind 1) to the confirmed address, and the
# introductions naming the person (kind 2, the id alone: who may answer is rules.pending_side's to say).
_PANEL = (db.select(literal_column("0").label("kind"), PanelInvitation.id.label("id"),
                    PanelInvitation.created_at.label("at"), Challenge.title, Challenge.slug, PanelInvitation.role,
                    PanelInvitation.service_user, null().label("entry_title"), null().label("owner_name"))
          .join(Challenge, Challenge.id == PanelInvitation.challenge_id)
          .where(db.func.lower(PanelInvitation.email) == bindparam("email"), PanelInvitation.accepted_at.is_(None),
                 Challenge.state.not_in(JUDGING_OVER)))
_TEAM = (db.select(literal_column("1"), TeamInvitation.id, TeamInvitation.created_at, Challenge.title, Challenge.slug,
                   null(), null(), Submission.title, User.name)
         .join(Submission, Submission.id == TeamInvitation.submission_id)
         .join(Challenge, Challenge.id == Submission.challenge_id).join(User, User.id == Submission.owner_id)
         .where(TeamInvitation.email == bindparam("email"), TeamInvitation.accepted_at.is_(None),
                TeamInvitation.created_at > bindparam("fresh_since", type_=UTCDateTime)))
_INTRODUCTION = (db.select(literal_column("2").label("kind"), Introduction.id.label("id"),
                           Introduction.created_at.label("at"), null(), null(), null(), null(), null(), null())
                 .join(Partnership, Partnership.id == Introduction.partnership_id)
                 .where(or_(Partnership.creator_id == bindparam("user_id"),
                            Introduction.counterpart_contact_id == bindparam("user_id")),
                        Introduction.creator_answer != Answer.DECLINED,
                        Introduction.counterpart_answer != Answer.DECLINED))


def waiting_parts(confirmed: bool) -> list:
    """The parts of the statement reading what waits for an answer (kinds 0-2, the rows `pending_for` takes); the
    invitations by email only for a confirmed address. Its parameters are `parameters`'."""
    return [_PANEL, _TEAM, _INTRODUCTION] if confirmed else [_INTRODUCTION]


def parameters(user, now: datetime) -> dict:
    return {"user_id": user.id, "email": confirmed_email(user), "fresh_since": now - team.LIFETIME}


def _introduction_tasks(user, ids: list[int]) -> list[Task]:
    if not ids:
        return []
    found = db.session.scalars(
        db.select(Introduction).where(Introduction.id.in_(ids)).order_by(Introduction.created_at, Introduction.id)
        .options(joinedload(Introduction.partnership).joinedload(Partnership.creator),
                 joinedload(Introduction.counterpart_contact)))
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


def _task(row) -> Task:
    """A panel (kind 0) or team (kind 1) invitation's row as its task."""
    if row.kind == 0:
        return Task("panel", f"Join the judging panel of “{row.title}”",
                    f"You are invited as {'the chair' if row.role == PanelRole.CHAIR else 'a judge'}"
                    f"{', bringing lived experience of the service' if row.service_user else ''}.",
                    url_for("challenges.show", slug=row.slug), row.at,
                    url_for("notifications.join_panel", invitation_id=row.id))
    return Task("team", f"Join the team of “{row.entry_title}”",
                f"{row.owner_name} invited you to their entry to “{row.title}”.",
                url_for("challenges.show", slug=row.slug), row.at,
                url_for("notifications.join_team", invitation_id=row.id))


def pending_for(user, now: datetime, rows: list | None = None) -> list[Task]:
    """Everything waiting for `user`'s answer, oldest first. Invitations by email need a confirmed address. `rows`:
    those of `waiting_parts`, when the caller read them with other things (notifications/board.py)."""
    if rows is None:
        rows = db.session.execute(union_all(*waiting_parts(confirmed_email(user) is not None)),
                                  parameters(user, now)).all()
    rows = sorted(rows, key=lambda row: (row.kind, row.at, row.id))
    emailed = [_task(row) for row in rows if row.kind < 2]
    introductions = _introduction_tasks(user, [row.id for row in rows if row.kind == 2])
    return sorted([*emailed, *introductions], key=lambda t: t.at)


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
