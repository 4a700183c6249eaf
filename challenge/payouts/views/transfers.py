"""Releasing a payout after a confirmation that shows where the money goes, and recording a manual payout's
bank transfer (the bank's reference and date) once the broker has made it."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.payouts import payees, release
from challenge.payouts.blueprint import bp
from challenge.payouts.forms import ConfirmForm, RecordPaidForm
from challenge.payouts.models import Payout
from challenge.permissions import ensure
from challenge.platform import tx


@bp.get("/admin/payouts/<id:payout_id>/release")
@login_required
def confirm_release(payout_id: int):
    """What the broker is about to send, and where: the payee's account masked (•••• 4321)."""
    payout = db.get_or_404(Payout, payout_id)
    ensure("payout.release", payout)
    return tx.render_form("payouts/release_confirm.html", ConfirmForm(), payout=payout,
                          masked=payees.masked_account(payout.payee_account))


@bp.route("/admin/payouts/<id:payout_id>/paid", methods=["GET", "POST"])
@login_required
def record_paid(payout_id: int):
    """A manual payout released: the broker makes the transfer, then records its bank reference and date."""
    payout = db.get_or_404(Payout, payout_id)
    ensure("payout.record_paid", payout)
    form = RecordPaidForm(prefix="paid")
    queue = url_for("payouts.queue")
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            paid = release.record_bank_payment(payout_id, form.reference.data, form.paid_on.data, current_user,
                                               clock.now())
        if work.done:
            return tx.done(f"Recorded: {paid.user.name} was paid on {form.paid_on.data:%-d %B %Y}, bank reference "
                           f"{paid.bank_reference}. They have been told.", queue)
        payout = db.session.get(Payout, payout_id)
        if isinstance(work.refused, InvalidTransition) and payout.bank_reference:  # a second click, or another
            return tx.done(work.refused.message, queue, "info")                   # broker was first: calm
    return tx.render_form("payouts/record_paid.html", form, payout=payout,
                          details=payees.transfer_details(payout.payee_account))
