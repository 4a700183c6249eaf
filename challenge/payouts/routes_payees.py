"""A creator's own payouts: awards, how they are paid, and team splits."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from challenge import clock
from challenge.errors import DomainError
from challenge.dates import format_dt
from challenge.extensions import db
from challenge.payouts import awards, payees
from challenge.payouts.blueprint import bp
from challenge.payouts.forms import BankDetailsForm, ConfirmForm, parse_percent, split_form
from challenge.payouts.gateways import ProviderError
from challenge.payouts.models import Award
from challenge.payouts.providers import default_provider, gateway
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.submissions.models import Submission, TeamMember


def _my_awards(user) -> list[Award]:
    mine = db.select(Submission.id).where(Submission.owner_id == user.id).union(
        db.select(TeamMember.submission_id).where(TeamMember.user_id == user.id))
    return list(db.session.scalars(db.select(Award).where(Award.submission_id.in_(mine))
                                   .order_by(Award.created_at.desc(), Award.id)))


@bp.get("/my/payouts")
@login_required
def mine():
    ensure("payouts.mine")
    provider = default_provider()
    return render_template("payouts/mine.html", awards=_my_awards(current_user), provider=provider,
                           account=payees.account_for(current_user, provider), confirm=ConfirmForm(),
                           cooling_off=payees.cooling_off())


@bp.route("/my/payouts/bank-details", methods=["GET", "POST"])
@login_required
def bank_details():
    ensure("payouts.mine")
    account = payees.account_for(current_user, "manual")
    form = BankDetailsForm(data={"payout_email": account.payout_email if account else ""})
    if form.validate_on_submit():
        try:
            account = payees.save_bank_details(
                current_user, form.holder.data, form.sort_code.data, form.account_number.data, gateway("manual"),
                clock.now(), payout_email=form.payout_email.data or "", password=form.password.data)
        except payees.PayoutDetailsError as exc:
            form[exc.field].errors.append(exc.message)
        else:
            tx.commit()
            held = payees.held_until(account)
            flash("Your new payout details are saved. We have emailed you about the change; for your safety, "
                  f"payouts can be released to them from {format_dt(held)}." if held and held > clock.now() else
                  "Your bank details are saved. Payouts waiting for them are now ready to pay.", "success")
            return redirect(url_for("payouts.mine"))
    tx.rollback()
    return render_template("payouts/bank_details.html", form=form, account=account), 400 if form.errors else 200


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
        payees.create_stripe_account(current_user, gateway("stripe"), clock.now())
    except (ProviderError, ValueError):
        tx.rollback()
        flash("Stripe could not be reached just now. Please try again in a few minutes.", "error")
        return redirect(url_for("payouts.mine"))
    tx.commit()
    flash("Your Stripe account is created. Continue to Stripe to give them your details.", "success")
    return redirect(url_for("payouts.mine"))


@bp.get("/my/payouts/stripe/continue")
@login_required
def stripe_continue():
    """A fresh onboarding link for an existing account (also Stripe's refresh URL); asks Stripe, writes nothing."""
    ensure("payouts.mine")
    try:
        link = payees.onboarding_link(current_user, gateway("stripe"),
                                      url_for("payouts.stripe_return", _external=True),
                                      url_for("payouts.stripe_continue", _external=True))
    except (ProviderError, ValueError):
        flash("Stripe could not be reached just now. Please try again in a few minutes.", "error")
        return redirect(url_for("payouts.mine"))
    if link is None:
        flash("Set up your Stripe account first.", "info")
        return redirect(url_for("payouts.mine"))
    return redirect(link, code=303)


@bp.route("/my/payouts/stripe/status", methods=["GET", "POST"], endpoint="stripe_return")
@login_required
def stripe_status():
    """Stripe sends people back here (a GET, which changes nothing: Stripe's webhook updates the account);
    the payouts page's 'Refresh status' button posts here to ask Stripe at once."""
    ensure("payouts.mine")
    if request.method == "GET":
        flash("Welcome back. Once Stripe has checked your details this page shows your account as ready; "
              "press 'Refresh status' to check now.", "info")
        return redirect(url_for("payouts.mine"))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        account = payees.refresh_stripe_status(current_user, gateway("stripe"), clock.now())
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("payouts.mine"))
    except (ProviderError, ValueError):
        flash("Stripe could not be reached just now. Please try again in a few minutes.", "error")
        return redirect(url_for("payouts.mine"))
    tx.commit()
    flash("Your Stripe account is ready to receive payouts." if account.state == "ready" else
          "Stripe has not finished checking your details yet. Come back to this page later.",
          "success" if account.state == "ready" else "info")
    return redirect(url_for("payouts.mine"))


@bp.route("/awards/<id:award_id>/split", methods=["GET", "POST"])
@login_required
def split(award_id: int):
    award = db.get_or_404(Award, award_id)
    ensure("award.split", award)
    members = sorted({award.submission.owner, *(m.user for m in award.submission.team)}, key=lambda u: u.id)
    form = split_form(members)
    if form.validate_on_submit():
        shares, ok = [], True
        for user in members:
            field = form[f"share_{user.id}"]
            try:
                shares.append((user.id, parse_percent(field.data)))
            except ValueError as exc:
                field.errors.append(str(exc))
                ok = False
        if ok:
            try:
                awards.propose_split(award, shares, current_user, clock.now())
            except DomainError as exc:
                form[f"share_{members[0].id}"].errors.append(exc.message)
            else:
                tx.commit()
                flash("Split proposed. Each member now agrees it on their payouts page.", "success")
                return redirect(url_for("payouts.mine"))
    tx.rollback()
    return render_template("payouts/split.html", award=award, form=form, members=members), \
        400 if form.errors else 200


@bp.post("/awards/<id:award_id>/split/agree")
@login_required
def agree_split(award_id: int):
    award = db.get_or_404(Award, award_id)
    ensure("award.agree_split", award)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    awards.agree_split(award, current_user, clock.now())
    tx.commit()
    flash("You have agreed the split." + (" Everyone has agreed, so the payouts are set up." if
                                          award.split_state == "agreed" else ""), "success")
    return redirect(url_for("payouts.mine"))

