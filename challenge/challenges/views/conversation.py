"""Updates, questions and answers, follows."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges import conversation
from challenge.challenges.blueprint import bp
from challenge.challenges.forms import AnswerForm, QuestionForm, UpdateForm
from challenge.challenges.lookup import challenge_or_404
from challenge.challenges.showpage import render_show
from challenge.challenges.views.buttons import pressed
from challenge.platform import tx


@bp.route("/challenges/<slug>/updates/new", methods=["GET", "POST"])
@login_required
def post_update(slug: str):
    challenge = challenge_or_404(slug, "challenge.post_update")
    form = UpdateForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            conversation.post_update(challenge, form.title.data, form.body.data, current_user, clock.now())
        if work.done:
            return tx.done("Your update is published on the challenge page and emailed to its followers.",
                           url_for("challenges.show", slug=challenge.slug, _anchor="updates"))
    return tx.render_form("challenges/update_form.html", form, challenge=challenge)


@bp.post("/challenges/<slug>/questions")
@login_required
def ask(slug: str):
    challenge = challenge_or_404(slug, "challenge.ask")
    form = QuestionForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            question = conversation.ask(challenge, form.body.data, current_user, clock.now())
        if work.done:
            return tx.done("Your question is sent. The answer will appear here and you will get an email.",
                           url_for("challenges.show", slug=challenge.slug, _anchor=f"question-{question.id}"))
    return render_show(challenge, question_form=form, refused=form)


@bp.post("/challenges/<slug>/questions/<id:question_id>/answer")
@login_required
def answer(slug: str, question_id: int):
    challenge = challenge_or_404(slug, "challenge.answer")
    question = conversation.question_or_404(challenge, question_id)
    form = AnswerForm(prefix=f"q{question.id}")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            conversation.answer(question, form.answer.data, current_user, clock.now())
        if work.done:
            return tx.done("Your answer is published, and the person who asked has been emailed.",
                           url_for("challenges.show", slug=challenge.slug, _anchor=f"question-{question.id}"))
    return render_show(challenge, answer_forms={question.id: form}, refused=form)


@bp.post("/challenges/<slug>/follow")
@login_required
def follow(slug: str):
    return pressed(challenge_or_404(slug, "challenge.follow"), conversation.follow,
                   "You are following this challenge. It is on your dashboard, and we will email you 48 hours "
                   "before it closes.")


@bp.post("/challenges/<slug>/unfollow")
@login_required
def unfollow(slug: str):
    return pressed(challenge_or_404(slug, "challenge.unfollow"), conversation.unfollow,
                   "You no longer follow this challenge.", "info")
