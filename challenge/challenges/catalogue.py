"""The public catalogue: one query that searches, filters, sorts and paginates published challenges.

The status filter is computed in SQL from the stored state and opens_at/closes_at against `now`, the
same rule as `states.phase_of`, so the catalogue is right on every request without a scheduler.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, case, false, or_
from sqlalchemy.orm import joinedload

from challenge.accounts.models import Organisation
from challenge.challenges.models import Challenge, search_document
from challenge.challenges.states import ChallengeState
from challenge.extensions import db

# States a visitor can find in the catalogue. Cancelled challenges keep their page but leave the list.
LISTED_STATES = (ChallengeState.PUBLISHED, ChallengeState.JUDGING, ChallengeState.DECIDED, ChallengeState.COMPLETED)
STATUSES = [("upcoming", "Upcoming"), ("open", "Open"), ("closed", "Closed"), ("awarded", "Awarded")]
SORTS = [("closing", "Closing soonest"), ("newest", "Newest"), ("prize", "Largest prize")]
MAX_WORDS = 8


@dataclass
class CatalogueParams:
    q: str = ""
    sector: str = ""
    status: str = ""
    type: str = ""
    min_prize: int | None = None  # minor units
    max_prize: int | None = None
    organisation: str = ""  # slug
    sort: str = "closing"
    page: int = 1


def status_clause(status: str, now: datetime):
    """SQL for one catalogue status at `now`."""
    published = Challenge.state == ChallengeState.PUBLISHED
    if status == "upcoming":
        return and_(published, Challenge.opens_at > now)
    if status == "open":
        return and_(published, or_(Challenge.opens_at.is_(None), Challenge.opens_at <= now),
                    or_(Challenge.closes_at.is_(None), Challenge.closes_at > now))
    if status == "closed":
        return or_(and_(published, Challenge.closes_at <= now), Challenge.state == ChallengeState.JUDGING)
    if status == "awarded":
        return Challenge.state.in_((ChallengeState.DECIDED, ChallengeState.COMPLETED))
    return None


def words(q: str) -> list[str]:
    return re.findall(r"\w[\w'-]*", q)[:MAX_WORDS]


def text_clause(q: str, dialect: str):
    """Full-text search on PostgreSQL (stemmed, with "quotes", OR and -minus); on SQLite every word must
    appear somewhere in the title, summary or problem."""
    if dialect == "postgresql":
        return search_document().op("@@")(db.func.websearch_to_tsquery(db.literal_column("'english'::regconfig"), q))
    found = words(q)
    if not found:
        return false()
    return and_(*(or_(Challenge.title.icontains(w, autoescape=True), Challenge.summary.icontains(w, autoescape=True),
                      Challenge.problem.icontains(w, autoescape=True)) for w in found))


def _order(sort: str, now: datetime):
    if sort == "newest":
        return (Challenge.published_at.desc(), Challenge.id.desc())
    if sort == "prize":
        return (Challenge.prize_pool.desc(), Challenge.id.desc())
    # Closing soonest: what can still be entered first, by deadline; then the rest, latest closed first.
    still_open = case((and_(Challenge.state == ChallengeState.PUBLISHED, Challenge.closes_at > now), 0), else_=1)
    return (still_open, case((still_open == 0, Challenge.closes_at), else_=None).asc(),
            Challenge.closes_at.desc(), Challenge.id)


def search_challenges(params: CatalogueParams, now: datetime):
    """The page of listed challenges matching `params`, as a Flask-SQLAlchemy pagination."""
    query = db.select(Challenge).where(Challenge.state.in_(LISTED_STATES))
    if params.q.strip():
        query = query.where(text_clause(params.q.strip(), db.engine.dialect.name))
    if params.sector:
        query = query.where(Challenge.sector == params.sector)
    if params.type:
        query = query.where(Challenge.type == params.type)
    clause = status_clause(params.status, now)
    if clause is not None:
        query = query.where(clause)
    if params.min_prize is not None:
        query = query.where(Challenge.prize_pool >= params.min_prize)
    if params.max_prize is not None:
        query = query.where(Challenge.prize_pool <= params.max_prize)
    if params.organisation:
        query = query.join(Organisation, Challenge.organisation_id == Organisation.id).where(
            Organisation.slug == params.organisation)
    query = query.options(joinedload(Challenge.organisation)).order_by(*_order(params.sort, now))
    return db.paginate(query, page=max(params.page, 1), per_page=current_app.config["PER_PAGE"],
                       error_out=False, count=True)


def organisations_with_challenges() -> list[tuple[str, str]]:
    """(slug, name) of organisations with at least one listed challenge, for the filter."""
    rows = db.session.execute(
        db.select(Organisation.slug, Organisation.name)
        .where(Organisation.id.in_(db.select(Challenge.organisation_id).where(Challenge.state.in_(LISTED_STATES))))
        .order_by(Organisation.name)
    ).all()
    return [tuple(r) for r in rows]
