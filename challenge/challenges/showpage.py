"""The challenge page's data, gathered in a constant number of queries."""
from __future__ import annotations

from flask import current_app, url_for
from flask_login import current_user

from challenge import clock
from challenge.challenges.conversation import following
from challenge.challenges.forms import AnswerForm, QuestionForm
from challenge.challenges.models import Question, Update
from challenge.challenges.services import entry_count, missing_for_review
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform import tx


def render_show(challenge, *, question_form=None, answer_forms=None, refused=None):
    """The challenge page, also re-shown with errors (status 400 or the refusal's) when the question or
    answer form `refused` was refused."""
    questions = db.session.scalars(
        db.select(Question).where(Question.challenge_id == challenge.id).order_by(Question.asked_at, Question.id)).all()
    updates = db.session.scalars(
        db.select(Update).where(Update.challenge_id == challenge.id).order_by(Update.posted_at.desc(), Update.id.desc())
    ).all()
    # Forms only for those who may use them: building one puts a CSRF token in the session, and a page
    # that did so cannot be kept for anonymous visitors (platform/pagecache.py).
    answer_forms = answer_forms or {}
    if can(None, "challenge.answer", challenge):
        for q in questions:
            if q.answer is None and q.id not in answer_forms:
                answer_forms[q.id] = AnswerForm(prefix=f"q{q.id}", formdata=None)
    if question_form is None and can(None, "challenge.ask", challenge):
        question_form = QuestionForm(formdata=None)
    return tx.render_form(
        "challenges/show.html", refused, challenge=challenge, now=clock.now(), questions=questions, updates=updates,
        entries=entry_count(challenge), follow=following(current_user, challenge),
        question_form=question_form, answer_forms=answer_forms,
        organisation_url=organisation_url(challenge.organisation),
        missing=missing_for_review(challenge) if challenge.state == ChallengeState.DRAFT else [],
        has_errors=bool(question_form and question_form.errors) or any(f.errors for f in answer_forms.values()),
    )


def organisation_url(org) -> str | None:
    """The organisation's page, when the accounts package provides one."""
    if "organisations.show" in current_app.view_functions:
        return url_for("organisations.show", slug=org.slug)
    return None
