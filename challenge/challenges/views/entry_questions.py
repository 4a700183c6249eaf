"""The entry questions' editor: add, change, order and remove questions until the challenge is published."""
from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges import entry_questions as eq
from challenge.challenges.blueprint import bp
from challenge.challenges.entry_question_forms import EntryQuestionForm
from challenge.challenges.forms import ConfirmForm
from challenge.challenges.lookup import challenge_or_404
from challenge.extensions import db
from challenge.platform import tx

TEMPLATE = "challenges/entry_questions.html"


def _page(challenge, form=None, editing=None, button_form=None):
    return dict(challenge=challenge, questions=eq.questions_of(challenge), editing=editing,
                form=form or EntryQuestionForm(formdata=None), button_form=button_form or ConfirmForm(formdata=None),
                editable=eq.editable(challenge, current_user), file_types=eq.FILE_TYPES,
                max_mb=current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024))


def _question_or_404(challenge, question_id: int) -> eq.EntryQuestion:
    question = db.get_or_404(eq.EntryQuestion, question_id)
    if question.challenge_id != challenge.id:
        abort(404)
    return question


def _back(slug: str) -> str:
    return url_for("challenges.entry_questions", slug=slug)


@bp.get("/challenges/<slug>/entry-questions")
@login_required
def entry_questions(slug: str):
    challenge = challenge_or_404(slug, "challenge.entry_questions")
    wanted = request.args.get("edit", "")
    if not (wanted.isdigit() and len(wanted) < 10):
        return render_template(TEMPLATE, **_page(challenge))
    editing = _question_or_404(challenge, int(wanted))
    return render_template(TEMPLATE, **_page(challenge, EntryQuestionForm.of(editing), editing))


def _save(challenge, question):
    form = EntryQuestionForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            saved = eq.save_question(challenge, form.spec(), current_user, clock.now(),
                                     current_app.config["UPLOAD_MAX_BYTES"], question)
        if work.done:
            return tx.done(f"“{saved.label}” is saved.", _back(challenge.slug))
    return tx.render_form(TEMPLATE, **_page(challenge, form, question))


@bp.post("/challenges/<slug>/entry-questions")
@login_required
def add_entry_question(slug: str):
    return _save(challenge_or_404(slug, "challenge.entry_questions"), None)


@bp.post("/challenges/<slug>/entry-questions/<id:question_id>")
@login_required
def change_entry_question(slug: str, question_id: int):
    challenge = challenge_or_404(slug, "challenge.entry_questions")
    return _save(challenge, _question_or_404(challenge, question_id))


def _button(slug: str, question_id: int, verb, message: str):
    """Remove or move a question: the editor again with the refusal (a frozen challenge) when refused."""
    challenge = challenge_or_404(slug, "challenge.entry_questions")
    question = _question_or_404(challenge, question_id)
    form, label = ConfirmForm(), question.label  # read before a removal is committed
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            verb(question, current_user, clock.now())
        if work.done:
            return tx.done(message.format(label=label), _back(slug))
    return tx.render_form(TEMPLATE, **_page(challenge, button_form=form))


@bp.post("/challenges/<slug>/entry-questions/<id:question_id>/delete")
@login_required
def delete_entry_question(slug: str, question_id: int):
    challenge = challenge_or_404(slug, "challenge.entry_questions")
    if db.session.get(eq.EntryQuestion, question_id) is None:  # a second click: the first one removed it
        return tx.done("That question is already removed.", _back(challenge.slug), "info")
    return _button(slug, question_id, eq.delete_question, "“{label}” is removed.")


@bp.post("/challenges/<slug>/entry-questions/<id:question_id>/move")
@login_required
def move_entry_question(slug: str, question_id: int):
    up = request.form.get("direction") != "down"
    return _button(slug, question_id, lambda q, actor, now: eq.move_question(q, up, actor, now),
                   "“{label}” is moved " + ("up." if up else "down."))
