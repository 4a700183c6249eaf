"""Who may manage webhooks (registered by permissions.load_rules)."""
from __future__ import annotations

from challenge.accounts.models import MembershipRole
from challenge.permissions import is_broker, role_in, rule


@rule("webhooks.manage")
def _manage(user, org, now):
    """An organisation's webhooks: its owners and the platform team (as for its details); the platform's own
    endpoints (org None): brokers only. A member, or anyone from another organisation, gets a 404."""
    if org is None:
        return is_broker(user)
    return is_broker(user) or role_in(user, org.id) == MembershipRole.OWNER
