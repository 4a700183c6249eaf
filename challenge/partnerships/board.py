"""Finding partnerships: the broker's filtered board and list, and "my partnerships"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Select, String, bindparam, or_
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased, joinedload

from challenge.accounts.models import Organisation, User
from challenge.extensions import db
from challenge.partnerships.csvout import pounds
from challenge.partnerships.models import Partnership
from challenge.partnerships.states import KIND_LABELS, STAGE_LABELS, Stage
from challenge.permissions import roles_of
from challenge.platform.paging import page_size, paginate_rows

OWNER_CHOICES = [("", "Anyone"), ("mine", "Mine"), ("unassigned", "Unassigned")]


@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str = ""
    stage: str = ""
    owner: str = ""
    overdue: bool = False

    @classmethod
    def from_args(cls, args) -> Filters:
        """Read the query string, ignoring values that are not choices (no error for odd links)."""
        kind = args.get("kind", "")
        stage = args.get("stage", "")
        owner = args.get("owner", "")
        return cls(q=args.get("q", "").replace("\x00", "").strip()[:100], kind=kind if kind in KIND_LABELS else "",
                   stage=stage if stage in STAGE_LABELS else "",
                   owner=owner if owner in dict(OWNER_CHOICES) else "", overdue=args.get("overdue") == "1")

    @property
    def active(self) -> bool:
        return bool(self.q or self.kind or self.stage or self.owner or self.overdue)


def _loaded():
    return db.select(Partnership).options(
        joinedload(Partnership.creator), joinedload(Partnership.counterpart),
        joinedload(Partnership.creator_organisation), joinedload(Partnership.owner))


class Shape(NamedTuple):
    """Which filters are in use (not their values): the statements differ by this alone."""
    q: bool = False
    kind: bool = False
    stage: bool = False
    owner: str = ""
    overdue: bool = False


def _shape(filters: Filters) -> Shape:
    return Shape(bool(filters.q), bool(filters.kind), bool(filters.stage), filters.owner, filters.overdue)


def _values(filters: Filters, user, now: datetime) -> dict:
    """The values _matching's statements are run with."""
    pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return {"pattern": pattern, "kind": filters.kind, "stage": filters.stage, "user_id": user.id, "now": now}


def _matching(stmt: Select, shape: Shape) -> Select:
    """`stmt` narrowed to the partnerships that match filters of this shape, their values bound by name (to run
    with _values)."""
    if shape.q:
        pattern = bindparam("pattern", type_=String)
        counterpart_ids = db.select(Organisation.id).where(Organisation.name.ilike(pattern, escape="\\"))
        creator_ids = db.select(User.id).where(User.name.ilike(pattern, escape="\\"))
        stmt = stmt.where(or_(Partnership.title.ilike(pattern, escape="\\"),
                              Partnership.counterpart_id.in_(counterpart_ids),
                              Partnership.creator_id.in_(creator_ids)))
    if shape.kind:
        stmt = stmt.where(Partnership.kind == bindparam("kind"))
    if shape.stage:
        stmt = stmt.where(Partnership.stage == bindparam("stage"))
    if shape.owner == "mine":
        stmt = stmt.where(Partnership.owner_id == bindparam("user_id"))
    elif shape.owner == "unassigned":
        stmt = stmt.where(Partnership.owner_id.is_(None))
    if shape.overdue:
        stmt = stmt.where(Partnership.next_action != "", Partnership.next_action_due < bindparam("now"),
                          Partnership.stage != Stage.CLOSED_LOST)
    return stmt


def _most_urgent_first() -> tuple:
    return Partnership.next_action_due.is_(None), Partnership.next_action_due, Partnership.id


class Named(NamedTuple):
    """A person or organisation on a card: only its name."""
    name: str


class Card(NamedTuple):
    """A partnership as a card or a list row shows it, read as plain columns (no ORM objects): the people and
    organisations carry only their names, under the relationships' names, so the shared macros take either."""
    id: int
    title: str
    kind: str
    stage: str
    value: int
    currency: str
    next_action: str
    next_action_due: datetime | None
    closed_reason: str
    creator: Named
    creator_organisation: Named | None
    counterpart: Named
    owner: Named | None

    @classmethod
    def from_row(cls, row) -> Card:
        *fields, creator, creator_organisation, counterpart, owner = row
        return cls(*fields, Named(creator), _named(creator_organisation), Named(counterpart), _named(owner))

    # The partnership's own labels and rule, over the same attributes.
    stage_label, kind_label, is_overdue = Partnership.stage_label, Partnership.kind_label, Partnership.is_overdue


def _named(name: str | None) -> Named | None:
    return None if name is None else Named(name)


