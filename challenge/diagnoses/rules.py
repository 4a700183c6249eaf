"""Who may keep and read an organisation's diagnoses."""
from __future__ import annotations

from challenge.permissions import is_broker, role_in, rule


@rule("diagnosis.edit", "diagnosis.start_challenge")
def _diagnosis(user, d, now):
    return role_in(user, d.organisation_id) is not None


@rule("diagnosis.view")
def _diagnosis_view(user, d, now):
    """Its organisation's members, and brokers (read only: each broker's view of its special category
    data is logged, see diagnoses/views/pages.py)."""
    return role_in(user, d.organisation_id) is not None or is_broker(user)


@rule("diagnosis.create")
def _diagnosis_create(user, org, now):
    """Members of the organisation keep its diagnoses."""
    return role_in(user, org.id) is not None


@rule("diagnosis.list_all")
def _diagnosis_list_all(user, thing, now):
    """Brokers see every organisation's diagnoses listed (titles and dates; opening one is logged)."""
    return is_broker(user)
