"""Who may manage webhooks (registered by permissions.load_rules)."""
from __future__ import annotations

from challenge.permissions import can, is_broker, rule


@rule("webhooks.manage")
def _manage(user, org, now):
    """An organisation's webhooks: whoever manages the organisation (its owners and the platform team); the
    platform's own endpoints (org None): brokers only. A member, or anyone from another organisation, gets a 404."""
    if org is None:
        return is_broker(user)
    return can(user, "organisation.manage", org, now)
