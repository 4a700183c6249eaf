"""Service users' stories and evidence, kept on their consent (UK GDPR Articles 6(1)(a) and 9(2)(a)).

Each story records who gave consent (as the seeker knows them: never an account), when, and for what use.
Withdrawing the consent removes the story's words at once, from the diagnosis page and from every export (a
challenge draft never copies them); what remains is the record that consent was given and withdrawn.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from challenge.diagnoses.models import Diagnosis, Story, StoryKind
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform import audit

MAX_BODY = 20_000


def active(d: Diagnosis) -> list[Story]:
    """The stories whose consent stands, oldest first."""
    return list(db.session.scalars(db.select(Story).where(Story.diagnosis_id == d.id, Story.withdrawn_at.is_(None))
                                   .order_by(Story.consent_at, Story.id)))


def counts(diagnosis_ids: list[int]) -> dict[int, int]:
    """How many stories with standing consent each of these diagnoses keeps."""
    if not diagnosis_ids:
        return {}
    return dict(db.session.execute(db.select(Story.diagnosis_id, db.func.count()).where(
        Story.diagnosis_id.in_(diagnosis_ids), Story.withdrawn_at.is_(None)).group_by(Story.diagnosis_id)).all())


def story_of(d: Diagnosis, story_id: int) -> Story | None:
    return db.session.scalar(db.select(Story).where(Story.id == story_id, Story.diagnosis_id == d.id))


def _required(text: str | None, field: str, what: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise FieldError(f"Enter {what}", field)
    if len(text) > limit:
        raise FieldError(f"Keep {what} under {limit:,} characters", field)
    return text


def record(d: Diagnosis, kind: str, body: str, consent_by: str, consent_use: str, given_on: date | None,
           actor, now: datetime) -> Story:
    """Keep a story with its consent. Refuses anyone who may not edit the diagnosis, an unknown kind, a
    missing story, consenter or use, and a consent dated in the future."""
    if not can(actor, "diagnosis.edit", d, now):
        raise NotAllowed("Only the diagnosis's organisation can record service users' stories.")
    if kind not in set(StoryKind):
        raise FieldError("Choose a story or evidence", "kind")
    if given_on is None:
        raise FieldError("Enter the date they gave consent", "given_on")
    consent_at = datetime.combine(given_on, time.min, tzinfo=timezone.utc)
    if consent_at > now:
        raise FieldError("The date consent was given cannot be in the future", "given_on")
    story = Story(diagnosis_id=d.id, kind=kind, body=_required(body, "body", "the story", MAX_BODY),
                  consent_by=_required(consent_by, "consent_by", "who gave consent", 200),
                  consent_use=_required(consent_use, "consent_use", "what they agreed to", 300),
                  consent_at=consent_at, recorded_by_id=actor.id)
    db.session.add(story)
    db.session.flush()
    audit.record(actor, "diagnosis.story_recorded", d, now, data={"story_id": story.id})
    return story


def withdraw(d: Diagnosis, story: Story, actor, now: datetime) -> Story:
    """The consent is withdrawn: the story's words go at once; the record of the consent stays. Refuses a
    story already withdrawn and anyone who may not edit the diagnosis."""
    if not can(actor, "diagnosis.edit", d, now):
        raise NotAllowed("Only the diagnosis's organisation can withdraw a story.")
    if story.withdrawn_at is not None:
        raise InvalidTransition("That story's consent has already been withdrawn.")
    story.withdrawn_at, story.body = now, ""
    audit.record(actor, "diagnosis.story_withdrawn", d, now, data={"story_id": story.id})
    db.session.flush()
    return story
