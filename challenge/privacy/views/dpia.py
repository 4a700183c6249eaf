"""A challenge's DPIA screening: the seeker's checklist, the broker's record of the DPO's sign-off, and the
DPIA record as a page, JSON and Markdown. The seeker's organisation and brokers only; everyone else 404."""
from __future__ import annotations

import json

from flask import Response, render_template, request, url_for
from flask_login import current_user

from challenge import clock
from challenge.challenges.lookup import challenge_or_404
from challenge.permissions import can, ensure
from challenge.platform import tx
from challenge.privacy import dpia
from challenge.privacy.blueprint import bp
from challenge.privacy.dpia_record import markdown_of, record_of
from challenge.privacy.forms import SignOffForm, screening_form


def _answers(challenge):
    screening = dpia.screening_of(challenge)
    return screening.answers if screening else None


def _page(challenge, form, sign_off=None):
    """The screening page: the checklist (read-only once frozen), the outcome and the broker's sign-off."""
    sign_off = sign_off or SignOffForm()
    return tx.render_form("privacy/dpia.html", form, challenge=challenge, questions=dpia.QUESTIONS,
                          record=record_of(challenge), screening=dpia.screening_of(challenge),
                          open=dpia.is_open(challenge), sign_off=sign_off,
                          may_answer=can(current_user, "privacy.dpia_answer", challenge),
                          may_sign_off=can(current_user, "privacy.dpia_sign_off", challenge))


@bp.route("/challenges/<slug>/dpia", methods=["GET", "POST"])
def dpia_screening(slug: str):
    challenge = challenge_or_404(slug, "privacy.dpia_view")
    form = screening_form(dpia.QUESTIONS, _answers(challenge))
    if request.method == "POST":
        ensure("privacy.dpia_answer", challenge)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            dpia.save_answers(challenge, form.answers(), current_user, clock.now())
        if work.done:
            return tx.done("Your screening answers are saved.", url_for("privacy.dpia_screening", slug=slug))
    return _page(challenge, form)


@bp.post("/challenges/<slug>/dpia/sign-off")
def dpia_sign_off(slug: str):
    challenge = challenge_or_404(slug, "privacy.dpia_sign_off")
    form = SignOffForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            dpia.sign_off(challenge, form.signed_on.data, form.reference.data, current_user, clock.now())
        if work.done:
            return tx.done("The DPO's sign-off is recorded: the challenge may be published.",
                           url_for("challenges.show", slug=slug))
    return _page(challenge, screening_form(dpia.QUESTIONS, _answers(challenge), posted=False), form)


@bp.get("/challenges/<slug>/dpia/record")
def dpia_record(slug: str):
    challenge = challenge_or_404(slug, "privacy.dpia_view")
    return render_template("privacy/dpia_record.html", challenge=challenge, record=record_of(challenge))


@bp.get("/challenges/<slug>/dpia/record.json")
def dpia_record_json(slug: str):
    challenge = challenge_or_404(slug, "privacy.dpia_view")
    return _download(json.dumps(record_of(challenge), indent=2, ensure_ascii=False), "application/json",
                     f"dpia-{challenge.slug}.json")


@bp.get("/challenges/<slug>/dpia/record.md")
def dpia_record_markdown(slug: str):
    challenge = challenge_or_404(slug, "privacy.dpia_view")
    return _download(markdown_of(record_of(challenge), clock.now()), "text/markdown; charset=utf-8",
                     f"dpia-{challenge.slug}.md")


def _download(body: str, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
