"""Updates, questions and answers, follows."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges import conversation
from challenge.challenges.blueprint import attach_error, bp, load
from challenge.challenges.forms import AnswerForm, ConfirmForm, QuestionForm, UpdateForm
from challenge.challenges.models import Question
from challenge.challenges.services import ChallengeError
from challenge.challenges.showpage import render_show
from challenge.extensions import db
from challenge.platform import tx


@bp.route("/challenges/<slug>/updates/new", methods=["GET", "POST"])
@login_required
def post_update(slug: str):
    challenge = load(slug, "challenge.post_update")
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            conversation.post_update(challenge, form.title.data, form.body.data, current_user, clock.now())
        except ChallengeError as exc:
            attach_error(form, exc)
        else:
            tx.commit()
            flash("Your update is published on the challenge page and emailed to its followers.", "success")
            return redirect(url_for("challenges.show", slug=challenge.slug, _anchor="updates"))
    return render_template("challenges/update_form.html", form=form, challenge=challenge)


@bp.post("/challenges/<slug>/questions")
@login_required
def ask(slug: str):
    challenge = load(slug, "challenge.ask")
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question = conversation.ask(challenge, form.body.data, current_user, clock.now())
        except ChallengeError as exc:
            attach_error(form, exc)
        else:
            tx.commit()
            flash("Your question is sent. The answer will appear here and you will get an email.", "success")
            return redirect(url_for("challenges.show", slug=challenge.slug, _anchor=f"question-{question.id}"))
    return render_show(challenge, question_form=form, status=400)


@bp.post("/challenges/<slug>/questions/<id:question_id>/answer")
@login_required
def answer(slug: str, question_id: int):
    challenge = load(slug, "challenge.answer")
    question = db.first_or_404(db.select(Question).where(Question.id == question_id,
                                                         Question.challenge_id == challenge.id))
    form = AnswerForm(prefix=f"q{question.id}")
    if form.validate_on_submit():
        try:
            conversation.answer(question, form.answer.data, current_user, clock.now())
        except ChallengeError as exc:
            attach_error(form, exc)
        else:
            tx.commit()
            flash("Your answer is published, and the person who asked has been emailed.", "success")
            return redirect(url_for("challenges.show", slug=challenge.slug, _anchor=f"question-{question.id}"))
    return render_show(challenge, answer_forms={question.id: form}, status=400)


@bp.post("/challenges/<slug>/follow")
@login_required
def follow(slug: str):
    challenge = load(slug, "challenge.follow")
    if ConfirmForm().validate_on_submit():
        conversation.follow(challenge, current_user, clock.now())
        tx.commit()
        flash("You are following this challenge. It is on your dashboard, and we will email you 48 hours "
              "before it closes.", "success")
    return redirect(url_for("challenges.show", slug=challenge.slug))


@bp.post("/challenges/<slug>/unfollow")
@login_required
def unfollow(slug: str):
    challenge = load(slug, "challenge.unfollow")
    if ConfirmForm().validate_on_submit():
        conversation.unfollow(challenge, current_user, clock.now())
        tx.commit()
        flash("You no longer follow this challenge.", "info")
    return redirect(url_for("challenges.show", slug=challenge.slug))
