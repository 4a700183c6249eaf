"""Legal holds: a broker keeps everything of a challenge (a dispute, an inquiry, a claim) out of the reach
of retention and erasure until the hold is lifted. Placing and lifting are audit-logged with the reason."""
from __future__ import annotations

from datetime import datetime

from challenge.challenges.models import Challenge
from challenge.errors import FieldError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.judging.models import PanelMember
from challenge.permissions import can
from challenge.platform import audit, tx
from challenge.privacy.models import LegalHold
from challenge.submissions.models import Submission, TeamMember

MAX_REASON = 2000


def held_challenge_ids() -> set[int]:
    return set(db.session.scalars(db.select(LegalHold.challenge_id).where(LegalHold.lifted_at.is_(None))))


def active_holds() -> list[LegalHold]:
    return list(db.session.scalars(db.select(LegalHold).where(LegalHold.lifted_at.is_(None))
                                   .order_by(LegalHold.placed_at.desc())))


def hold_on(challenge_id: int) -> LegalHold | None:
    return db.session.scalar(db.select(LegalHold).where(LegalHold.challenge_id == challenge_id,
                                                        LegalHold.lifted_at.is_(None)))


def challenges_of(user) -> set[int]:
    """The challenges the person is part of: as an entrant, a team member, a judge or its author."""
    mine = set(db.session.scalars(db.select(Submission.challenge_id).where(Submission.owner_id == user.id)))
    mine |= set(db.session.scalars(db.select(Submission.challenge_id).join(TeamMember)
                                   .where(TeamMember.user_id == user.id)))
    mine |= set(db.session.scalars(db.select(PanelMember.challenge_id).where(PanelMember.user_id == user.id)))
    mine |= set(db.session.scalars(db.select(Challenge.id).where(Challenge.created_by_id == user.id)))
    return mine


def lock_challenges_of(user) -> None:
    """Lock the person's challenges (in id order): a hold placed at the same moment waits for an erasure's
    decision, and an erasure waits for the hold, so files are never deleted from under a new hold."""
    ids = sorted(challenges_of(user))
    if ids:
        db.session.execute(db.select(Challenge.id).where(Challenge.id.in_(ids)).order_by(Challenge.id)
                           .with_for_update())


def holds_on_person(user) -> list[Challenge]:
    """The held challenges the person is part of."""
    held = held_challenge_ids()
    ids = challenges_of(user) & held if held else set()
    if not ids:
        return []
    return list(db.session.scalars(db.select(Challenge).where(Challenge.id.in_(ids)).order_by(Challenge.title)))


def _reason(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise FieldError("Say why: the reason is kept in the audit log.", "reason")
    if len(text) > MAX_REASON:
        raise FieldError(f"Keep the reason under {MAX_REASON} characters.", "reason")
    return text


def place(challenge: Challenge, reason: str, actor, now: datetime) -> LegalHold:
    """Put the challenge on legal hold. Refuses anyone but a broker, an empty reason and a second hold."""
    if not can(actor, "privacy.manage", challenge, now):
        raise NotAllowed("Only a broker can place a legal hold.")
    reason = _reason(reason)
    tx.lock(Challenge, challenge.id)
    if hold_on(challenge.id) is not None:
        raise InvalidTransition(f"{challenge.title} is already on legal hold.")
    hold = LegalHold(challenge_id=challenge.id, reason=reason, placed_by_id=actor.id, placed_at=now, lift_reason="")
    db.session.add(hold)
    audit.record(actor, "privacy.legal_hold_placed", challenge, now, reason=reason)
    db.session.flush()
    return hold


def lift(challenge: Challenge, reason: str, actor, now: datetime) -> LegalHold:
    """Lift the challenge's hold. Refuses anyone but a broker, an empty reason and a challenge not held."""
    if not can(actor, "privacy.manage", challenge, now):
        raise NotAllowed("Only a broker can lift a legal hold.")
    reason = _reason(reason)
    tx.lock(Challenge, challenge.id)
    hold = hold_on(challenge.id)
    if hold is None:
        raise InvalidTransition(f"{challenge.title} is not on legal hold.")
    hold.lifted_at, hold.lifted_by_id, hold.lift_reason = now, actor.id, reason
    audit.record(actor, "privacy.legal_hold_lifted", challenge, now, reason=reason)
    db.session.flush()
    return hold
