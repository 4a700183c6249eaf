"""The finance page (its CSV, and the reconciliation run from it) and the Stripe webhook."""
from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user, login_required

from challenge import clock
from challenge.accounts.services import organisations_of
from challenge.extensions import csrf
from challenge.payouts import finance, reconcile
from challenge.payouts.blueprint import bp
from challenge.payouts.webhooks import WebhookRefused, receive
from challenge.permissions import can, ensure
from challenge.platform import tx


@bp.get("/finance")
@login_required
def finance_page():
    ensure("finance.view")
    return render_template("payouts/finance.html", rows=finance.rows_for(current_user), funding=_funding())


@bp.get("/finance.csv")
@login_required
def finance_csv():
    ensure("finance.view")
    body = finance.to_csv(finance.rows_for(current_user))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=challenge-exchange-finance.csv"})


@bp.post("/finance/reconcile")
@login_required
def run_reconciliation():
    """Run the reconciliation and show its table on the finance page (the run is audited, so it commits)."""
    ensure("finance.reconcile")
    with tx.unit_of_work():
        found = reconcile.run_for(current_user, clock.now())
    return render_template("payouts/finance.html", rows=finance.rows_for(current_user), checks=found,
                           funding=_funding())


def _funding():
    """The person's organisations whose 360Giving file they may download (a funder's own, beside its money)."""
    return [org for org in organisations_of(current_user) if can(current_user, "giving.export_funder", org)]


@bp.post("/webhooks/stripe")
@csrf.exempt
def stripe_webhook():
    """Stripe's events: `receive` verifies, records and applies each once, and commits (a webhook is an edge);
    it refuses before writing anything, so a refusal has nothing to roll back."""
    try:
        outcome = receive(request.get_data(), request.headers.get("Stripe-Signature", ""), clock.now())
    except WebhookRefused as exc:
        return {"error": str(exc)}, 400
    return {"received": True, "outcome": outcome}, 200
