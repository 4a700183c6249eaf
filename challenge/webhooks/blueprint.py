"""The webhooks blueprint (views in challenge/webhooks/views/) and the loaders its views share."""
from __future__ import annotations

from flask import Blueprint, abort, url_for

from challenge.extensions import db
from challenge.permissions import ensure
from challenge.webhooks.models import WebhookDelivery, WebhookEndpoint

bp = Blueprint("webhooks", __name__)


def endpoint_or_404(hook_id: int) -> WebhookEndpoint:
    """The endpoint, if the current user may manage its owner's webhooks (anyone else: 404)."""
    endpoint = db.get_or_404(WebhookEndpoint, hook_id)
    ensure("webhooks.manage", endpoint.organisation)
    return endpoint


def delivery_or_404(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        abort(404)
    return delivery


def list_url(endpoint: WebhookEndpoint) -> str:
    """The page that lists the endpoint's owner's webhooks."""
    if endpoint.organisation is None:
        return url_for("webhooks.platform_endpoints")
    return url_for("webhooks.organisation_endpoints", slug=endpoint.organisation.slug)
