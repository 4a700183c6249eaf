"""A creator's own payouts: their awards, how they are paid (bank details or Stripe), and team splits."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.dates import format_dt
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.payouts import pages, payees, splits
from challenge.payouts.blueprint import bp
from challenge.payouts.forms import BankDetailsForm, ConfirmForm, split_form
from challenge.payouts.gateways import ProviderError
from challenge.payouts.models import Award
from challenge.payouts.providers import default_provider, gateway
from challenge.payouts.states import PayeeState, SplitState
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.platform.links import site_link

UNREACHABLE = "Stripe could not be reached just now. Please try again in a few minutes."


@bp.get("/my/payouts")
@login_required
def mine():
    ensure("payouts.mine")
    provider = default_provider()
    return render_template("payouts/mine.html", awards=pages.my_awards(current_user), provider=provider,
                           account=payees.account_for(current_user, provider), confirm=ConfirmForm(),
                           cooling_off=payees.cooling_off())


def _saved(account) -> str:
    held = payees.held_until(account)
    if held and held > clock.now():
        return ("Your new payout details are saved. We have emailed you about the change; for your safety, "
                f"payouts can be released to them from {format_dt(held)}.")
    return "Your bank details are saved. Payouts waiting for them are now ready to pay."


@bp.route("/my/payouts/bank-details", methods=["GET", "POST"])
@login_required
def bank_details():
    ensure("payouts.mine")
    account = payees.account_for(current_user, "manual")
    form = BankDetailsForm(data={"payout_email": account.payout_email if account else ""})
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            account = payees.save_bank_details(
                current_user, form.holder.data, form.sort_code.data, form.account_number.data, gateway("manual"),
                clock.now(), payout_email=form.payout_email.data or "", password=form.password.data,
                iban=form.iban.data or "", bic=form.bic.data or "")
        if work.done:
            return tx.done(_saved(account), url_for("payouts.mine"))
        account = payees.account_for(current_user, "manual")
    return tx.render_form("payouts/bank_details.html", form, account=account)


@bp.post("/my/payouts/stripe")
@login_required
def stripe_onboarding():
    """Create the person's Stripe account (once), then send them back to their payouts page.

    The page's link then leads to Stripe: the CSP's form-action 'self' would block a redirect to Stripe
    after this POST, and a GET must not create accounts.
    """
    ensure("payouts.mine")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        with tx.unit_of_work():
            payees.create_stripe_account(current_user, gateway("stripe"), clock.now())
    except (ProviderError, ValueError):
        return tx.done(UNREACHABLE, url_for("payouts.mine"), "error")
    return tx.done("Your Stripe account is created. Continue to Stripe to give them your details.",
                   url_for("payouts.mine"))


@bp.get("/my/payouts/stripe/continue")
@login_required
def stripe_continue():
    """A fresh onboarding link for an existing account (also Stripe's refresh URL); asks Stripe, writes nothing."""
    ensure("payouts.mine")
    try:
        link = payees.onboarding_link(current_user, gateway("stripe"),
                                      site_link("payouts.stripe_return"), site_link("payouts.stripe_continue"))
    except (ProviderError, ValueError):
        return tx.done(UNREACHABLE, url_for("payouts.mine"), "error")
    if link is None:
        return tx.done("Set up your Stripe account first.", url_for("payouts.mine"), "info")
    return redirect(link, code=303)


@bp.route("/my/payouts/stripe/status", methods=["GET", "POST"], endpoint="stripe_return")
@login_required
def stripe_status():
    """Stripe sends people back here (a GET, which changes nothing: Stripe's webhook updates the account);
    the payouts page's 'Refresh status' button posts here to ask Stripe at once."""
    ensure("payouts.mine")
    if request.method == "GET":
        return tx.done("Welcome back. Once Stripe has checked your details this page shows your account as ready; "
                       "press 'Refresh status' to check now.", url_for("payouts.mine"), "info")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        with tx.unit_of_work():
            account = payees.refresh_stripe_status(current_user, gateway("stripe"), clock.now())
    except DomainError as exc:
        return tx.done(exc.message, url_for("payouts.mine"), "error")
    except (ProviderError, ValueError):
        return tx.done(UNREACHABLE, url_for("payouts.mine"), "error")
    if account.state == PayeeState.READY:
        return tx.done("Your Stripe account is ready to receive payouts.", url_for("payouts.mine"))
    return tx.done("Stripe has not finished checking your details yet. Come back to this page later.",
                   url_for("payouts.mine"), "info")


@bp.route("/awards/<id:award_id>/split", methods=["GET", "POST"])
@login_required
def split(award_id: int):
    award = db.get_or_404(Award, award_id)
    ensure("award.split", award)
    members = pages.team_of(award)
    form = split_form(members)
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            splits.propose_split(award, form.shares(), current_user, clock.now())
        if work.done:
            return tx.done("Split proposed. Each member now agrees it on their payouts page.", url_for("payouts.mine"))
    return tx.render_form("payouts/split.html", form, award=award, members=members)


@bp.post("/awards/<id:award_id>/split/agree")
@login_required
def agree_split(award_id: int):
    award = db.get_or_404(Award, award_id)
    ensure("award.agree_split", award)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with tx.unit_of_work():
        splits.agree_split(award, current_user, clock.now())
    everyone = " Everyone has agreed, so the payouts are set up." if award.split_state == SplitState.AGREED else ""
    return tx.done("You have agreed the split." + everyone, url_for("payouts.mine"))
