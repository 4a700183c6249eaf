"""Who may see which dashboard."""
from __future__ import annotations

from challenge.permissions import is_broker, rule, signed_in


@rule("dashboard.broker")
def _dashboard_broker(user, thing, now):
    return is_broker(user)


@rule("dashboard.organisation")
def _dashboard_organisation(user, thing, now):
    """Anyone signed in; the dashboard shows only their own organisations' numbers."""
    return signed_in(user)
