"""Problem definition: a seeker's diagnosis page, and the challenge draft that starts from it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from challenge.accounts import security
from challenge.accounts.models import Organisation
from challenge.accounts.services import unique_slug
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.errors import FieldError, InvalidTransition
from challenge.extensions import db
from challenge.diagnoses.models import Diagnosis
from challenge.platform import audit
from challenge.platform.processing import special_columns
from challenge.permissions import can, is_broker
from challenge.words import count

DIAGNOSIS_PATH = "/diagnoses/{id}"  # the diagnosis page, as the draft refers to it (a relative link)
TEXT_FIELDS = ("summary", "evidence", "quotes", "survey_findings", "causes", "stakeholders")
MAX_TEXT = 20_000


def _clean(fields: dict) -> dict:
    title = (fields.get("title") or "").strip()
    if not title:
        raise FieldError("Enter a title for the problem", "title")
    if len(title) > 200:
        raise FieldError("Keep the title under 200 characters", "title")
    if len((fields.get("summary") or "").strip()) > 500:
        raise FieldError("Keep the summary under 500 characters", "summary")
    respondents = fields.get("survey_respondents")
    if respondents is not None and (isinstance(respondents, bool) or not isinstance(respondents, int)
                                    or not 0 <= respondents <= 10**9):
        raise FieldError("The number of survey respondents must be a whole number, 0 or more",
                               "survey_respondents")
    cleaned = {"title": title, "survey_respondents": respondents}
    for name in TEXT_FIELDS:
        text = (fields.get(name) or "").strip()
        if len(text) > MAX_TEXT:
            raise FieldError(f"Keep this under {MAX_TEXT:,} characters", name)
        cleaned[name] = text
    return cleaned


def of_organisations(organisation_ids: list[int]) -> list[Diagnosis]:
    """The diagnoses of these organisations, the most recently changed first."""
    if not organisation_ids:
        return []
    return list(db.session.scalars(db.select(Diagnosis).where(Diagnosis.organisation_id.in_(organisation_ids))
                                   .order_by(Diagnosis.updated_at.desc())))


# The broker's list filters on where a diagnosis has got to: value → (label, condition).
LIST_STATES = {
    "no_challenge": ("No challenge yet", Diagnosis.challenge_id.is_(None)),
    "challenge": ("Challenge started", Diagnosis.challenge_id.is_not(None)),
}


def listing(state: str | None = None) -> Select:
    """Every diagnosis on the platform, the most recently changed first, optionally only those `state` names
    (brokers only: the view checks). Titles, organisations and dates only: no special category data."""
    query = (db.select(Diagnosis).options(selectinload(Diagnosis.organisation), selectinload(Diagnosis.challenge))
             .order_by(Diagnosis.updated_at.desc(), Diagnosis.id.desc()))
    if state in LIST_STATES:
        query = query.where(LIST_STATES[state][1])
    return query


def note_view(d: Diagnosis, shown: list, viewer) -> None:
    """A broker is reading the diagnosis's special category data (its sealed fields and the stories `shown`):
    the security log keeps who, which diagnosis, which fields and when (every view, even a broker's who is
    also a member). Its organisation's other members read their own work unlogged."""
    if not is_broker(viewer):
        return
    fields = sorted(c for c in special_columns()["diagnoses"] if getattr(d, c))
    if shown:
        fields.append(count(len(shown), "story"))
    security.special_category_viewed(d, fields)


def create(org: Organisation, actor, now: datetime, **fields) -> Diagnosis:
    """Start a diagnosis for `org`. Refuses non-members, a blank title, overlong text, bad counts."""
    if not can(actor, "diagnosis.create", org, now):
        raise FieldError("Choose one of your organisations", "organisation")
    d = Diagnosis(organisation_id=org.id, created_by_id=actor.id, created_at=now, updated_at=now, **_clean(fields))
    db.session.add(d)
    db.session.flush()
    audit.record(actor, "diagnosis.create", d, now)
    return d


def update(d: Diagnosis, actor, now: datetime, **fields) -> Diagnosis:
    """Edit a diagnosis. Refuses what `create` refuses."""
    for name, value in _clean(fields).items():
        setattr(d, name, value)
    d.updated_at = now
    audit.record(actor, "diagnosis.update", d, now)
    db.session.flush()
    return d


def _context(d: Diagnosis) -> str:
    """What the draft says of the diagnosis: how many answered the survey, who else is involved, and where the
    evidence is. Never people's words: the evidence, quotes, stories and survey findings may be health data,
    kept on consent in the diagnosis alone (sealed, each broker's view logged), while a challenge is published."""
    parts = []
    if d.survey_respondents is not None:
        parts.append(f"## Survey\n\n{d.survey_respondents:,} people answered our survey.")
    if d.stakeholders:
        parts.append(f"## Who else is involved\n\n{d.stakeholders}")
    link = DIAGNOSIS_PATH.format(id=d.id)
    parts.append(f"## Where this comes from\n\nThis challenge starts from {d.organisation.name}'s problem diagnosis "
                 f"“{d.title}” ([diagnosis D-{d.id}]({link})). Its evidence, and the words of the service users "
                 "who shared them, stay in the diagnosis with their consent: describe the problem here in your own "
                 "words before publishing.")
    return "\n\n".join(parts)


def start_challenge(d: Diagnosis, actor, now: datetime) -> Challenge:
    """Create a draft challenge from the diagnosis: its title, summary, problem statement and causes, and a
    context that refers to the diagnosis without copying people's words (see `_context`).

    Refuses when a draft has already been started from it and still exists.
    """
    if d.challenge is not None:
        raise InvalidTransition("A challenge has already been started from this diagnosis.")
    problem = d.summary
    if d.causes:
        problem = f"{problem}\n\n## Causes\n\n{d.causes}".strip()
    challenge = Challenge(
        organisation_id=d.organisation_id, created_by_id=actor.id, title=d.title, slug=unique_slug(Challenge, d.title),
        summary=d.summary[:500], problem=problem, context=_context(d), state=ChallengeState.DRAFT, created_at=now, updated_at=now,
    )
    db.session.add(challenge)
    db.session.flush()
    d.challenge_id = challenge.id
    d.updated_at = now
    audit.record(actor, "challenge.create_from_diagnosis", challenge, now, data={"diagnosis_id": d.id})
    db.session.flush()
    return challenge
