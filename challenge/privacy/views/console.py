"""The broker's privacy console: the next retention run previewed, past runs, legal holds, and a person's
data (download it for a person who writes in, erase their account with a reason)."""
from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user

from challenge import clock
from challenge.challenges.lookup import challenge_or_404
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.privacy import erasure, export, holds, pages
from challenge.privacy.blueprint import bp
from challenge.privacy.forms import ButtonForm, HoldForm, ReasonForm
from challenge.privacy.views.account import zip_answer


def _console(hold_form: HoldForm | None = None):
    return tx.render_form("privacy/console.html", hold_form or HoldForm(), page=pages.console(clock.now()),
                          lift=ReasonForm(prefix="lift"))


@bp.get("/admin/privacy")
def console():
    ensure("privacy.manage")
    return _console()


@bp.post("/admin/privacy/holds")
def place_hold():
    ensure("privacy.manage")
    form = HoldForm()
    if form.validate_on_submit():
        challenge = challenge_or_404(form.slug.data, None)
        with tx.unit_of_work(form) as work:
            holds.place(challenge, form.reason.data, current_user, clock.now())
        if work.done:
            return tx.done(f"{challenge.title} is on legal hold: retention and erasure leave it alone.",
                           url_for("privacy.console"))
    return _console(form)


@bp.post("/admin/privacy/holds/<slug>/lift")
def lift_hold(slug: str):
    ensure("privacy.manage")
    challenge = challenge_or_404(slug, None)
    form = ReasonForm(prefix="lift")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            holds.lift(challenge, form.reason.data, current_user, clock.now())
        if work.done:
            return tx.done(f"The legal hold on {challenge.title} has been lifted.", url_for("privacy.console"))
        return tx.done(work.refused.message, url_for("privacy.console"), "danger")
    return tx.done("Say why the hold is lifted: the reason is kept in the audit log.", url_for("privacy.console"),
                   "danger")


def _person(user_id: int, form: ReasonForm | None = None):
    return tx.render_form("privacy/person.html", form or ReasonForm(), page=pages.person_page(
        pages.person_or_404(user_id)), download=ButtonForm(prefix="download"))


@bp.get("/admin/privacy/people/<id:user_id>")
def person(user_id: int):
    ensure("privacy.manage")
    return _person(user_id)


@bp.post("/admin/privacy/people/<id:user_id>/export")
def export_person(user_id: int):
    ensure("privacy.manage")
    who, form, now = pages.person_or_404(user_id), ButtonForm(prefix="download"), clock.now()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            data = export.export_for(who, current_user, now)
        if work.done:
            return zip_answer(data, who, now)
    return tx.done("The download did not start: please try again.", url_for("privacy.person", user_id=user_id),
                   "danger")


@bp.post("/admin/privacy/people/<id:user_id>/erase")
def erase_person(user_id: int):
    ensure("privacy.manage")
    who, form = pages.person_or_404(user_id), ReasonForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            erasure.erase(who, current_user, clock.now(), reason=form.reason.data)
        if work.done:
            return tx.done("The account has been erased: it is now a pseudonym everywhere.",
                           url_for("privacy.person", user_id=user_id))
    return _person(user_id, form)
