"""Funding a challenge's pool: funders and shares, invoices, card payments; finance pages; the Stripe webhook."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts.models import Organisation
from challenge.challenges.models import Challenge
from challenge.errors import DomainError, InvalidTransition
from challenge.extensions import csrf, db
from challenge.payouts import finance, funding
from challenge.payouts.blueprint import bp
from challenge.payouts.forms import ConfirmForm, FeeForm, FundersForm, RecordTransferForm, WaiveForm, parse_percent
from challenge.payouts.gateways import ProviderError
from challenge.payouts.models import ChallengeFinance, Funder, Funding
from challenge.payouts.providers import card_payments_available
from challenge.payouts.webhooks import WebhookRefused, receive
from challenge.permissions import ensure
from challenge.platform import tx


def _challenge(slug: str) -> Challenge:
    return db.first_or_404(db.select(Challenge).where(Challenge.slug == slug))


def _organisations():
    return db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()


def _funders_form(challenge: Challenge) -> FundersForm:
    form = FundersForm()
    if not form.is_submitted():
        existing = funding.funders_of(challenge, include_unaccepted=True)
        for (organisation, share), funder in zip(form.rows, existing):
            organisation.data, share.data = funder.organisation_id, f"{funder.share_bp / 100:g}"
        if not existing:
            form.rows[0][0].data, form.rows[0][1].data = challenge.organisation_id, "100"
        budget = funding.pool_status(challenge).stage_grants
        form.stage_grants.data = f"{budget / 100:.2f}" if budget else ""
    form.set_choices(_organisations())
    return form


def _page(challenge: Challenge, status: int = 200, **forms):
    forms.setdefault("funders_form", _funders_form(challenge))
    forms.setdefault("waive_form", WaiveForm(prefix="waive"))
    forms.setdefault("fee_form", FeeForm(prefix="fee"))
    if not forms["fee_form"].is_submitted():
        forms["fee_form"].percent.data = f"{funding.pool_status(challenge).fee_bp / 100:g}"
    funders = funding.funders_of(challenge, include_unaccepted=True)
    return render_template(
        "payouts/funding.html", challenge=challenge, funders=funders, status=funding.pool_status(challenge),
        pledges=funding.asked_of(challenge), funded={f.id: funding.funded_by(f) for f in funders},
        transfer_form=RecordTransferForm(prefix="rec"), card=card_payments_available(),
        finance=db.session.get(ChallengeFinance, challenge.id),
        shares_locked=any(f.state in ("pending", "paid") for funder in funders for f in funder.fundings),
        has_errors=status >= 400, **forms), status


@bp.get("/challenges/<slug>/funding")
@login_required
def funding_page(slug: str):
    challenge = _challenge(slug)
    ensure("funding.view", challenge)
    return _page(challenge)


@bp.post("/challenges/<slug>/funding/funders")
@login_required
def set_funders(slug: str):
    challenge = _challenge(slug)
    ensure("funding.manage", challenge)
    form = _funders_form(challenge)
    shares = form.shares() if form.validate() else None
    if shares is not None:
        orgs = {o.id: o for o in _organisations()}
        try:
            funding.set_funders(challenge, [(orgs[i], bp) for i, bp in shares], current_user, clock.now(),
                                stage_grants_budget=form.stage_grants.minor or 0)
        except DomainError as exc:
            form.rows[0][1].errors.append(exc.message)
        else:
            tx.commit()
            flash("Funders and shares saved.", "success")
            return redirect(url_for("payouts.funding_page", slug=slug))
    tx.rollback()
    return _page(challenge, 400, funders_form=form)


@bp.get("/funding/funders/<id:funder_id>/consent")
@login_required
def funder_consent(funder_id: int):
    """A named co-funder's members see what they are asked to fund, and accept or decline."""
    funder = db.get_or_404(Funder, funder_id)
    ensure("funding.consent", funder)
    return render_template("payouts/funder_consent.html", funder=funder, challenge=funder.challenge,
                           asked=funding.asked_of(funder.challenge).get(funder.id, 0), form=ConfirmForm())


def _answer(funder_id: int, decide) -> Funder:
    funder = db.get_or_404(Funder, funder_id)
    ensure("funding.consent", funder)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    funder = decide(funder_id, current_user, clock.now())
    tx.commit()
    return funder


@bp.post("/funding/funders/<id:funder_id>/accept")
@login_required
def accept_funder_request(funder_id: int):
    funder = _answer(funder_id, funding.accept_funding)
    flash(f"{funder.organisation.name} is now a co-funder of this challenge.", "success")
    return redirect(url_for("payouts.funder_consent", funder_id=funder_id))


@bp.post("/funding/funders/<id:funder_id>/decline")
@login_required
def decline_funder_request(funder_id: int):
    funder = _answer(funder_id, funding.decline_funding)
    flash(f"You have declined. {funder.challenge.organisation.name} has been told and will change the funders.",
          "success")
    return redirect(url_for("payouts.funder_consent", funder_id=funder_id))


