"""Answering an introduction from the link in its email, without signing in."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from challenge import clock
from challenge.partnerships import introductions
from challenge.partnerships.forms import AnswerForm
from challenge.platform import tx

bp = Blueprint("introductions", __name__, url_prefix="/introductions")


def _find(token: str):
    found = introductions.by_token(token)
    if found is None:
        abort(404)
    return found


@bp.get("/<token>")
def show(token: str):
    intro, side = _find(token)
    return render_template("partnerships/introduction_answer.html", intro=intro, side=side, p=intro.partnership,
                           form=AnswerForm(formdata=None), token=token)


@bp.post("/<token>")
def answer(token: str):
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
