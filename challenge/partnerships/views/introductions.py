"""Introductions: the broker introduces the creator to a contact at the counterpart; both sides answer, on
the partnership page or from the link in their email (without signing in)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from challenge import clock
from challenge.partnerships import introductions, rules
from challenge.partnerships.blueprint import bp, introductions_bp, partnership_or_404
from challenge.partnerships.forms import AnswerForm, IntroductionForm
from challenge.platform import tx


@bp.route("/<id:pid>/introduce", methods=["GET", "POST"])
def introduce(pid: int):
    p = partnership_or_404(pid, "partnership.introduce")
    form = IntroductionForm()
    form.contact.choices = [(0, "Choose a person"), *introductions.contact_choices(p)]
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            contact = introductions.contact_at(p, form.contact.data)
            introductions.introduce(p, current_user, clock.now(), contact=contact, note=form.note.data)
        if work.done:
            return tx.done(f"Introduction sent to {p.creator.name} and {contact.name}.",
                           url_for("partnerships.show", pid=p.id))
    return tx.render_form("partnerships/introduce.html", form, p=p)


@bp.post("/<id:pid>/introduction")
def answer(pid: int):
    p = partnership_or_404(pid)
    intro = introductions.current(p)
    form = AnswerForm()
    if intro is None or form.side.data not in rules.sides_for(current_user, intro):
        flash("There is no introduction for you to answer here.", "warning")
        return redirect(url_for("partnerships.show", pid=p.id))
    with tx.unit_of_work():
        introductions.answer(intro, form.side.data, form.answer.data == "accept", current_user, clock.now())
    return tx.done("Thank you: your answer is recorded.", url_for("partnerships.show", pid=p.id))


def _find(token: str):
    found = introductions.by_token(token)
    if found is None:
        abort(404)
    return found


@introductions_bp.get("/<token>", endpoint="show")
def show_by_token(token: str):
    intro, side = _find(token)
    return render_template("partnerships/introduction_answer.html", intro=intro, side=side, p=intro.partnership,
                           form=AnswerForm(formdata=None), token=token)


@introductions_bp.post("/<token>", endpoint="answer")
def answer_by_token(token: str):
    intro, side = _find(token)
    form = AnswerForm()
    if not form.validate_on_submit() or form.answer.data not in ("accept", "decline"):
        abort(400)
    actor = current_user if current_user.is_authenticated else None
    with tx.unit_of_work():
        introductions.answer(intro, side, form.answer.data == "accept", actor, clock.now())
    return tx.done("Thank you: your answer is recorded." if form.answer.data == "accept" else
                   "Thank you for letting us know. We will not take this introduction further.",
                   url_for("introductions.show", token=token))
