"""Funding a challenge's pool: funders and shares, a co-funder's consent, invoices and card payments, recording a
bank transfer, waiving full funding and the broker's fee."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges.lookup import challenge_or_404
from challenge.errors import InvalidTransition
from challenge.extensions import db
from challenge.payouts import funding, invoices, pages
from challenge.payouts.blueprint import bp
from challenge.payouts.forms import ConfirmForm, FeeForm, InvoiceRequestForm, RecordTransferForm, WaiveForm
from challenge.payouts.gateways import ProviderError
from challenge.payouts.models import Funder, Funding
from challenge.payouts.states import FundingState
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.platform.links import site_link


@bp.get("/challenges/<slug>/funding")
@login_required
def funding_page(slug: str):
    challenge = challenge_or_404(slug, None)
    ensure("funding.view", challenge)
    return tx.render_form("payouts/funding.html", **pages.funding_page(challenge))


@bp.post("/challenges/<slug>/funding/funders")
@login_required
def set_funders(slug: str):
    challenge = challenge_or_404(slug, None)
    ensure("funding.manage", challenge)
    form = pages.funders_form(challenge)
    shares = form.shares() if form.validate() else None
    if shares is not None:
        orgs = {o.id: o for o in pages.organisations()}
        with tx.unit_of_work(form) as work:
            funding.set_funders(challenge, [(orgs[i], bp) for i, bp in shares], current_user, clock.now(),
                                stage_grants_budget=form.stage_grants.minor or 0)
        if work.done:
            return tx.done("Funders and shares saved.", url_for("payouts.funding_page", slug=slug))
    return tx.render_form("payouts/funding.html", **pages.funding_page(challenge, funders_form=form))


@bp.get("/funding/funders/<id:funder_id>/consent")
@login_required
def funder_consent(funder_id: int):
    """A named co-funder's members see what they are asked to fund, and accept or decline."""
    funder = db.get_or_404(Funder, funder_id)
    ensure("funding.consent", funder)
    return render_template("payouts/funder_consent.html", funder=funder, challenge=funder.challenge,
                           asked=funding.asked_of(funder.challenge).get(funder.id, 0), form=ConfirmForm())


