"""Talking about a published challenge: updates, clarification questions and answers, follows.

The problem text is frozen once published, so this is how seekers add to it. Each verb takes the
`actor` and `now`, checks the rule, audits, flushes and never commits.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError

from challenge import permissions
from challenge.accounts.models import User
from challenge.challenges.models import Challenge, Follow, Question, Update
from challenge.challenges.services import challenge_link as _link, required_text
from challenge.challenges.states import ChallengeState
from challenge.errors import InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.platform import audit, outbox

MAX_TITLE = 200
MAX_BODY = 10_000
REMINDER_BEFORE = timedelta(hours=48)


def post_update(challenge: Challenge, title: str, body: str, actor, now: datetime) -> Update:
    """Publish an announcement on the challenge page and email it to the followers. Refuses anyone but its
    seekers or a broker, a challenge not yet published or cancelled, and an empty title or body."""
    if not permissions.can(actor, "challenge.post_update", challenge, now):
        raise NotAllowed("Only the challenge's organisation or a broker can post updates, once it is published.")
    update = Update(challenge_id=challenge.id, author_id=actor.id, posted_at=now,
                    title=required_text(title, "title", "a title", MAX_TITLE),
                    body=required_text(body, "body", "the update", MAX_BODY))
    db.session.add(update)
    db.session.flush()
    audit.record(actor, "challenge.post_update", challenge, now, data={"update_id": update.id})
    followers = db.session.scalars(
        db.select(User).join(Follow, Follow.user_id == User.id)
        .where(Follow.challenge_id == challenge.id, User.is_active_account.is_(True), User.id != actor.id)
    )
    for follower in followers:
        outbox.queue("challenge.update", follower.email, "challenge_update", now, challenge=challenge, update=update,
                     name=follower.name, link=_link(challenge, f"#update-{update.id}"))
    return update


def ask(challenge: Challenge, body: str, actor, now: datetime) -> Question:
    """Ask a clarification question (the seeker who drafted the challenge is emailed); its answer will be
    public. Refuses anonymous users, the challenge's seekers and brokers, and challenges that are not
    upcoming or open."""
    if not permissions.can(actor, "challenge.ask", challenge, now):
        raise NotAllowed("Questions can be asked while a challenge is upcoming or open, by anyone signed in "
                         "who is not one of its seekers.")
    question = Question(challenge_id=challenge.id, asked_by_id=actor.id, asked_at=now,
                        body=required_text(body, "body", "your question", MAX_BODY))
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "challenge.ask", challenge, now, data={"question_id": question.id})
    seeker = challenge.created_by
    if seeker.is_active:
        outbox.queue("challenge.question", seeker.email, "question_asked", now, challenge=challenge, question=question,
                     name=seeker.name, link=_link(challenge, f"#question-{question.id}"))
    return question


def answer(question: Question, text: str, actor, now: datetime) -> Question:
    """Answer a question publicly and email the asker. Refuses anyone but the seekers or a broker, and a
    question already answered (answers are public; changing one would rewrite what entrants relied on)."""
    challenge = question.challenge
    if not permissions.can(actor, "challenge.answer", challenge, now):
        raise NotAllowed("Only the challenge's organisation or a broker can answer questions.")
    if question.answer is not None:
        raise InvalidTransition("This question has already been answered. Post an update to add to the answer.")
    question.answer = required_text(text, "answer", "an answer", MAX_BODY)
    question.answered_by_id = actor.id
    question.answered_at = now
    audit.record(actor, "challenge.answer", challenge, now, data={"question_id": question.id})
    db.session.flush()
    outbox.queue("challenge.answer", question.asked_by.email, "question_answered", now, question=question,
                 challenge=challenge, name=question.asked_by.name, link=_link(challenge, f"#question-{question.id}"))
    return question


def follow(challenge: Challenge, actor, now: datetime) -> Follow:
    """Follow a published challenge (idempotent). Refuses anonymous users and unpublished or cancelled
    challenges."""
    if not permissions.can(actor, "challenge.follow", challenge, now):
        raise NotAllowed("Sign in to follow a published challenge.")
    existing = following(actor, challenge)
    if existing:
        return existing
    row = Follow(user_id=actor.id, challenge_id=challenge.id, created_at=now)
    try:
        with db.session.begin_nested():  # a double click: the database keeps one follow per person
            db.session.add(row)
    except IntegrityError:
        return following(actor, challenge)
    audit.record(actor, "challenge.follow", challenge, now)
    return row


def unfollow(challenge: Challenge, actor, now: datetime) -> None:
    """Stop following (idempotent)."""
    existing = following(actor, challenge)
    if existing:
        db.session.delete(existing)
        audit.record(actor, "challenge.unfollow", challenge, now)
        db.session.flush()


def question_or_404(challenge: Challenge, question_id: int) -> Question:
    """The challenge's question `question_id`, or 404 (a question of another challenge is not found here)."""
    return db.first_or_404(db.select(Question).where(Question.id == question_id, Question.challenge_id == challenge.id))


def following(user, challenge: Challenge) -> Follow | None:
    if not permissions.signed_in(user):
        return None
    return permissions.memo("following", (challenge.id, user.id), lambda: db.session.scalar(
        _FOLLOWING, {"user_id": user.id, "challenge_id": challenge.id}))


_FOLLOWING = db.select(Follow).where(Follow.user_id == bindparam("user_id"),  # built once: see `following`
                                     Follow.challenge_id == bindparam("challenge_id"))


def queue_closing_reminders(now: datetime) -> int:
    """Queue one "closes in 48 hours" email per follow of each open challenge closing within 48 hours.

    `Follow.reminded_at` makes it once per follow whichever run finds it first; a follow made in the
    last hours still gets one. Run by `flask outbox send` before it sends."""
    rows = db.session.execute(
        db.select(Follow, Challenge, User)
        .join(Challenge, Follow.challenge_id == Challenge.id)
        .join(User, Follow.user_id == User.id)
        .where(Follow.reminded_at.is_(None), User.is_active_account.is_(True),
               Challenge.state == ChallengeState.PUBLISHED,
               Challenge.opens_at <= now, Challenge.closes_at > now, Challenge.closes_at <= now + REMINDER_BEFORE)
        .order_by(Follow.id)
    ).all()
    for row, challenge, user in rows:
        outbox.queue("challenge.closing_soon", user.email, "challenge_closing_soon", now, challenge=challenge,
                     name=user.name, link=_link(challenge), at=now)
        row.reminded_at = now
    db.session.flush()
    return len(rows)
