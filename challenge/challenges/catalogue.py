"""The public catalogue: one query that searches, filters, sorts and paginates published challenges.

The status filter is computed in SQL from the stored state and opens_at/closes_at against `now`, the
same rule as `states.phase_of`, so the catalogue is right on every request without a scheduler.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, bindparam, case, func, literal_column, or_, union_all
from sqlalchemy.orm import joinedload

from challenge.accounts.models import Organisation
from challenge.challenges import counts
from challenge.challenges.models import SECTOR_LABELS, Challenge
from challenge.challenges.search import (LISTED_SEARCH, fts_counted, listed_words_clause, text_clause, words_clause,
                                        words_count, words_values)
from challenge.challenges.states import LISTED_STATES, ChallengeState, Phase, phase_of
from challenge.extensions import db
from challenge.platform.columns import one_of, read_columns
from challenge.platform.hygiene import DB_INT_MAX
from challenge.platform.paging import page_size, page_sizes, sized_values

STATUSES = [("upcoming", "Upcoming"), ("open", "Open"), ("closed", "Closed"), ("awarded", "Awarded")]
SORTS = [("closing", "Closing soonest"), ("newest", "Newest"), ("prize", "Largest prize")]


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

    def filtered(self) -> bool:
        """Whether anything narrows the list (words, a filter or a prize bound); the sort and page do not."""
        return bool(self.q.strip()) or self.narrowed()

    def narrowed(self) -> bool:
        """Whether a filter or a prize bound narrows the list (words aside)."""
        return bool(self.sector or self.status or self.type or self.organisation
                    or self.min_prize is not None or self.max_prize is not None)


class Card(NamedTuple):
    """A challenge as a catalogue card shows it, read as a plain row with its organisation's name: no entity,
    none of the prose but the summary."""
    id: int
    slug: str
    title: str
    summary: str
    sector: str
    prize_pool: int
    currency: str
    state: str
    opens_at: datetime | None
    closes_at: datetime | None
    organisation_name: str

    @property
    def sector_label(self) -> str:
        return SECTOR_LABELS.get(self.sector, self.sector)

    def phase(self, now: datetime) -> Phase:
        return phase_of(self.state, self.opens_at, self.closes_at, now)


_CARD = db.select(Challenge.id, Challenge.slug, Challenge.title, Challenge.summary, Challenge.sector,
                  Challenge.prize_pool, Challenge.currency, Challenge.state, Challenge.opens_at, Challenge.closes_at,
                  Organisation.name).join(Organisation, Organisation.id == Challenge.organisation_id)


def status_clause(status: str, now: datetime):
    """SQL for one catalogue status at `now` (None for none)."""
    if not status:  # most requests: nothing to build
        return None
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


def _order(sort: str, now: datetime):
    if sort == "newest":
        return (Challenge.published_at.desc(), Challenge.id.desc())
    if sort == "prize":
        return (Challenge.prize_pool.desc(), Challenge.id.desc())
    return _closing_order(Challenge.state, Challenge.closes_at, Challenge.id, now)


def _closing_order(state, closes_at, id_, now):
    """Closing soonest: what can still be entered first, by deadline; then the rest, latest closed first (of
    the challenges' own columns, or of the rows `_closing_parts` merged). One CASE a row: the deadline while the
    challenge is open, else NULL, sorted last. (It was an open-or-not flag and then a CASE on that flag: PostgreSQL
    sorting a search's 1,580 matches spent ~0.09 ms of its ~0.75 evaluating them.)"""
    return (case((_open(state, closes_at, now), closes_at), else_=None).asc().nulls_last(), closes_at.desc(), id_)


def _open(state, closes_at, now):
    """Whether a challenge can still be entered: published and before its deadline."""
    return and_(state == ChallengeState.PUBLISHED, closes_at > now)


def search_challenges(params: CatalogueParams, now: datetime, cards: bool = False):
    """The page of listed challenges matching `params`, as a Flask-SQLAlchemy pagination: of challenges, or
    with `cards` of `Card` rows."""
    query, words, dialect = _LISTED_CHALLENGES, params.q.strip(), db.engine.dialect.name
    # Words alone in the default order, as cards (what the search box asks): one statement built once per database,
    # the words its parameter.
    values = (words_values(words, dialect) if cards and words and params.sort == "closing" and not params.narrowed()
              else None)
    if values is not None:
        query = _listed_matching(dialect)
    elif words:
        query = query.where(text_clause(words, dialect))
    if params.sector:
        query = query.where(Challenge.sector == params.sector)
    if params.type:
        query = query.where(Challenge.type == params.type)
    clause = status_clause(params.status, now)
    if clause is not None:
        query = query.where(clause)
    # A bound beyond what the column can hold is compared as the column's largest value: PostgreSQL would
    # refuse a parameter cast to INTEGER that does not fit (a 500 for "up to £99,999,999,999").
    if params.min_prize is not None:
        query = query.where(Challenge.prize_pool >= min(params.min_prize, DB_INT_MAX))
    if params.max_prize is not None:
        query = query.where(Challenge.prize_pool <= min(params.max_prize, DB_INT_MAX))
    if params.organisation:
        query = query.join(Organisation, Challenge.organisation_id == Organisation.id).where(
            Organisation.slug == params.organisation)
    return IdsFirstPagination(select=query, words=values, sort=params.sort, session=db.session,
                              window_count=bool(params.q.strip()), unfiltered=not params.filtered(),
                              by_parts=params.sort == "closing" and not params.q.strip(), now=now, cards=cards,
                              page=max(params.page, 1), per_page=current_app.config["PER_PAGE"],
                              error_out=False, count=True)


# Deeper than this the parts read nearly every row and sorting them again costs more than one sort of all.
PARTS_UP_TO = 500


def _closing_parts(select, now, rows):
    """The ids of `select` in "closing soonest" order, each part read in its index's order.

    The order has a CASE in it (what is still open first, by deadline; then the rest, latest closed first), so no
    index serves it and every request sorted all ~8,500 listed challenges: 3 ms on SQLite, 12 ms on PostgreSQL.
    Cut by state instead: the open part of the published ones, the rest of them, then each later state. Each
    part is ordered the way ix_challenges_state_closes reads (forwards or backwards) and stops after `rows`
    (the page's offset plus its length), and only those few rows are sorted by the full order. `now` and `rows`
    are values, or parameters to bind when it runs.
    """
    published = Challenge.state == ChallengeState.PUBLISHED
    still_open = and_(published, Challenge.closes_at > now)
    latest_first = (Challenge.closes_at.desc(), Challenge.id)
    parts = [select.where(still_open).order_by(Challenge.closes_at, Challenge.id),
             select.where(published, Challenge.closes_at <= now).order_by(*latest_first),
             select.where(published, Challenge.closes_at.is_(None)).order_by(Challenge.id)]
    parts += [select.where(Challenge.state == state).order_by(*latest_first)
              for state in LISTED_STATES if state != ChallengeState.PUBLISHED]
    rows_of = [db.select(p.with_only_columns(Challenge.id, Challenge.state, Challenge.closes_at).limit(rows)
                         .subquery()) for p in parts]
    merged = union_all(*rows_of).subquery()
    return db.select(merged.c.id).order_by(*_closing_order(merged.c.state, merged.c.closes_at, merged.c.id, now))


@lru_cache(maxsize=2)
def _listed_matching(dialect: str):
    """Listed challenges that match the words given as a parameter (search.words_values)."""
    return _LISTED_CHALLENGES.where(words_clause(dialect))


@lru_cache(maxsize=8)
def _search_cards(dialect: str, first: int | None = None):
    """A page of cards of the listed challenges matching the words given as a parameter, closing soonest first,
    with how many match: the catalogue's search, built once per database (for its first page of `first`
    cards with the sizes written in, and for the later pages: platform/paging.page_sizes).

    Both read only the listed challenges' words (migration 0044), each match's state and deadline from narrow rows
    for the sort, and count the matches from the same narrow rows (`search.words_count`), not with a window (which
    keeps every match to be counted before the page is cut). SQLite: the FTS5 table holds the listed challenges alone
    and ix_challenges_search_sort gives each match's state and deadline ("hospital": 2.0 → 1.0 ms). PostgreSQL: the
    matches are rows of LISTED_SEARCH (80 pages, not a page of challenges for each match: 1.4 → 0.7 ms)."""
    order = _order("closing", _NOW)
    n, skip = page_sizes(first)
    if dialect == "sqlite" and first:
        counted = db.select(fts_counted().c.n).scalar_subquery()
        return _with_cards(_first_matches_open_first(n, counted), counted, order)
    if dialect == "sqlite":
        matching = db.select(Challenge.id).where(words_clause(dialect)).order_by(*order)
    else:
        rows = LISTED_SEARCH.c
        matching = (db.select(rows.id).where(listed_words_clause())
                    .order_by(*_closing_order(rows.state, rows.closes_at, rows.id, _NOW)))
    return _with_cards(matching.limit(n).offset(skip).subquery(), words_count(dialect), order)


# From this many matches the search's first page on SQLite reads the open ones in their index's order first.
OPEN_FIRST_FROM = 100


def _first_matches_open_first(n, counted):
    """SQLite: the ids of the first `n` matches of the search's words in "closing soonest" order, as a subquery
    (`counted` their number).

    Sorting every match cost the first page most of its time ("hospital", 1,580 matches: 1.36 ms); but what is
    still open comes first, in deadline order, which ix_challenges_state_closes reads. So with at least
    OPEN_FIRST_FROM matches the open ones are read in that order, and SQLite stops after `n` of them; only when
    they are fewer are the rest sorted (latest closed first) to fill the page (0.57 ms). With fewer matches,
    walking the open ones to find them costs more than sorting them all, which is done instead. Which of the two
    runs is said by each part's LIMIT (none or `n`), which SQLite works out once, before it reads a row (a
    condition in WHERE was asked of every row). SQLite reads the parts of a UNION ALL in turn, and the page stops
    reading once it has `n` rows (tests/challenges/test_search_open_first.py holds the pages to the plain sort's)."""
    matches, many, none = words_clause("sqlite"), counted >= OPEN_FIRST_FROM, literal_column("0")
    still_open = case((_open(Challenge.state, Challenge.closes_at, _NOW), 0), else_=1)  # 0 while it is open
    parts = ((db.select(Challenge.id).where(Challenge.state == ChallengeState.PUBLISHED, Challenge.closes_at > _NOW,
                                            matches).order_by(Challenge.closes_at, Challenge.id),
              case((many, n), else_=none)),
             (db.select(Challenge.id).where(still_open == 1, matches)
              .order_by(Challenge.closes_at.desc(), Challenge.id), case((many, n), else_=none)),
             (db.select(Challenge.id).where(matches).order_by(*_order("closing", _NOW)), case((many, none), else_=n)))
    merged = union_all(*(db.select(part.limit(limit).subquery()) for part, limit in parts)).subquery()
    return db.select(merged.c.id).limit(n).subquery()


def _with_cards(page, total, order):
    """The page's ids (the first column of the subquery `page`) joined to their challenges and organisations and
    sorted again (a page of rows), with `total` beside each row."""
    return _CARD.add_columns(total).join(page, page.c[0] == Challenge.id).order_by(*order)


def _count_of(select):
    """How many rows `select` finds, as a value to put beside others (run once, not per row)."""
    return select.with_only_columns(func.count()).order_by(None).correlate(None).scalar_subquery()


_NOW = bindparam("now", type_=Challenge.closes_at.type)
_LISTED_CHALLENGES = db.select(Challenge).where(one_of(Challenge.state, LISTED_STATES))  # what every search narrows
# Each part names its state, and together they are the listed states: the listed filter is not repeated in all six
# (it made the first page's statement 4,419 bytes long, and psycopg parses a statement longer than 4,096 again on
# every request instead of keeping it: 0.5 ms of a 2.5 ms page on PostgreSQL).
# The page's sizes (the rows a part reads, the page's length and offset) are written into the statement when it runs
# (platform/paging.page_size): while they were parameters PostgreSQL planned it afresh on every request (0.44 ms of
# planning, half the server's CPU for the page).
_LISTED_BY_PARTS = _closing_parts(db.select(Challenge.id), _NOW, page_size("rows"))


@lru_cache(maxsize=4)
def _listed_cards(first: int | None):
    """The catalogue's page as everyone first sees it: cards of the listed challenges, closing soonest first, with
    how many are listed (kept by challenges/counts.py: counting them took 1 ms on PostgreSQL), in one statement
    built once (building it cost a third of running it). For the first page of `first` cards its sizes are
    written in; for the later pages (`first` None) the rows each part reads, the page's length and offset are
    given as `rows`, `n` and `skip` when it runs (platform/paging.page_sizes); `now` always."""
    n, skip = page_sizes(first)
    by_parts = _closing_parts(db.select(Challenge.id), _NOW, n) if first else _LISTED_BY_PARTS
    return _with_cards(by_parts.limit(n).offset(skip).subquery(), counts.listed(), _order("closing", _NOW))


class IdsFirstPagination(Pagination):
    """Sorts and counts narrow rows, then loads only the page's challenges.

    Sorting whole challenge rows (long texts, joined organisation) to reach page 500 took half a second
    on SQLite; sorting ids from a covering index takes a few ms. A text search reads the total from the
    same query (a window count) rather than scanning the texts twice; without one, counting from the
    index is cheaper than the window.
    """

    def _order(self) -> tuple:
        """The sort's ORDER BY, built once by the paths that run one (the first pages' statements build their own)."""
        if "order" not in self._query_args:
            self._query_args["order"] = _order(self._query_args["sort"], self._query_args["now"])
        return self._query_args["order"]

    def _query_items(self) -> list:
        select, now = self._query_args["select"], self._query_args["now"]
        words = self._query_args["words"]
        if words is not None:  # the search box's words alone: the statement built once
            first, sized = sized_values(self.per_page, self._query_offset, {**words, "now": now})
            rows = _rows(_search_cards(db.engine.dialect.name, first), sized)
            self._total_from_items = rows[0][-1] if rows else None
            return [Card(*row[:-1]) for row in rows]
        by_parts = self._query_args["by_parts"] and self._query_offset + self.per_page <= PARTS_UP_TO
        values = {"now": now, "rows": self._query_offset + self.per_page} if by_parts else {}
        if by_parts and self._query_args["unfiltered"] and self._query_args["cards"]:
            first, sized = sized_values(self.per_page, self._query_offset, values)
            rows = _rows(_listed_cards(first), sized)
            self._total_from_items = rows[0][-1] if rows else None
            return [Card(*row[:-1]) for row in rows]
        if by_parts:
            ids_select = (_LISTED_BY_PARTS if self._query_args["unfiltered"]
                          else _closing_parts(select, now, values["rows"]))
        else:
            ids_select = select.with_only_columns(Challenge.id).order_by(*self._order())
        if self._query_args["window_count"]:  # a search: the total from the same rows
            ids_select = ids_select.add_columns(func.count().over())
        ids_select = ids_select.limit(self.per_page).offset(self._query_offset)
        if self._query_args["cards"]:  # the page's cards and the total in one statement
            return self._cards(ids_select, values)
        rows = db.session.execute(ids_select, values).all()
        self._total_from_items = rows[0][1] if rows and len(rows[0]) > 1 else None
        ids = [r[0] for r in rows]
        if not ids:
            return []
        found = {c.id: c for c in db.session.scalars(
            db.select(Challenge).options(joinedload(Challenge.organisation)).where(Challenge.id.in_(ids)))}
        return [found[i] for i in ids]

    def _cards(self, ids_select, values: dict) -> list[Card]:
        """The page as cards with the total: the search's window count, or the filters' count."""
        page = ids_select.subquery()
        total = page.c[1] if self._query_args["window_count"] else _count_of(self._query_args["select"])
        rows = _rows(_with_cards(page, total, self._order()), values)
        self._total_from_items = rows[0][-1] if rows else None
        return [Card(*row[:-1]) for row in rows]

    def _query_count(self) -> int:
        if self._total_from_items is not None:
            return self._total_from_items
        select = self._query_args["select"]  # past the last page: count separately
        return db.session.scalar(select.with_only_columns(func.count()), self._query_args["words"] or {})


def organisations_with_challenges() -> list[tuple[str, str]]:
    """(slug, name) of organisations with at least one listed challenge, by name: the organisation filter's
    suggestions and the API's list."""
    return list(map(tuple, _rows(_ORGANISATIONS)))


def _rows(statement, values: dict | None = None) -> list:
    """The rows of a statement of columns, read around the ORM (columns.read_columns): its handling of the
    organisation filter's 326 rows cost as much as the statement."""
    return read_columns(statement, values).all()


# EXISTS probes ix_challenges_organisation_state once per organisation instead of reading every challenge.
_ORGANISATIONS = (db.select(Organisation.slug, Organisation.name)
                  .where(db.select(Challenge.id).where(Challenge.organisation_id == Organisation.id,
                                                       one_of(Challenge.state, LISTED_STATES)).exists())
                  .order_by(Organisation.name))


def next_change(now: datetime) -> datetime | None:
    """The next moment a published challenge opens or closes: the catalogue's statuses hold until then."""
    published = Challenge.state == ChallengeState.PUBLISHED
    opens = db.select(func.min(Challenge.opens_at)).where(published, Challenge.opens_at > now).scalar_subquery()
    closes = db.select(func.min(Challenge.closes_at)).where(published, Challenge.closes_at > now).scalar_subquery()
    first, second = db.session.execute(db.select(opens, closes)).one()
    return min((m for m in (first, second) if m is not None), default=None)


def organisations_named(text: str) -> list[tuple[str, str]]:
    """(slug, name) of at most two organisations with a listed challenge that `text` names, for the catalogue's
    organisation filter: the one whose slug it is first, then those whose name it is in any case (as the database's
    lower() folds case: SQLite's folds only ASCII letters, so there "Ünï" finds "Ünï" and "ünï" does not)."""
    return list(map(tuple, _rows(_NAMED, {"slug": text.lower(), "name": text})))


_SLUG = bindparam("slug", type_=Organisation.slug.type)
# The slug is found by its unique index; a name by lower(name) (two or more organisations may share one).
_NAMED = (db.select(Organisation.slug, Organisation.name)
          .where(or_(Organisation.slug == _SLUG,
                     func.lower(Organisation.name) == func.lower(bindparam("name", type_=Organisation.name.type))),
                 db.select(Challenge.id).where(Challenge.organisation_id == Organisation.id,
                                               one_of(Challenge.state, LISTED_STATES)).exists())
          .order_by((Organisation.slug == _SLUG).desc(), Organisation.id)
          .limit(2))
