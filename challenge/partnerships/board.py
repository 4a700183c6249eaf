"""Finding partnerships: the broker's filtered board and list, and "my partnerships"."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, load_only

from challenge.accounts.models import Organisation, User
from challenge.extensions import db
from challenge.partnerships.csvout import pounds
from challenge.partnerships.models import Partnership
from challenge.partnerships.states import KIND_LABELS, STAGE_LABELS, Stage
from challenge.permissions import roles_of
from challenge.platform.paging import paginate_rows

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


def _matching(stmt: Select, filters: Filters, user, now: datetime) -> Select:
    """`stmt` narrowed to the partnerships that match the filters."""
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        counterpart_ids = db.select(Organisation.id).where(Organisation.name.ilike(pattern, escape="\\"))
        creator_ids = db.select(User.id).where(User.name.ilike(pattern, escape="\\"))
        stmt = stmt.where(or_(Partnership.title.ilike(pattern, escape="\\"),
                              Partnership.counterpart_id.in_(counterpart_ids),
                              Partnership.creator_id.in_(creator_ids)))
    if filters.kind:
        stmt = stmt.where(Partnership.kind == filters.kind)
    if filters.stage:
        stmt = stmt.where(Partnership.stage == filters.stage)
    if filters.owner == "mine":
        stmt = stmt.where(Partnership.owner_id == user.id)
    elif filters.owner == "unassigned":
        stmt = stmt.where(Partnership.owner_id.is_(None))
    if filters.overdue:
        stmt = stmt.where(Partnership.next_action != "", Partnership.next_action_due < now,
                          Partnership.stage != Stage.CLOSED_LOST)
    return stmt


def _most_urgent_first() -> tuple:
    return Partnership.next_action_due.is_(None), Partnership.next_action_due, Partnership.id


def search_query(filters: Filters, user, now: datetime) -> Select:
    """The partnerships matching the filters, the most urgent next action first."""
    return _matching(_loaded(), filters, user, now).order_by(*_most_urgent_first())


def board_page(filters: Filters, user, now: datetime, per_page: int) -> tuple[Pagination, dict[str, int]]:
    """A page of the board or list (the most urgent next action first) and the count at each stage, which
    also gives the total: two statements. The page is cut from the matching partnerships before the names on
    its cards (not whole accounts and organisations) are joined to it."""
    totals = stage_counts(filters, user, now)

    def page_of(limit: int, offset: int) -> Select:
        cut = _matching(db.select(Partnership.id), filters, user, now).order_by(*_most_urgent_first())
        return db.select(Partnership).where(Partnership.id.in_(cut.limit(limit).offset(offset))).options(
            load_only(Partnership.title, Partnership.kind, Partnership.stage, Partnership.value, Partnership.currency,
                      Partnership.next_action, Partnership.next_action_due, Partnership.closed_reason),
            joinedload(Partnership.creator).load_only(User.name),
            joinedload(Partnership.creator_organisation).load_only(Organisation.name),
            joinedload(Partnership.counterpart).load_only(Organisation.name),
            joinedload(Partnership.owner).load_only(User.name),
        ).order_by(*_most_urgent_first())

    return paginate_rows(page_of, per_page=per_page, total=sum(totals.values())), totals


def search(filters: Filters, user, now: datetime) -> list[Partnership]:
    """Every partnership matching the filters, the most urgent next action first (the CSV and the API)."""
    return list(db.session.scalars(search_query(filters, user, now)).unique())


def stage_counts(filters: Filters, user, now: datetime) -> dict[str, int]:
    """How many partnerships matching the filters are at each stage (every stage, 0 when none)."""
    stmt = _matching(db.select(Partnership.stage, db.func.count()), filters, user, now).group_by(Partnership.stage)
    counts = {s.value: 0 for s in Stage}
    counts.update({str(stage): n for stage, n in db.session.execute(stmt)})
    return counts


def by_stage(partnerships: list[Partnership]) -> dict[str, list[Partnership]]:
    columns: dict[str, list[Partnership]] = {s.value: [] for s in Stage}
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
