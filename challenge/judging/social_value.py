"""The social value rule of PPN 002 (2025): a public body's challenge is judged partly on social value.

A challenge set by a public body (a council, an NHS trust, a government department, a school trust) may not
be published while its rubric gives social value less than 10 % of the total weight, unless a broker waives
the rule for it with a reason (a prize too small for the rule to be proportionate, a research challenge with
no delivery). The check is a go-live hook of challenges/services.py; the waiver lives on the challenge's
judging settings and is written to the audit log.
"""
from __future__ import annotations

from datetime import datetime

from challenge.challenges import services as challenge_services
from challenge.challenges.models import Challenge
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging import presets
from challenge.judging.models import RUBRIC_OPEN, JudgingSettings
from challenge.judging.rubric import criteria_of, settings_of
from challenge.permissions import can
from challenge.platform import audit

MAX_REASON = 2000


def applies_to(challenge: Challenge) -> bool:
    """The rule binds challenges whose seeker organisation is a public body."""
    return challenge.organisation.kind_enum.is_public_body


def social_value_percent(challenge: Challenge) -> int:
    """The share of the rubric's weight that social value criteria carry, rounded down."""
    criteria = criteria_of(challenge)
    total = sum(c.weight for c in criteria)
    return 100 * sum(c.weight for c in criteria if c.social_value) // total if total else 0


def waiver_of(challenge: Challenge) -> JudgingSettings | None:
    """The settings row that holds a broker's waiver, or None when the rule is not waived."""
    settings = settings_of(challenge)
    return settings if settings is not None and settings.social_value_waiver else None


def shortfall(challenge: Challenge) -> str | None:
    """Why the rule stops this challenge going live, or None when it is met, waived or does not apply."""
    if not applies_to(challenge) or waiver_of(challenge) is not None or not criteria_of(challenge):
        return None
    if social_value_percent(challenge) >= presets.SOCIAL_VALUE_MIN_PERCENT:
        return None
    return (f"{challenge.organisation.name} is a public body, so the rubric needs a social value criterion "
            f"carrying at least {presets.SOCIAL_VALUE_MIN_PERCENT}% of the weight (the Social Value Model, PPN 002). "
            "Add one with 'Add a social value criterion' on the rubric page, or ask a broker to waive the rule "
            "with a reason.")


def go_live_check(challenge: Challenge, doing: str) -> str | None:
    """The go-live hook: publishing is refused while the rule is unmet (sending for review is not, so the
    broker who reviews can waive it)."""
    return shortfall(challenge) if doing == "publishing it" else None


def _settings(challenge: Challenge) -> JudgingSettings:
    settings = settings_of(challenge)
    if settings is None:
        settings = JudgingSettings(challenge_id=challenge.id)
        db.session.add(settings)
    return settings


def _ensure_broker(challenge: Challenge, actor) -> None:
    if not can(actor, "judging.waive_social_value", challenge):
        raise NotAllowed("Only a broker can waive the social value rule, or withdraw a waiver.")


def _ensure_open(challenge: Challenge) -> None:
    if challenge.state not in RUBRIC_OPEN:
        raise InvalidTransition("The rubric is frozen: the social value rule can no longer be waived or restored.")


def waive(challenge: Challenge, reason: str, actor, now: datetime) -> JudgingSettings:
    """A broker waives the social value rule for one challenge, with a reason. Refuses anyone else, a frozen
    rubric, a challenge the rule does not bind, and a blank or over-long reason."""
    _ensure_broker(challenge, actor)
    _ensure_open(challenge)
    if not applies_to(challenge):
        raise FieldError("The social value rule binds public bodies only: there is nothing to waive.")
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("Say why the social value rule does not fit this challenge.", "reason")
    if len(reason) > MAX_REASON:
        raise FieldError(f"Keep the reason under {MAX_REASON:,} characters.", "reason")
    settings = _settings(challenge)
    settings.social_value_waiver, settings.social_value_waived_by_id = reason, actor.id
    settings.social_value_waived_at = now
    db.session.flush()
    audit.record(actor, "judging.social_value_waived", challenge, now, reason=reason)
    return settings


def restore(challenge: Challenge, actor, now: datetime) -> None:
    """A broker withdraws the waiver, so the rule applies again. Refuses anyone else and a frozen rubric;
    a challenge with no waiver is left as it is."""
    _ensure_broker(challenge, actor)
    _ensure_open(challenge)
    settings = waiver_of(challenge)
    if settings is None:
        return
    settings.social_value_waiver, settings.social_value_waived_by_id, settings.social_value_waived_at = "", None, None
    db.session.flush()
    audit.record(actor, "judging.social_value_restored", challenge, now)


if go_live_check not in challenge_services.GO_LIVE_CHECKS:
    challenge_services.GO_LIVE_CHECKS.append(go_live_check)
