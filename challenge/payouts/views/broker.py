"""The broker's money desk: the payouts queue, a challenge's awards, stage grants and refund, and paying,
retrying and reversing payouts."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges.lookup import challenge_or_404
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.payouts import awards, finance, pages, refunds, release
from challenge.payouts.blueprint import bp
from challenge.payouts.forms import ConfirmForm, RefundForm, ReverseForm, StageGrantForm
from challenge.payouts.models import Payout
from challenge.payouts.states import PayoutState, RefundState
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.words import count

CALM = ("Those places have already been awarded (a second click, or another broker was first), so nothing "
        "more was awarded. The awards are listed below.")


@bp.get("/admin/payouts")
@login_required
def queue():
    ensure("payouts.queue")
    return render_template("payouts/queue.html", grouped=pages.queue_groups(), confirm=ConfirmForm(),
                           reverse_form=ReverseForm(prefix="rev"), rows=finance.rows_for(current_user))


@bp.get("/admin/payouts/challenges/<slug>")
@login_required
def challenge_money(slug: str):
    challenge = challenge_or_404(slug, None)
    ensure("award.create", challenge)
    return tx.render_form("payouts/challenge_money.html", **pages.money_page(challenge))


@bp.post("/admin/payouts/challenges/<slug>/awards")
@login_required
def create_awards(slug: str):
    challenge = challenge_or_404(slug, None)
    ensure("award.create", challenge)
    form, back = ConfirmForm(prefix="award"), url_for("payouts.challenge_money", slug=slug)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            made = len(awards.award_decided(challenge, current_user, clock.now()))
        if work.done:
            return tx.done(f"{count(made, 'prize')} awarded, as the decision gave them. The "
                           "winners have been told how to get paid.", back)
        if awards.decided_places(challenge) is not None and not awards.unawarded_places(challenge):
            return tx.done(CALM, back, "info")
    return tx.render_form("payouts/challenge_money.html", **pages.money_page(challenge, award_form=form))


@bp.post("/admin/payouts/challenges/<slug>/stage-grants")
@login_required
def stage_grants(slug: str):
    challenge = challenge_or_404(slug, None)
    ensure("award.create", challenge)
    entries = {s.id: s for s in pages.entries(challenge)}
    form = pages.grant_form(entries.values(), StageGrantForm(prefix="grant"))
    if form.validate():
        with tx.unit_of_work(form) as work:
            awards.create_stage_grants(challenge, [entries[i] for i in form.submissions.data], form.amount.minor,
                                       form.currency.data, form.round_position.data, current_user, clock.now())
        if work.done:
            return tx.done("Stage grants awarded.", url_for("payouts.challenge_money", slug=slug))
    return tx.render_form("payouts/challenge_money.html", **pages.money_page(challenge, grant_form=form))


@bp.post("/admin/payouts/challenges/<slug>/refund")
@login_required
def refund(slug: str):
    challenge = challenge_or_404(slug, None)
    ensure("refund.create", challenge)
    form = RefundForm(prefix="refund")
    if form.validate():
        with tx.unit_of_work(form) as work:
            ids = [r.id for r in refunds.plan_refunds(challenge, current_user, clock.now(), amount=form.amount.minor,
                                                       currency=form.currency.data)]
        if work.done:
            made = refunds.process_refunds(ids, current_user, clock.now())
            ok = sum(r.state == RefundState.SUCCEEDED for r in made)
            message = (f"{ok} refund(s) made to the funders, in proportion to their shares." if ok == len(ids) else
                       f"{ok} of {len(ids)} refund(s) made; the others are listed below with what went wrong.")
            return tx.done(message, url_for("payouts.challenge_money", slug=slug),
                           "success" if ok == len(ids) else "warning")
    return tx.render_form("payouts/challenge_money.html", **pages.money_page(challenge, refund_form=form))


def _payout_action(payout_id: int, action: str, run):
    """Release, retry or reverse: these own their transactions (the provider is called between two), so a
    refusal is said in a flash on the queue."""
    ensure(f"payout.{action}", db.get_or_404(Payout, payout_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        with tx.unit_of_work():
            outcome = run()
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        calm = (PayoutState.PAID, PayoutState.REVERSED, PayoutState.INSTRUCTED)
        flash(outcome.message, "success" if outcome.state in calm else "warning")
    return redirect(url_for("payouts.queue"))


@bp.post("/admin/payouts/<id:payout_id>/release")
@login_required
def release_payout(payout_id: int):
    return _payout_action(payout_id, "release",
                          lambda: release.release_payout(payout_id, current_user, clock.now()))


@bp.post("/admin/payouts/<id:payout_id>/retry")
@login_required
def retry_payout(payout_id: int):
    return _payout_action(payout_id, "retry", lambda: release.retry_payout(payout_id, current_user, clock.now()))


@bp.post("/admin/payouts/<id:payout_id>/reverse")
@login_required
def reverse_payout(payout_id: int):
    ensure("payout.reverse", db.get_or_404(Payout, payout_id))
    form = ReverseForm(prefix="rev")
    if not form.validate():
        return tx.done("Give the reason for the reversal (at least 5 characters).", url_for("payouts.queue"),
                       "error")
    return _payout_action(payout_id, "reverse",
                          lambda: release.reverse_payout(payout_id, form.reason.data, current_user, clock.now()))
