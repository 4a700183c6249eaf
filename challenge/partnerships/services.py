"""Partnership verbs: record, edit, move along the pipeline, add to the timeline.

Each takes the `actor` and `now`, checks the rules, changes state, writes the audit event and a
timeline line, flushes and never commits.
"""
from __future__ import annotations

from datetime import datetime

from challenge.accounts.models import Membership, Organisation, User
from challenge.accounts.services import find_user_by_email
from challenge.errors import FieldError
from challenge.extensions import db
from challenge.partnerships.models import EVENT_KINDS, Partnership, PartnershipEvent
from challenge.partnerships.states import PIPELINE_MOVES, Kind, Stage
from challenge.platform import audit
from challenge.submissions.models import Submission
from challenge.webhooks import events as webhook_events

MAX_MONEY = 10**13  # minor units; the same ceiling as challenge.money.parse_money
USER_EVENT_KINDS = ("note", "meeting", "document")


# --- what the partnership forms offer and name -------------------------------------------------------

def organisation_choices() -> list[tuple[int, str]]:
    """Every organisation as (id, name), by name: the creator's and the counterpart's choices."""
    return [(o.id, o.name) for o in db.session.scalars(db.select(Organisation).order_by(Organisation.name))]


def broker_choices() -> list[tuple[int, str]]:
    """The broker team as (id, name), by name: who may own a partnership."""
    return [(u.id, u.name) for u in db.session.scalars(
        db.select(User).where(User.is_broker.is_(True)).order_by(User.name))]


def origin_submission(value) -> Submission | None:
    """The submission a new partnership arises from, given its id as text (None if not found)."""
    text = str(value or "").strip()
    return db.session.get(Submission, int(text)) if text.isdigit() and len(text) < 12 else None


def creator_by_email(email: str) -> User:
    """The creator named by email; FieldError on the email field when there is no such account."""
    user = find_user_by_email(email or "")
    if user is None:
        raise FieldError("There is no account with that email address", "creator_email")
    return user


def resolve_terms(values: dict) -> dict:
    """The form's terms with the owner, the counterpart and the creator's organisation loaded from their ids."""
    values = dict(values)
    owner_id = values.pop("owner_id", None)
    values["owner"] = db.session.get(User, owner_id) if owner_id else None
    if "counterpart_id" in values:
        values["counterpart"] = db.session.get(Organisation, values.pop("counterpart_id"))
        org_id = values.pop("creator_organisation_id", None)
        values["creator_organisation"] = db.session.get(Organisation, org_id) if org_id else None
    return values


# --- the verbs ------------------------------------------------------------------------------------------

def timeline(partnership: Partnership, kind: str, actor, now: datetime, title: str, body: str = "",
             url: str = "") -> PartnershipEvent:
    """Add a line to the partnership's timeline (not a state change by itself)."""
    assert kind in EVENT_KINDS
    event = PartnershipEvent(partnership=partnership, kind=kind, title=title[:200], body=body, url=url,
                             actor_id=getattr(actor, "id", None), at=now)
    db.session.add(event)
    return event


def _check_terms(value: int, commission_amount: int | None, commission_bp: int | None) -> None:
    for label, field, amount in (("value", "value", value), ("commission", "commission_amount",
                                                              commission_amount)):
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
            raise FieldError(f"The {label} must be a whole number of pence", field)
        if amount is not None and not 0 <= amount <= MAX_MONEY:
            raise FieldError(f"The {label} must be between £0 and £100,000,000,000", field)
    if (commission_amount is None) == (commission_bp is None):
        raise FieldError("Give the commission either as an amount or as a percentage of the value",
                               "commission_kind")
    if commission_bp is not None and not 0 <= commission_bp <= 10_000:
        raise FieldError("The commission percentage must be between 0% and 100%", "commission_percent")


def _check_people(creator: User, creator_org: Organisation | None, counterpart: Organisation,
                  owner: User | None) -> None:
    if creator_org is not None and db.session.scalar(db.select(Membership.id).where(
            Membership.user_id == creator.id, Membership.organisation_id == creator_org.id)) is None:
        raise FieldError(f"{creator.name} is not a member of {creator_org.name}", "creator_organisation")
    if creator_org is not None and creator_org.id == counterpart.id:
        raise FieldError("The counterpart must be a different organisation from the creator's",
                               "counterpart")
    if owner is not None and not owner.is_broker:
        raise FieldError("The owner must be on the broker's staff", "owner")


