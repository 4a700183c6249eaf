"""The broker's money desk: awards and stage grants, the payouts queue, reversals and refunds."""
from __future__ import annotations

from collections import Counter

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges.models import Challenge
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.payouts import awards, finance, ledger, refunds, release
from challenge.payouts.blueprint import bp
from challenge.payouts.forms import ConfirmForm, RefundForm, ReverseForm, StageGrantForm, award_form
from challenge.payouts.models import Award, LedgerTransaction, Payout, Refund
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.submissions.models import Submission

QUEUE_ORDER = ("reversal_due", "failed", "processing", "ready", "awaiting_payee", "paid", "reversed", "cancelled")


def _challenge(slug: str) -> Challenge:
    return db.first_or_404(db.select(Challenge).where(Challenge.slug == slug))


def _entries(challenge: Challenge) -> list[Submission]:
    return list(db.session.scalars(db.select(Submission).where(
        Submission.challenge_id == challenge.id,
        Submission.state.not_in(awards.INELIGIBLE_SUBMISSIONS)).order_by(Submission.reference)))


@bp.get("/admin/payouts")
@login_required
def queue():
    ensure("payouts.queue")
    payouts = db.session.scalars(db.select(Payout).order_by(Payout.id.desc()).limit(500)).all()
    grouped = {state: [p for p in payouts if p.state == state] for state in QUEUE_ORDER}
    return render_template("payouts/queue.html", grouped=grouped, confirm=ConfirmForm(),
                           reverse_form=ReverseForm(prefix="rev"), rows=finance.rows_for(current_user))


@bp.get("/admin/payouts/challenges/<slug>")
@login_required
def challenge_money(slug: str):
    challenge = _challenge(slug)
    ensure("award.create", challenge)
    return _money_page(challenge)


def _taken(challenge: Challenge) -> Counter:
    """Prize id → how many of its places are held by an award."""
    return Counter(db.session.scalars(db.select(Award.prize_id).where(Award.challenge_id == challenge.id,
                                                                     Award.place.is_not(None))))


def _already_awarded(challenge: Challenge, entries) -> bool:
    """The post names a place the form no longer offers: a second click, or another broker was first."""
    offered = {name for name, _ in award_form(challenge.prizes, entries, taken=_taken(challenge)).places}
    return any(key.startswith("place_") and key not in offered and value not in ("", "0")
               for key, value in request.form.items())


def _calmly_already_awarded(slug: str):
    flash("Those places have already been awarded (a second click, or another broker was first), so nothing "
          "more was awarded. The awards are listed below.", "info")
    return redirect(url_for("payouts.challenge_money", slug=slug))


def _money_page(challenge: Challenge, status: int = 200, **forms):
    entries = _entries(challenge)
    forms.setdefault("award_form", award_form(challenge.prizes, entries, taken=_taken(challenge)))
    forms.setdefault("grant_form", StageGrantForm(prefix="grant"))
    forms.setdefault("refund_form", RefundForm(prefix="refund"))
    forms["grant_form"].submissions.choices = [(s.id, f"{s.reference}: {s.title}") for s in entries]
    txns = db.session.scalars(db.select(LedgerTransaction).where(LedgerTransaction.challenge_id == challenge.id)
                              .order_by(LedgerTransaction.id.desc())).all()
    return render_template(
        "payouts/challenge_money.html", challenge=challenge, row=finance.row_for(challenge),
        available=awards.available(challenge), escrow=ledger.escrow(challenge.id), transactions=txns,
        awards=db.session.scalars(db.select(Award).where(Award.challenge_id == challenge.id)
                                  .order_by(Award.id)).all(),
        refunds=db.session.scalars(db.select(Refund).where(Refund.challenge_id == challenge.id)
                                   .order_by(Refund.id)).all(),
        has_errors=status >= 400, **forms), status


@bp.post("/admin/payouts/challenges/<slug>/awards")
@login_required
def create_awards(slug: str):
    challenge = _challenge(slug)
    ensure("award.create", challenge)
    entries = {s.id: s for s in _entries(challenge)}
    if _already_awarded(challenge, entries.values()):
        return _calmly_already_awarded(slug)
    form = award_form(challenge.prizes, entries.values(), request.form, taken=_taken(challenge))
    if form.validate_on_submit():
        placements = [(entries[form[name].data], prize) for name, prize in form.places if form[name].data]
        if not form.places:
            flash("Every prize place has been awarded already.", "info")
            return redirect(url_for("payouts.challenge_money", slug=slug))
        try:
            awards.create_awards(challenge, placements, current_user, clock.now())
        except DomainError as exc:
            tx.rollback()
            if _already_awarded(challenge, entries.values()):
                return _calmly_already_awarded(slug)
            form[form.places[0][0]].errors.append(exc.message)
        else:
            tx.commit()
            flash(f"{len(placements)} prize(s) awarded. The winners have been told how to get paid.", "success")
            return redirect(url_for("payouts.challenge_money", slug=slug))
    tx.rollback()
    return _money_page(challenge, 400, award_form=form)


@bp.post("/admin/payouts/challenges/<slug>/stage-grants")
@login_required
def stage_grants(slug: str):
    challenge = _challenge(slug)
    ensure("award.create", challenge)
    entries = {s.id: s for s in _entries(challenge)}
    form = StageGrantForm(prefix="grant")
    form.submissions.choices = [(s.id, s.reference) for s in entries.values()]
    if form.validate():
        try:
            awards.create_stage_grants(challenge, [entries[i] for i in form.submissions.data], form.amount.minor,
                                       form.currency.data, form.round_position.data, current_user, clock.now())
        except DomainError as exc:
            form.amount.errors.append(exc.message)
        else:
            tx.commit()
            flash("Stage grants awarded.", "success")
            return redirect(url_for("payouts.challenge_money", slug=slug))
    tx.rollback()
    return _money_page(challenge, 400, grant_form=form)


@bp.post("/admin/payouts/challenges/<slug>/refund")
@login_required
def refund(slug: str):
    challenge = _challenge(slug)
    ensure("refund.create", challenge)
    form = RefundForm(prefix="refund")
    if form.validate():
        try:
            planned = refunds.plan_refunds(challenge, current_user, clock.now(), amount=form.amount.minor,
                                           currency=form.currency.data)
        except DomainError as exc:
            form.amount.errors.append(exc.message)
        else:
            ids = [r.id for r in planned]
            tx.commit()
            done = refunds.process_refunds(ids, current_user, clock.now())
            ok = sum(r.state == "succeeded" for r in done)
            if ok == len(ids):
                flash(f"{ok} refund(s) made to the funders, in proportion to their shares.", "success")
            else:
                flash(f"{ok} of {len(ids)} refund(s) made; the others are listed below with what went wrong.",
                      "warning")
            return redirect(url_for("payouts.challenge_money", slug=slug))
    tx.rollback()
    return _money_page(challenge, 400, refund_form=form)


def _payout_action(payout_id: int, action: str, run):
    payout = db.get_or_404(Payout, payout_id)
    ensure(f"payout.{action}", payout)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        outcome = run()
    except DomainError as exc:
        tx.rollback()
        flash(exc.message, "error")
    else:
        flash(outcome.message, "success" if outcome.state in ("paid", "reversed") else "warning")
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
        flash("Give the reason for the reversal (at least 5 characters).", "error")
        return redirect(url_for("payouts.queue"))
    return _payout_action(payout_id, "reverse",
                          lambda: release.reverse_payout(payout_id, form.reason.data, current_user, clock.now()))