_Creator, _Owner = aliased(User, name="creator"), aliased(User, name="owner")
_CreatorOrganisation = aliased(Organisation, name="creator_organisation")
_Counterpart = aliased(Organisation, name="counterpart")
# The columns of a card, with the names of its creator, their organisation, the counterpart and the owner: built
# once, as each page only narrows it.
_CARDS = (db.select(Partnership.id, Partnership.title, Partnership.kind, Partnership.stage, Partnership.value,
                    Partnership.currency, Partnership.next_action, Partnership.next_action_due,
                    Partnership.closed_reason, _Creator.name, _CreatorOrganisation.name, _Counterpart.name, _Owner.name)
          .join(_Creator, _Creator.id == Partnership.creator_id)
          .outerjoin(_CreatorOrganisation, _CreatorOrganisation.id == Partnership.creator_organisation_id)
          .join(_Counterpart, _Counterpart.id == Partnership.counterpart_id)
          .outerjoin(_Owner, _Owner.id == Partnership.owner_id))


@lru_cache(maxsize=2 * 2 * 2 * 3 * 2)  # one for each shape the filters can take
def _board_statements(shape: Shape) -> tuple[Select, Select]:
    """The counts at each stage and a page of Cards (the most urgent next action first, `n` from `skip`) for
    filters of this shape, built once: building them cost about as much as running them. The page is cut
    from the matching partnerships before the names on its cards are joined to it."""
    counts = _matching(db.select(Partnership.stage, db.func.count()), shape).group_by(Partnership.stage)
    cut = (_matching(db.select(Partnership.id), shape).order_by(*_most_urgent_first())
           .limit(page_size("n")).offset(page_size("skip")))
    return counts, _CARDS.where(Partnership.id.in_(cut)).order_by(*_most_urgent_first())


def board_page(filters: Filters, user, now: datetime, per_page: int) -> tuple[Pagination, dict[str, int]]:
    """A page of the board or list as Cards (the most urgent next action first) and the count at each stage,
    which also gives the total: two statements."""
    counts, cards = _board_statements(_shape(filters))
    values = _values(filters, user, now)
    totals = _counted(counts, values)
    page = paginate_rows(cards, per_page=per_page, total=sum(totals.values()), values=values, paged=True,
                         row=Card.from_row)
    return page, totals


def search(filters: Filters, user, now: datetime) -> list[Partnership]:
    """Every partnership matching the filters, the most urgent next action first (the CSV and the API)."""
    stmt = _matching(_loaded(), _shape(filters)).order_by(*_most_urgent_first())
    return list(db.session.scalars(stmt, _values(filters, user, now)).unique())


def _counted(stmt: Select, values: dict) -> dict[str, int]:
    """How many partnerships matching the filters are at each stage (every stage, 0 when none)."""
    counts = {s.value: 0 for s in Stage}
    counts.update({str(stage): n for stage, n in db.session.execute(stmt, values)})
    return counts


def by_stage(partnerships: list[Card]) -> dict[str, list[Card]]:
    columns: dict[str, list[Card]] = {s.value: [] for s in Stage}
    for p in partnerships:
        columns[p.stage].append(p)
    return columns


def of_user(user) -> list[Partnership]:
    """The partnerships a person is part of: as the creator, or through an organisation of theirs."""
    org_ids = tuple(roles_of(user))
    stmt = _loaded().where(or_(Partnership.creator_id == user.id, Partnership.counterpart_id.in_(org_ids),
                               Partnership.creator_organisation_id.in_(org_ids)))
    return list(db.session.scalars(stmt.order_by(Partnership.updated_at.desc(), Partnership.id.desc())).unique())


def owned_by(user) -> list[Partnership]:
    """A broker's own partnerships (the ones they are the owner of)."""
    return list(db.session.scalars(_loaded().where(Partnership.owner_id == user.id)
                                   .order_by(*_most_urgent_first())).unique())


def list_rows(partnerships: list[Partnership]) -> list[list]:
    """The list as CSV rows, money in pounds."""
    rows = [["ID", "Partnership", "Kind", "Stage", "Creator", "Creator organisation", "Counterpart", "Value (£)",
             "Commission (£)", "Owner", "Next action", "Next action due (UTC)", "Closed reason"]]
    for p in partnerships:
        rows.append([p.id, p.title, p.kind_label, p.stage_label, p.creator.name,
                     p.creator_organisation.name if p.creator_organisation else "", p.counterpart.name,
                     pounds(p.value), pounds(p.commission), p.owner.name if p.owner else "",
                     p.next_action, p.next_action_due.isoformat() if p.next_action_due else "", p.closed_reason])
    return rows