def create_partnership(actor, now: datetime, *, title: str, kind: str, creator: User, counterpart: Organisation,
                       creator_organisation: Organisation | None = None, origin: Submission | None = None,
                       value: int = 0, currency: str = "GBP", commission_amount: int | None = 0,
                       commission_bp: int | None = None, owner: User | None = None, next_action: str = "",
                       next_action_due: datetime | None = None) -> Partnership:
    """Record a partnership at the `lead` stage.

    Refuses: an unknown kind; a blank title; a creator organisation the creator is not in; a
    counterpart that is the creator's own organisation; an owner who is not a broker; money out of
    range; a commission given both ways or neither; a percentage over 100.
    """
    if kind not in Kind.__members__.values():
        raise FieldError("Choose a kind of partnership", "kind")
    if not title or not title.strip():
        raise FieldError("Enter a name for the partnership", "title")
    _check_terms(value, commission_amount, commission_bp)
    _check_people(creator, creator_organisation, counterpart, owner)
    p = Partnership(
        title=title.strip()[:200], kind=kind, creator_id=creator.id,
        creator_organisation_id=creator_organisation.id if creator_organisation else None,
        counterpart_id=counterpart.id, origin_submission_id=origin.id if origin else None,
        origin_challenge_id=origin.challenge_id if origin else None, stage=Stage.LEAD, value=value,
        currency=currency, commission_amount=commission_amount, commission_bp=commission_bp,
        owner_id=owner.id if owner else None, next_action=next_action.strip()[:300],
        next_action_due=next_action_due, created_at=now, updated_at=now,
    )
    db.session.add(p)
    db.session.flush()
    timeline(p, "stage_change", actor, now, "Recorded as a lead")
    audit.record(actor, "partnership.create", p, now, to_state=p.stage)
    db.session.flush()
    return p


def update_partnership(p: Partnership, actor, now: datetime, *, title: str, kind: str, value: int,
                       commission_amount: int | None, commission_bp: int | None, owner: User | None,
                       next_action: str, next_action_due: datetime | None, public: bool) -> Partnership:
    """Change the terms, owner and next action. Refuses what `create_partnership` refuses."""
    if kind not in Kind.__members__.values():
        raise FieldError("Choose a kind of partnership", "kind")
    if not title or not title.strip():
        raise FieldError("Enter a name for the partnership", "title")
    _check_terms(value, commission_amount, commission_bp)
    if owner is not None and not owner.is_broker:
        raise FieldError("The owner must be on the broker's staff", "owner")
    before = {"value": p.value, "commission": p.commission, "owner_id": p.owner_id}
    p.title, p.kind, p.value = title.strip()[:200], kind, value
    p.commission_amount, p.commission_bp = commission_amount, commission_bp
    p.owner_id = owner.id if owner else None
    p.next_action, p.next_action_due, p.public = next_action.strip()[:300], next_action_due, public
    p.updated_at = now
    audit.record(actor, "partnership.update", p, now, data={"before": before, "value": value,
                                                            "commission": p.commission})
    db.session.flush()
    return p


def move(p: Partnership, name: str, actor, now: datetime, *, reason: str = "") -> Partnership:
    """Apply the named move from the stage table (states.PIPELINE_MOVES), or refuse with InvalidTransition.

    Closing as lost needs a reason; reopening returns to the stage it was lost from.
    """
    target = PIPELINE_MOVES.target(name, p.stage, p.lost_from_stage)
    reason = (reason or "").strip()
    if name == "close_lost" and not reason:
        raise FieldError("Say why the partnership was lost", "reason")
    before = Stage(p.stage)
    p.lost_from_stage = before.value if target == Stage.CLOSED_LOST else None
    p.closed_reason = reason if target == Stage.CLOSED_LOST else ""
    p.stage = target
    p.updated_at = now
    timeline(p, "stage_change", actor, now, f"{before.label} → {target.label}", reason)
    audit.record(actor, f"partnership.{name}", p, now, from_state=before, to_state=target, reason=reason)
    webhook_events.raise_partnership_stage_changed(p, before.value, Stage(target).value, now)
    db.session.flush()
    return p


def add_event(p: Partnership, actor, now: datetime, *, kind: str, title: str, body: str = "",
              url: str = "") -> PartnershipEvent:
    """Add a note, a meeting or a document (a titled link) to the timeline.

    Refuses: other kinds (stage changes and introductions come from their own verbs); a blank
    title; a document without an http(s) link.
    """
    if kind not in USER_EVENT_KINDS:
        raise FieldError("Choose a note, a meeting or a document", "kind")
    if not title or not title.strip():
        raise FieldError("Enter a title", "title")
    url = (url or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise FieldError("Enter a link starting with https://", "url")
    if kind == "document" and not url:
        raise FieldError("Enter the link to the document", "url")
    event = timeline(p, kind, actor, now, title.strip(), (body or "").strip(), url)
    p.updated_at = now
    db.session.flush()
    audit.record(actor, f"partnership.add_{kind}", p, now, data={"event_id": event.id})
    db.session.flush()
    return event
