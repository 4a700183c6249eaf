"""Entering a solution: start or continue a draft, see it, edit, submit, withdraw; a broker disqualifies."""
from __future__ import annotations

from flask import abort, flash, redirect
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from challenge import clock
from challenge.challenges.lookup import challenge_or_404
from challenge.errors import InvalidTransition
from challenge.platform import tx
from challenge.submissions import services
from challenge.submissions.blueprint import bp, submission_or_404
from challenge.submissions.forms import DisqualifyForm, SubmitForm, WithdrawForm
from challenge.submissions.pages import form_fields, render_entry_form, render_show, show_url, submission_form


def _to_own_entry(challenge):
    """After a second click raced the first: the draft the first one made."""
    return redirect(show_url(services.active_for(challenge, current_user) or abort(409)))


@bp.route("/challenges/<slug>/submit", methods=["GET", "POST"])
@login_required
def start(slug: str):
    challenge = challenge_or_404(slug)
    existing = services.active_for(challenge, current_user)
    if existing is not None:
        flash(f"You already have a submission to this challenge: {existing.reference}.", "info")
        return redirect(show_url(existing))
    services.ensure_can_start(challenge, current_user, clock.now())
    form = submission_form(challenge)
    if form.validate_on_submit():
        try:
            with tx.unit_of_work(form) as work:
                sub = services.start_draft(challenge, current_user, clock.now(), **form_fields(form))
        except IntegrityError:  # a second click raced the first past the unique index (rolled back)
            return _to_own_entry(challenge)
        if isinstance(work.refused, services.AlreadyEntered):
            return _to_own_entry(challenge)
        if work.done:
            return tx.done(f"Your draft is saved. Its reference is {sub.reference}. Add files, then submit it "
                           "before the deadline.", show_url(sub))
    return render_entry_form(form, challenge, None)


@bp.get("/submissions/<ref>")
def show(ref: str):
    return render_show(submission_or_404(ref))


@bp.route("/submissions/<ref>/edit", methods=["GET", "POST"])
@login_required
def edit(ref: str):
    sub = submission_or_404(ref)
    services.ensure_changeable(sub, current_user, clock.now())
    form = submission_form(sub.challenge, sub)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.update(sub, current_user, clock.now(), **form_fields(form))
        if work.done:
            return tx.done("Your changes are saved.", show_url(sub))
    return render_entry_form(form, sub.challenge, sub)


@bp.post("/submissions/<ref>/submit")
@login_required
def submit(ref: str):
    sub = submission_or_404(ref)
    form = SubmitForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.submit(sub, current_user, clock.now(), eligibility_confirmed=bool(form.eligibility_confirmed.data),
                            terms_accepted=bool(form.terms_accepted.data))
        if isinstance(work.refused, services.AlreadySubmitted):  # a double click: the first one submitted it
            return tx.done(work.refused.message, show_url(sub), "info")
        if work.done:
            return tx.done(f"Your solution is submitted. Reference {sub.reference}; a receipt is on its way to "
                           f"{sub.owner.email}. You can still change it until the challenge closes.", show_url(sub))
    return render_show(sub, submit_form=form)


@bp.route("/submissions/<ref>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(ref: str):
    sub = submission_or_404(ref)
    services.ensure_changeable(sub, current_user, clock.now())
    form = WithdrawForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            services.withdraw(sub, current_user, clock.now(), reason=form.reason.data or "")
        if work.done:
            return tx.done(f"{sub.reference} is withdrawn. You can start a new submission while the challenge "
                           "is open.", show_url(sub))
    return tx.render_form("submissions/withdraw.html", form, submission=sub, challenge=sub.challenge)


@bp.post("/submissions/<ref>/disqualify")
@login_required
def disqualify(ref: str):
    sub = submission_or_404(ref)
    form = DisqualifyForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            said = services.disqualify(sub, current_user, clock.now(), reason=form.reason.data)
        if isinstance(work.refused, InvalidTransition):  # already disqualified (a double click), or a payout
            return tx.done(work.refused.message, show_url(sub), "error")
        if work.done:
            return tx.done(" ".join([f"{sub.reference} is disqualified. Its team has been told why.", *said]),
                           show_url(sub))
    return render_show(sub, disqualify_form=form)
