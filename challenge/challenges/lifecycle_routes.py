"""The lifecycle buttons: send for review, publish, send back, cancel, start judging, mark completed.

POST for every change; the GET pages only show the form that asks for a note or a reason.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges import services
from challenge.challenges.blueprint import attach_error, bp, load
from challenge.challenges.forms import CancelForm, ConfirmForm, NoteForm
from challenge.platform import tx


def _done(challenge, message: str):
    tx.commit()
    flash(message, "success")
    return redirect(url_for("challenges.show", slug=challenge.slug))


@bp.post("/challenges/<slug>/submit-for-review")
@login_required
def submit_for_review(slug: str):
    challenge = load(slug, "challenge.submit_for_review")
    if ConfirmForm().validate_on_submit():
        try:
            services.submit_for_review(challenge, current_user, clock.now())
        except services.ChallengeError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("challenges.show", slug=challenge.slug))
        return _done(challenge, "Sent for review. A broker will publish it or send it back with a note.")
    return redirect(url_for("challenges.show", slug=challenge.slug))


@bp.post("/challenges/<slug>/publish")
@login_required
def publish(slug: str):
    challenge = load(slug, "challenge.review")
    if ConfirmForm().validate_on_submit():
        services.publish(challenge, current_user, clock.now())
        return _done(challenge, "Published. The seeker has been told by email.")
    return redirect(url_for("challenges.show", slug=challenge.slug))


@bp.route("/challenges/<slug>/request-changes", methods=["GET", "POST"])
@login_required
def request_changes(slug: str):
    challenge = load(slug, "challenge.review")
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.request_changes(challenge, form.note.data, current_user, clock.now())
        except services.ChallengeError as exc:
            attach_error(form, exc)
        else:
            return _done(challenge, "Sent back to the seeker with your note.")
    return render_template("challenges/request_changes.html", form=form, challenge=challenge, now=clock.now())


@bp.route("/challenges/<slug>/cancel", methods=["GET", "POST"])
@login_required
def cancel(slug: str):
    challenge = load(slug, "challenge.cancel")
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel(challenge, form.reason.data, current_user, clock.now())
        except services.ChallengeError as exc:
            attach_error(form, exc)
        else:
            return _done(challenge, "The challenge is cancelled.")
    return render_template("challenges/cancel.html", form=form, challenge=challenge, now=clock.now())


@bp.post("/challenges/<slug>/start-judging")
@login_required
def start_judging(slug: str):
    challenge = load(slug, "challenge.manage_state")
    if ConfirmForm().validate_on_submit():
        services.start_judging(challenge, current_user, clock.now())
        return _done(challenge, "Judging has started. Entries are closed for good.")
    return redirect(url_for("challenges.show", slug=challenge.slug))


@bp.post("/challenges/<slug>/complete")
@login_required
def complete(slug: str):
    challenge = load(slug, "challenge.manage_state")
    if ConfirmForm().validate_on_submit():
        services.complete(challenge, current_user, clock.now())
        return _done(challenge, "The challenge is marked completed.")
    return redirect(url_for("challenges.show", slug=challenge.slug))
