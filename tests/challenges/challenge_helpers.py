"""Helpers for the challenge tests: form data, dates in UK time (and `mails`, the suite's outbox reader)."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from challenge import clock
from tests.factories import mails  # noqa: F401  (the challenge tests import it from here)

LONDON = ZoneInfo("Europe/London")


def local_input(days: float, hour: int = 17) -> str:
    """A `datetime-local` value `days` from now at `hour`:00 UK time."""
    day = (clock.now() + timedelta(days=days)).astimezone(LONDON).date()
    return f"{day.isoformat()}T{hour:02d}:00"


def challenge_form(org_id: int | None = None, **overrides) -> dict:
    """A complete, valid challenge form."""
    data = {
        "title": "Reducing loneliness among older people", "summary": "Find isolated over-75s early.",
        "problem": "One in five older people are **lonely**.", "context": "21,000 residents over 75.",
        "outcomes": "Fewer lonely people.", "eligibility": "Charities and social enterprises.",
        "sector": "social_care", "tags": "loneliness, older people", "type": "proposal",
        "ip_terms": "licence", "currency": "GBP", "opens_at": local_input(1, 9), "closes_at": local_input(30),
        "prizes-0-name": "First prize", "prizes-0-amount": "25,000", "prizes-0-winners": "1",
        "prizes-1-name": "Runner-up", "prizes-1-amount": "5000.50", "prizes-1-winners": "2",
        "feedback_to_entrants": "y",
    }
    if org_id is not None:
        data["organisation"] = str(org_id)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