@bp.post("/funding/funders/<id:funder_id>/invoice")
@login_required
def invoice(funder_id: int):
    funder = db.get_or_404(Funder, funder_id)
    ensure("funding.pay", funder)
    funding_row = funding.issue_invoice(funder, current_user, clock.now())
    tx.commit()
    flash(f"Invoice {funding_row.reference} is ready.", "success")
    return redirect(url_for("payouts.invoice_page", funding_id=funding_row.id))


@bp.get("/funding/<id:funding_id>")
@login_required
def invoice_page(funding_id: int):
    funding_row = db.get_or_404(Funding, funding_id)
    ensure("funding.view_invoice", funding_row)
    return render_template("payouts/invoice.html", funding=funding_row, challenge=funding_row.funder.challenge,
                           transfer_form=RecordTransferForm(prefix="rec"))


@bp.post("/funding/funders/<id:funder_id>/card")
@login_required
def pay_by_card(funder_id: int):
    funder = db.get_or_404(Funder, funder_id)
    ensure("funding.pay", funder)
    funding_row = funding.begin_checkout(funder, current_user, clock.now())
    tx.commit()
    return redirect(url_for("payouts.invoice_page", funding_id=funding_row.id))


@bp.get("/funding/<id:funding_id>/checkout")
@login_required
def go_to_checkout(funding_id: int):
    """A link, not a form, leads to Stripe: the CSP's form-action 'self' would block a redirect after a POST."""
    funding_row = db.get_or_404(Funding, funding_id)
    ensure("funding.pay", funding_row.funder)
    if funding_row.provider != "stripe" or funding_row.state != "pending":
        return redirect(url_for("payouts.invoice_page", funding_id=funding_id))
    done = url_for("payouts.invoice_page", funding_id=funding_id, _external=True)
    back = url_for("payouts.funding_page", slug=funding_row.funder.challenge.slug, _external=True)
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
    if form.validate():
        try:
            funding.record_bank_transfer(funding_row, form.amount.minor, form.currency.data,
                                         form.bank_reference.data or "", current_user, clock.now())
        except InvalidTransition as exc:  # a second click, or another broker was first: nothing to fix
            tx.rollback()
            flash(exc.message, "info")
            return redirect(url_for("payouts.funding_page", slug=funding_row.funder.challenge.slug))
        except DomainError as exc:
            form.amount.errors.append(exc.message)
        else:
            tx.commit()
            flash(f"Bank transfer recorded against {funding_row.reference}.", "success")
            return redirect(url_for("payouts.funding_page", slug=funding_row.funder.challenge.slug))
    tx.rollback()
    return render_template("payouts/invoice.html", funding=funding_row, challenge=funding_row.funder.challenge,
                           transfer_form=form), 400


@bp.post("/challenges/<slug>/funding/waive")
@login_required
def waive(slug: str):
    challenge = _challenge(slug)
    ensure("funding.waive", challenge)
    form = WaiveForm(prefix="waive")
    if form.validate():
        funding.waive_funding(challenge, form.reason.data, current_user, clock.now())
        tx.commit()
        flash("Full funding waived; the challenge can open before its pool is complete.", "success")
        return redirect(url_for("payouts.funding_page", slug=slug))
    return _page(challenge, 400, waive_form=form)


@bp.post("/challenges/<slug>/funding/fee")
@login_required
def set_fee(slug: str):
    challenge = _challenge(slug)
    ensure("funding.set_fee", challenge)
    form = FeeForm(prefix="fee")
    if form.validate():
        try:
            funding.set_fee(challenge, parse_percent(form.percent.data), current_user, clock.now())
        except (DomainError, ValueError) as exc:
            form.percent.errors.append(getattr(exc, "message", str(exc)))
        else:
            tx.commit()
            flash("The broker's fee is saved.", "success")
            return redirect(url_for("payouts.funding_page", slug=slug))
    tx.rollback()
    return _page(challenge, 400, fee_form=form)


@bp.get("/finance")
@login_required
def finance_page():
    ensure("finance.view")
    return render_template("payouts/finance.html", rows=finance.rows_for(current_user))


@bp.get("/finance.csv")
@login_required
def finance_csv():
    ensure("finance.view")
    body = finance.to_csv(finance.rows_for(current_user))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=challenge-exchange-finance.csv"})


@bp.post("/webhooks/stripe")
@csrf.exempt
def stripe_webhook():
    try:
        outcome = receive(request.get_data(), request.headers.get("Stripe-Signature", ""), clock.now())
    except WebhookRefused as exc:
        tx.rollback()
        return {"error": str(exc)}, 400
    return {"received": True, "outcome": outcome}, 200

