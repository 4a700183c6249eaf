"""The lifecycle buttons: send for review, publish, send back, cancel, start judging, mark completed.

POST for every change; the GET pages only show the form that asks for a note or a reason.
"""
from __future__ import annotations

from flask import url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges import services
from challenge.challenges.blueprint import bp
from challenge.challenges.forms import CancelForm, NoteForm
from challenge.challenges.lookup import challenge_or_404
from challenge.challenges.views.buttons import pressed
from challenge.platform import tx


def _page(challenge) -> str:
    return url_for("challenges.show", slug=challenge.slug)


def _with_note(challenge, form, field: str, move, message: str, template: str):
    """A move that needs a note or reason (the form's `field`): its form page, re-shown with the
    service's refusal if any."""
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            move(challenge, form[field].data, current_user, clock.now())
        if work.done:
            return tx.done(message, _page(challenge))
    return tx.render_form(template, form, challenge=challenge, now=clock.now())


@bp.post("/challenges/<slug>/submit-for-review")
@login_required
def submit_for_review(slug: str):
    return pressed(challenge_or_404(slug, "challenge.submit_for_review"), services.submit_for_review,
                   "Sent for review. A broker will publish it or send it back with a note.")


@bp.post("/challenges/<slug>/publish")
@login_required
def publish(slug: str):
    return pressed(challenge_or_404(slug, "challenge.review"), services.publish,
                   "Published. The seeker has been told by email.")


@bp.route("/challenges/<slug>/request-changes", methods=["GET", "POST"])
@login_required
def request_changes(slug: str):
    return _with_note(challenge_or_404(slug, "challenge.review"), NoteForm(), "note", services.request_changes,
                   "Sent back to the seeker with your note.", "challenges/request_changes.html")


@bp.route("/challenges/<slug>/cancel", methods=["GET", "POST"])
@login_required
def cancel(slug: str):
    return _with_note(challenge_or_404(slug, "challenge.cancel"), CancelForm(), "reason", services.cancel,
                   "The challenge is cancelled.", "challenges/cancel.html")


@bp.post("/challenges/<slug>/start-judging")
@login_required
def start_judging(slug: str):
    return pressed(challenge_or_404(slug, "challenge.manage_state"), services.start_judging,
                   "Judging has started. Entries are closed for good.")


@bp.post("/challenges/<slug>/complete")
@login_required
def complete(slug: str):
    return pressed(challenge_or_404(slug, "challenge.manage_state"), services.complete,
                   "The challenge is marked completed.")
