"""Service users' stories on a diagnosis, kept on their consent: recording one, withdrawing one."""
from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user

from challenge import clock
from challenge.diagnoses import stories
from challenge.diagnoses.blueprint import bp, diagnosis_or_404
from challenge.diagnoses.forms import StoryForm
from challenge.platform import tx


@bp.post("/<id:did>/stories")
def record_story(did: int):
    d = diagnosis_or_404(did, "diagnosis.edit")
    form = StoryForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            stories.record(d, form.kind.data, form.body.data, form.consent_by.data, form.consent_use.data,
                           form.given_on.data, current_user, clock.now())
        if work.done:
            return tx.done("The story and its consent are recorded.", url_for("diagnoses.show", did=d.id))
    return tx.render_form("partnerships/diagnosis.html", form, d=d, stories=stories.active(d))


@bp.post("/<id:did>/stories/<id:story_id>/withdraw")
def withdraw_story(did: int, story_id: int):
    d = diagnosis_or_404(did, "diagnosis.edit")
    story = stories.story_of(d, story_id) or abort(404)
    with tx.unit_of_work():
        stories.withdraw(d, story, current_user, clock.now())
    return tx.done("Consent withdrawn: the story has been removed.", url_for("diagnoses.show", did=d.id))
