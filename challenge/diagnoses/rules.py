"""Who may keep and read an organisation's diagnoses."""
from __future__ import annotations

from challenge.permissions import role_in, rule


@rule("diagnosis.view", "diagnosis.edit", "diagnosis.start_challenge")
def _diagnosis(user, d, now):
    return role_in(user, d.organisation_id) is not None


@rule("diagnosis.create")
def _diagnosis_create(user, org, now):
    """Members of the organisation keep its diagnoses."""
    return role_in(user, org.id) is not None
