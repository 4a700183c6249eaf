"""The challenge page's data, gathered in a constant number of queries."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from challenge import clock
from challenge.challenges.blueprint import organisation_url
from challenge.challenges.conversation import following
from challenge.challenges.forms import AnswerForm, QuestionForm
from challenge.challenges.models import Question, Update
from challenge.challenges.services import entry_count, missing_for_review
from challenge.extensions import db


def render_show(challenge, *, question_form=None, answer_forms=None, status=200):
    """The challenge page, also re-shown with errors when a question or answer is refused."""
    questions = db.session.scalars(
        db.select(Question).where(Question.challenge_id == challenge.id).order_by(Question.asked_at, Question.id)).all()
    updates = db.session.scalars(
        db.select(Update).where(Update.challenge_id == challenge.id).order_by(Update.posted_at.desc(), Update.id.desc())
    ).all()
    answer_forms = answer_forms or {}
    for q in questions:
        if q.answer is None and q.id not in answer_forms:
            answer_forms[q.id] = AnswerForm(prefix=f"q{q.id}", formdata=None)
    return render_template(
        "challenges/show.html", challenge=challenge, now=clock.now(), questions=questions, updates=updates,
        entries=entry_count(challenge), follow=following(current_user, challenge),
        question_form=question_form or QuestionForm(formdata=None), answer_forms=answer_forms,
        organisation_url=organisation_url(challenge.organisation),
        missing=missing_for_review(challenge) if challenge.state == "draft" else [],
        has_errors=bool(question_form and question_form.errors) or any(f.errors for f in answer_forms.values()),
    ), status
