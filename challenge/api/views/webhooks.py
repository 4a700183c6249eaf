"""An organisation's webhook endpoints through the API (a token): list them, register one (its secret in that
answer only), read and delete one; the same service and rule as the Webhooks page."""
from __future__ import annotations

from challenge import clock
from challenge.accounts.blueprint import org_or_404
from challenge.api import auth
from challenge.api import member_answers as answers
from challenge.api import member_schemas as schemas
from challenge.api.views import bp
from challenge.permissions import ensure
from challenge.platform import tx
from challenge.webhooks import services
from challenge.webhooks.blueprint import endpoint_or_404


def _org(slug: str):
    org = org_or_404(slug)
    ensure("webhooks.manage", org)
    return org


@bp.get("/organisations/<slug>/webhooks")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.response(200, schemas.WebhookList)
def webhooks(slug: str):
    """An organisation's endpoints, for its owners (404 for anyone else, as the page)."""
    return {"data": [answers.webhook(e) for e in services.endpoints_of(_org(slug))]}


@bp.post("/organisations/<slug>/webhooks")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.arguments(schemas.WebhookIn)
@bp.response(201, schemas.WebhookCreated)
def create_webhook(body: dict, slug: str):
    """Register an endpoint; the answer holds its signing secret, which is never shown again (422 for a URL
    that is not a public http(s) address or is registered already)."""
    org = _org(slug)
    with tx.unit_of_work():
        endpoint, secret = services.register(org, body["url"], body["events"], auth.actor(), clock.now())
    return {**answers.webhook(endpoint), "secret": secret}


@bp.get("/webhooks/<id:hook_id>")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.response(200, schemas.Webhook)
def webhook(hook_id: int):
    """One endpoint you may manage (404 otherwise)."""
    return answers.webhook(endpoint_or_404(hook_id))


@bp.delete("/webhooks/<id:hook_id>")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.response(204)
def delete_webhook(hook_id: int):
    """Delete an endpoint and its delivery log."""
    endpoint = endpoint_or_404(hook_id)
    with tx.unit_of_work():
        services.delete(endpoint, auth.actor(), clock.now())
    return ""
