"""Read-only queries behind the broker console: counts, the review queue, searches and the audit log."""
from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased, contains_eager

from challenge.accounts.models import Membership, Organisation, User
from challenge.challenges import counts as challenge_counts
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.extensions import db
from challenge.platform import audit, csvsafe
from challenge.platform.models import AuditEvent
from challenge.platform.paging import page_size, paginate_rows
from challenge.submissions.models import Submission


def _count(column, *where) -> int:
    return db.session.scalar(db.select(db.func.count(column)).where(*where)) or 0


def _by_state(model) -> dict[str, int]:
    # count(*), which an index on the state can answer alone (index-only on PostgreSQL), unlike count(id).
    return dict(db.session.execute(db.select(model.state, db.func.count()).group_by(model.state)).all())


def console_counts() -> dict:
    return {
        "users": _count(User.id), "brokers": _count(User.id, User.is_broker.is_(True)),
        "inactive": _count(User.id, User.is_active_account.is_(False)),
        "organisations": _count(Organisation.id), "verified": _count(Organisation.id, Organisation.verified.is_(True)),
        "challenges": challenge_counts.by_state(), "submissions": _by_state(Submission),
    }


def _sent_for_review():
    """When each challenge was (last) sent for review: the time `challenges/services.submit_for_review` writes on
    the challenge (the only way in, and the same instant as its audit event), else when it last changed (a row
    written without the service). Read from the challenge's own row: the queue's order is computed for every
    waiting challenge, and asking the audit log for each was a quarter of PostgreSQL's time on the page."""
    return db.func.coalesce(Challenge.sent_for_review_at, Challenge.updated_at)


class Waiting(NamedTuple):
    """A challenge waiting for review, as the queue shows it: plain columns, its organisation's among them."""
    id: int
    title: str
    slug: str
    prize_pool: int
    currency: str
    organisation_name: str
    organisation_slug: str
    organisation_verified: bool
    sent: datetime


_SENT = _sent_for_review().label("sent")
# A page of the queue in one statement, built once (the queue has no parameters but its page): the page's ids are
# read in order from ix_challenges_review_queue (only the rows up to the page's end, not every waiting challenge)
# before the titles and the organisations are joined to them, and the total is the count kept with the challenges
# (challenges/counts.py) rather than a count of every waiting row.
_cut = (db.select(Challenge.id, _SENT).where(Challenge.state == ChallengeState.IN_REVIEW).order_by(_SENT, Challenge.id)
        .limit(page_size("n")).offset(page_size("skip")).subquery("cut"))
_WAITING_PAGE = (db.select(Challenge.id, Challenge.title, Challenge.slug, Challenge.prize_pool, Challenge.currency,
                           Organisation.name, Organisation.slug, Organisation.verified, _cut.c.sent,
                           challenge_counts.in_states(ChallengeState.IN_REVIEW).label("total"))
                 .join(_cut, _cut.c.id == Challenge.id)
                 .join(Organisation, Organisation.id == Challenge.organisation_id)
                 .order_by(_cut.c.sent, _cut.c.id))


def review_queue_page(per_page: int) -> Pagination:
    """A page of the challenges waiting for review (Waiting rows), the longest-waiting first, with when each
    was sent for review and the total, in one statement: only the columns the queue and the pools' figures
    show."""
    return paginate_rows(_WAITING_PAGE, per_page=per_page, paged=True, recount=review_count, row=Waiting._make)


def review_count() -> int:
    return challenge_counts.by_state().get(ChallengeState.IN_REVIEW, 0)