def _answer(funder_id: int, decide) -> Funder:
    ensure("funding.consent", db.get_or_404(Funder, funder_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with tx.unit_of_work():
        funder = decide(funder_id, current_user, clock.now())
    return funder


@bp.post("/funding/funders/<id:funder_id>/accept")
@login_required
def accept_funder_request(funder_id: int):
    funder = _answer(funder_id, funding.accept_funding)
    return tx.done(f"{funder.organisation.name} is now a co-funder of this challenge.",
                   url_for("payouts.funder_consent", funder_id=funder_id))


@bp.post("/funding/funders/<id:funder_id>/decline")
@login_required
def decline_funder_request(funder_id: int):
    funder = _answer(funder_id, funding.decline_funding)
    return tx.done(f"You have declined. {funder.challenge.organisation.name} has been told and will change the "
                   "funders.", url_for("payouts.funder_consent", funder_id=funder_id))


@bp.post("/funding/funders/<id:funder_id>/invoice")
@login_required
def invoice(funder_id: int):
    funder = db.get_or_404(Funder, funder_id)
    ensure("funding.pay", funder)
    form = InvoiceRequestForm()
    if not form.validate():
        return tx.done(f"The purchase-order number can be at most {invoices.PO_MAX} characters; nothing was "
                       "invoiced.", url_for("payouts.funding_page", slug=funder.challenge.slug), "error")
    with tx.unit_of_work():
        funding_row = funding.issue_invoice(funder, current_user, clock.now(), po_number=form.po_number.data)
    return tx.done(f"Invoice {invoices.label(funding_row)} is ready.",
                   url_for("payouts.invoice_page", funding_id=funding_row.id))


@bp.get("/funding/<id:funding_id>")
@login_required
def invoice_page(funding_id: int):
    funding_row = db.get_or_404(Funding, funding_id)
    ensure("funding.view_invoice", funding_row)
    return tx.render_form("payouts/invoice.html", funding=funding_row, challenge=funding_row.funder.challenge,
                          transfer_form=RecordTransferForm(prefix="rec"),
                          invoice=invoices.invoice_of(funding_row) if funding_row.is_invoice else None)


@bp.get("/funding/<id:funding_id>/invoice.pdf")
@login_required
def invoice_pdf(funding_id: int):
    funding_row = db.get_or_404(Funding, funding_id)
    ensure("funding.view_invoice", funding_row)
    if not funding_row.is_invoice:
        abort(404)  # a card payment has a receipt from Stripe, not an invoice
    invoice_doc = invoices.invoice_of(funding_row)
    return Response(invoices.pdf_bytes(invoice_doc), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="invoice-{invoice_doc.number}.pdf"'})


@bp.post("/funding/funders/<id:funder_id>/card")
@login_required
def pay_by_card(funder_id: int):
    funder = db.get_or_404(Funder, funder_id)
    ensure("funding.pay", funder)
    with tx.unit_of_work():
        funding_row = funding.begin_checkout(funder, current_user, clock.now())
    return redirect(url_for("payouts.invoice_page", funding_id=funding_row.id))


@bp.get("/funding/<id:funding_id>/checkout")
@login_required
def go_to_checkout(funding_id: int):
    """A link, not a form, leads to Stripe: the CSP's form-action 'self' would block a redirect after a POST."""
    funding_row = db.get_or_404(Funding, funding_id)
    ensure("funding.pay", funding_row.funder)
    if funding_row.provider != "stripe" or funding_row.state != FundingState.PENDING:
        return redirect(url_for("payouts.invoice_page", funding_id=funding_id))
    done = site_link("payouts.invoice_page", funding_id=funding_id)
    back = site_link("payouts.funding_page", slug=funding_row.funder.challenge.slug)
    try:
        url = funding.open_checkout(funding_id, done, back, clock.now())
    except (ProviderError, ValueError):
        flash("The card payment page could not be opened just now. Please try again in a few minutes, "
              "or ask for an invoice.", "error")
        return redirect(url_for("payouts.invoice_page", funding_id=funding_id))
    return redirect(url, code=303)


@bp.post("/funding/<id:funding_id>/record")
@login_required
def record_transfer(funding_id: int):
    funding_row = db.get_or_404(Funding, funding_id)
    ensure("funding.record_transfer", funding_row)
    form = RecordTransferForm(prefix="rec")
    back = url_for("payouts.funding_page", slug=funding_row.funder.challenge.slug)
    if form.validate():
        with tx.unit_of_work(form) as work:
            funding.record_bank_transfer(funding_row, form.amount.minor, form.currency.data,
                                         form.bank_reference.data or "", current_user, clock.now())
        if work.done:
            return tx.done(f"Bank transfer recorded against {funding_row.reference}.", back)
        if isinstance(work.refused, InvalidTransition):  # a second click, or another broker was first
            return tx.done(work.refused.message, back, "info")
    return tx.render_form("payouts/invoice.html", funding=funding_row, challenge=funding_row.funder.challenge,
                          transfer_form=form, invoice=invoices.invoice_of(funding_row))


@bp.post("/challenges/<slug>/funding/waive")
@login_required
def waive(slug: str):
    challenge = challenge_or_404(slug, None)
    ensure("funding.waive", challenge)
    form = WaiveForm(prefix="waive")
    if form.validate():
        with tx.unit_of_work(form) as work:
            funding.waive_funding(challenge, form.reason.data, current_user, clock.now())
        if work.done:
            return tx.done("Full funding waived; the challenge can open before its pool is complete.",
                           url_for("payouts.funding_page", slug=slug))
    return tx.render_form("payouts/funding.html", **pages.funding_page(challenge, waive_form=form))


@bp.post("/challenges/<slug>/funding/fee")
@login_required
def set_fee(slug: str):
    challenge = challenge_or_404(slug, None)
    ensure("funding.set_fee", challenge)
    form = FeeForm(prefix="fee")
    if form.validate():
        with tx.unit_of_work(form) as work:
            funding.set_fee(challenge, form.percent.bp, current_user, clock.now())
        if work.done:
            return tx.done("The broker's fee is saved.", url_for("payouts.funding_page", slug=slug))
    return tx.render_form("payouts/funding.html", **pages.funding_page(challenge, fee_form=form))
