"""Introductions: the broker introduces a creator to a contact at the counterpart; both answer.

Both sides get an email with the broker's note and a link of their own (a secret token, stored only
as its SHA-256) to accept or decline without signing in; signed-in people answer on the partnership
page. Two acceptances move the partnership to `in_discussion`; one refusal closes it as lost.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from challenge.accounts.models import Membership, User
from challenge.errors import FieldError, InvalidTransition
from challenge.extensions import db
from challenge.partnerships import services
from challenge.partnerships.models import Introduction, Partnership
from challenge.partnerships.states import ANSWER_MOVES, Answer, Stage
from challenge.platform import audit, outbox
from challenge.platform.links import site_link

SIDES = ("creator", "counterpart")
MAX_NOTE = 2000


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current(p: Partnership) -> Introduction | None:
    """The partnership's latest introduction, if any."""
    return db.session.scalar(db.select(Introduction).where(Introduction.partnership_id == p.id)
                             .order_by(Introduction.id.desc()).limit(1))


def contact_choices(p: Partnership) -> list[tuple[int, str]]:
    """The counterpart's members the creator may be introduced to, as (id, "name (email)")."""
    return [(m.user.id, f"{m.user.name} ({m.user.email})") for m in p.counterpart.memberships]


def contact_at(p: Partnership, user_id: int) -> User:
    """The person chosen in the introduction form; FieldError on `contact` when none is chosen."""
    contact = db.session.get(User, user_id) if user_id else None
    if contact is None:
        raise FieldError("Choose the person to introduce the creator to", "contact")
    return contact


def introduce(p: Partnership, actor, now: datetime, *, contact: User, note: str) -> Introduction:
    """Introduce the creator to `contact` and email both; moves the partnership from lead to introduced.

    Refuses: a partnership not at the lead stage; a contact who is not a member of the counterpart
    organisation; an empty or overlong note.
    """
    note = (note or "").strip()
    if not note:
        raise FieldError("Write a short note to introduce them to each other", "note")
    if len(note) > MAX_NOTE:
        raise FieldError(f"Keep the note under {MAX_NOTE:,} characters", "note")
    if p.stage != Stage.LEAD:
        raise InvalidTransition(f"Only a lead can be introduced; this partnership is at {p.stage_label.lower()}.")
    if db.session.scalar(db.select(Membership.id).where(Membership.user_id == contact.id,
                                                        Membership.organisation_id == p.counterpart_id)) is None:
        raise FieldError(f"The contact must be a member of {p.counterpart.name}", "contact")
    tokens = {side: secrets.token_urlsafe(32) for side in SIDES}
    intro = Introduction(partnership_id=p.id, note=note, counterpart_contact_id=contact.id,
                         creator_token_hash=_hash(tokens["creator"]),
                         counterpart_token_hash=_hash(tokens["counterpart"]),
                         created_by_id=actor.id, created_at=now)
    db.session.add(intro)
    db.session.flush()
    services.move(p, "to_introduced", actor, now)
    services.timeline(p, "introduction", actor, now, f"{p.creator.name} introduced to {contact.name}", note)
    audit.record(actor, "introduction.create", intro, now, data={"partnership_id": p.id})
    for person, other, side in ((p.creator, contact, "creator"), (contact, p.creator, "counterpart")):
        outbox.queue("partnership.introduction", person.email, "partnership_introduction", now,
                     person=person, other=other, partnership=p, note=note, broker=actor,
                     link=site_link("introductions.show", token=tokens[side]))
    db.session.flush()
    return intro


def by_token(token: str) -> tuple[Introduction, str] | None:
    """The introduction and the side a token answers for, or None."""
    if not token or len(token) > 100:
        return None
    digest = _hash(token)
    intro = db.session.scalar(db.select(Introduction).where(
        (Introduction.creator_token_hash == digest) | (Introduction.counterpart_token_hash == digest)))
    if intro is None:
        return None
    return intro, "creator" if intro.creator_token_hash == digest else "counterpart"


def answer(intro: Introduction, side: str, accept: bool, actor, now: datetime) -> Introduction:
    """Record one side's answer. Both accepted: in discussion. Declined: closed as lost.

    Refuses: an unknown side; a side that has already answered; an introduction already declined.
    """
    if side not in SIDES:
        raise FieldError("Unknown side of the introduction")
    answer_now = ANSWER_MOVES.check("accept" if accept else "decline", getattr(intro, f"{side}_answer"))
    if not intro.is_open:
        raise InvalidTransition("This introduction is closed: the other side declined it.")
    p = intro.partnership
    setattr(intro, f"{side}_answer", answer_now)
    setattr(intro, f"{side}_answered_at", now)
    who = p.creator.name if side == "creator" else p.counterpart.name
    verb = str(answer_now)
    services.timeline(p, "introduction", actor, now, f"{who} {verb} the introduction")
    audit.record(actor, f"introduction.{verb}", intro, now, data={"side": side})
    if not accept and p.stage == Stage.INTRODUCED:
        services.move(p, "close_lost", actor, now, reason=f"{who} declined the introduction")
    elif intro.creator_answer == intro.counterpart_answer == Answer.ACCEPTED and p.stage == Stage.INTRODUCED:
        services.move(p, "to_in_discussion", actor, now)
    if p.owner is not None:
        outbox.queue("partnership.introduction_answered", p.owner.email, "introduction_answered", now,
                     partnership=p, who=who, verb=verb,
                     link=site_link("partnerships.show", pid=p.id))
    db.session.flush()
    return intro