def _escaped(text: str) -> str:
    """`text` with LIKE's wildcards taken literally (escaped with a backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, text: str):
    return column.ilike(f"%{_escaped(text)}%", escape="\\")


def users_query(q: str = "", show: str = "") -> Select:
    """Accounts, newest first, whose name or email contains `q`; `show` narrows to brokers or inactive ones."""
    stmt = db.select(User).order_by(User.created_at.desc(), User.id.desc())
    if q:
        stmt = stmt.where(db.or_(_contains(User.name, q), _contains(User.email, q)))
    if show == "brokers":
        stmt = stmt.where(User.is_broker.is_(True))
    elif show == "inactive":
        stmt = stmt.where(User.is_active_account.is_(False))
    return stmt


def organisations_query(q: str = "", show: str = "") -> Select:
    """Organisations by name whose name contains `q`; `show` narrows to verified or unverified ones."""
    stmt = db.select(Organisation).order_by(Organisation.name, Organisation.id)
    if q:
        stmt = stmt.where(_contains(Organisation.name, q))
    if show in ("verified", "unverified"):
        stmt = stmt.where(Organisation.verified.is_(show == "verified"))
    return stmt


Actor = aliased(User, name="actor")


def membership_counts(column, ids: list[int]) -> dict[int, int]:
    """How many memberships each of `ids` has, by Membership.user_id or Membership.organisation_id."""
    if not ids:
        return {}
    rows = db.session.execute(db.select(column, db.func.count(Membership.id)).where(column.in_(ids)).group_by(column))
    return dict(rows.all())


def memberships_per_user(users: list[User]) -> dict[int, int]:
    return membership_counts(Membership.user_id, [u.id for u in users])


def memberships_per_organisation(organisations: list[Organisation]) -> dict[int, int]:
    return membership_counts(Membership.organisation_id, [o.id for o in organisations])


def user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def organisation_or_404(org_id: int) -> Organisation:
    return db.get_or_404(Organisation, org_id)


def audit_choices() -> tuple[list[str], list[str]]:
    """The object types and actions present in the log, for the filter lists."""
    types = db.session.scalars(db.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)).all()
    actions = db.session.scalars(db.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    return list(types), list(actions)


def _start_of(day: date) -> datetime:
    """Midnight at the start of `day` in the site's time zone, as a UTC-aware datetime."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(current_app.config["SITE_TIMEZONE"]))


def audit_query(object_type: str = "", action: str = "", actor: str = "", date_from: date | None = None,
                date_to: date | None = None, kind: str = "", ip: str = "") -> Select:
    """The audit log, newest first, narrowed by the filters given (dates are whole days, site time; `kind`
    'security' keeps the security events; `ip` is the start of an address)."""
    stmt = (db.select(AuditEvent).outerjoin(Actor, AuditEvent.actor_id == Actor.id)
            .options(contains_eager(AuditEvent.actor.of_type(Actor)))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if kind == "security":
        stmt = stmt.where(AuditEvent.action.in_(audit.SECURITY_ACTIONS))
    if ip:
        stmt = stmt.where(AuditEvent.ip.like(f"{_escaped(ip)}%", escape="\\"))
    if actor:
        if actor.lower() in ("system", "the system"):
            stmt = stmt.where(AuditEvent.actor_id.is_(None))
        else:
            stmt = stmt.where(db.or_(_contains(Actor.name, actor), _contains(Actor.email, actor)))
    if date_from:
        stmt = stmt.where(AuditEvent.at >= _start_of(date_from))
    if date_to:
        stmt = stmt.where(AuditEvent.at < _start_of(date_to + timedelta(days=1)))
    return stmt


def object_labels(events: list[AuditEvent]) -> dict[tuple[str, int], tuple[str, str | None]]:
    """A readable name (and the endpoint's slug, when it has a page) for each object in `events`."""
    ids: dict[str, set[int]] = {}
    for event in events:
        ids.setdefault(event.object_type, set()).add(event.object_id)
    labels: dict[tuple[str, int], tuple[str, str | None]] = {}
    for model, kind, name in ((Challenge, "challenge", Challenge.title), (Organisation, "organisation", Organisation.name)):
        for oid, label, slug in db.session.execute(
                db.select(model.id, name, model.slug).where(model.id.in_(ids.get(kind, ())))):
            labels[(kind, oid)] = (label, slug)
    for oid, label in db.session.execute(db.select(User.id, User.name).where(User.id.in_(ids.get("user", ())))):
        labels[("user", oid)] = (label, None)
    for oid, label in db.session.execute(
            db.select(Submission.id, Submission.reference).where(Submission.id.in_(ids.get("submission", ())))):
        labels[("submission", oid)] = (label, None)
    return labels


CSV_HEADER = ["id", "at_utc", "actor_id", "actor_email", "action", "object_type", "object_id", "from_state",
              "to_state", "reason", "data", "ip", "user_agent"]


def audit_csv(stmt: Select) -> Iterator[str]:
    """The rows of `stmt` (an audit_query) as CSV text, a chunk at a time, so a long log does not sit in memory."""
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)
    writer.writerow(CSV_HEADER)
    rows = db.session.execute(stmt.add_columns(Actor.email).execution_options(yield_per=500))
    for n, (event, email) in enumerate(rows, start=1):
        writer.writerow((
            event.id, event.at.isoformat(), event.actor_id, email, event.action, event.object_type, event.object_id,
            event.from_state, event.to_state, event.reason, json.dumps(event.data, ensure_ascii=False, sort_keys=True),
            event.ip, event.user_agent,
        ))
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
