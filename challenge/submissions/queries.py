"""The lists of submissions each kind of reader sees. Which states a seeker sees is defined beside the
states (models.SEEN_BY_SEEKERS); these queries only apply it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, bindparam, union
from sqlalchemy.orm import aliased, load_only, selectinload

from challenge import permissions
from challenge.accounts.models import Organisation, User
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform.columns import one_of
from challenge.platform.paging import page_size, paginate_rows
from challenge.submissions.models import (ACTIVE_STATES, SEEN_BY_SEEKERS, Attachment, Submission, SubmissionCount,
                                          SubmissionState, TeamMember)

STATE_CHOICES = [(s.value, s.label) for s in SubmissionState]


def _with_people(query: Select) -> Select:
    return query.options(selectinload(Submission.owner), selectinload(Submission.organisation),
                         selectinload(Submission.attachments),
                         selectinload(Submission.team).selectinload(TeamMember.user))


def states_for(viewer, challenge: Challenge | None = None) -> tuple[str, ...]:
    """The states the viewer's lists may contain: all for brokers, entered ones for seekers."""
    return tuple(SubmissionState) if can(viewer, "submission.moderate") else SEEN_BY_SEEKERS


def _listed_states(challenge: Challenge, viewer, state: str | None) -> list[str]:
    """The states the viewer may list in the challenge's list: only `state` when it is one of them."""
    states = states_for(viewer, challenge)
    return [state] if state in states else list(states)


# A challenge's submissions in some states (bound: challenge_id, states), oldest entry first; built once.
_OF_CHALLENGE = (db.select(Submission)
                 .where(Submission.challenge_id == bindparam("challenge_id"),
                        Submission.state.in_(bindparam("states", expanding=True)))
                 .order_by(Submission.submitted_at.is_(None), Submission.submitted_at, Submission.id))


def for_challenge(challenge: Challenge, viewer, state: str | None = None) -> Select:
    """A challenge's submissions for its seekers (after the close) or a broker, oldest entry first."""
    return _with_people(_OF_CHALLENGE).params(challenge_id=challenge.id,
                                              states=_listed_states(challenge, viewer, state))


class EntryLine(NamedTuple):
    """One row of the table of entries (templates/submissions/_table.html): the columns it shows, read in the
    page's one statement instead of each entry with its entrant, organisation, team and files."""
    reference: str
    title: str
    state: str
    submitted_at: datetime | None
    owner_name: str
    organisation_name: str | None
    team_size: int
    files: int
    challenge_slug: str | None = None  # the broker's list of everything has a column for the challenge
    challenge_title: str | None = None


_team_size = (db.select(db.func.count(TeamMember.id)).where(TeamMember.submission_id == Submission.id)
              .scalar_subquery())
_files = db.select(db.func.count(Attachment.id)).where(Attachment.submission_id == Submission.id).scalar_subquery()


def _as_lines(stmt: Select, *more) -> Select:
    """`stmt` (submissions filtered and ordered) selecting an EntryLine's columns instead, then `more`."""
    return (stmt.with_only_columns(Submission.reference, Submission.title, Submission.state, Submission.submitted_at,
                                   User.name, Organisation.name, _team_size, _files, *more)
            .join_from(Submission, User, User.id == Submission.owner_id)
            .outerjoin(Organisation, Organisation.id == Submission.organisation_id))


def _lines_page(stmt: Select | Callable[[int, int], Select], total: int, values: dict | None = None) -> Pagination:
    return paginate_rows(stmt, total=total, values=values, row=lambda row: EntryLine(*row))


def challenge_page(challenge: Challenge, viewer, state: str | None, counts: dict[str, int]) -> Pagination:
    """A page of the challenge's list (`for_challenge`) as EntryLines, in one statement and no count of its own
    (`counts`, from count_by_state, give the total)."""
    states = _listed_states(challenge, viewer, state)
    return _lines_page(_CHALLENGE_LINES, values={"challenge_id": challenge.id, "states": states},
                       total=sum(n for name, n in counts.items() if name in states))


_CHALLENGE_LINES = _as_lines(_OF_CHALLENGE)


def _everything(state: str | None) -> Select:
    query = db.select(Submission).order_by(Submission.updated_at.desc(), Submission.id.desc())
    return query.where(Submission.state == state) if state in {s.value for s in SubmissionState} else query


def everything_page(state: str | None = None) -> Pagination:
    """Every submission on the platform, newest change first (brokers only: the view checks), a page of
    EntryLines with their challenge: the page's ids cut first (so the files and team are counted for its rows
    only), the total from the kept counts (submissions/counts.py)."""
    def page(limit: int, offset: int) -> Select:
        ids = _everything(state).with_only_columns(Submission.id).limit(page_size("n", limit)).offset(
            page_size("skip", offset)).subquery()
        return (_as_lines(_everything(state), Challenge.slug, Challenge.title)
                .join(Challenge, Challenge.id == Submission.challenge_id)
                .where(Submission.id.in_(db.select(ids.c.id))))

    total = db.select(db.func.coalesce(db.func.sum(SubmissionCount.n), 0))
    if state in {s.value for s in SubmissionState}:
        total = total.where(SubmissionCount.state == state)
    return _lines_page(page, total=db.session.scalar(total))


@dataclass(frozen=True, slots=True)
class MyEntry:
    """One line of "Your submissions": the entry's own columns, its challenge (an entity with only what the
    lists show: the judging rules and outcomes read it) and its team's user ids."""
    id: int
    reference: str
    title: str
    state: str
    owner_id: int
    challenge_id: int
    submitted_at: datetime | None
    challenge: Challenge
    team_ids: tuple[int, ...]

    def member_ids(self) -> set[int]:
        """As Submission.member_ids: the owner and the team."""
        return {self.owner_id, *self.team_ids}


def mine(user) -> list[MyEntry]:
    """What the user owns or is on the team of, most recently changed first, as "Your submissions" (the page,
    the dashboard and the API) lists them: in one statement, with the challenge's listed columns and the team
    joined (a row per team member, folded here), none of the entries' or challenges' prose.

    The ids come from a UNION of the two indexed lookups (owner_id, team_members.user_id): written as
    `owner_id = :user OR id IN (team)`, PostgreSQL reads every submission (~30 ms at 112,000 rows)."""
    lines: dict[int, tuple] = {}
    teams: dict[int, list[int]] = {}
    for *entry, challenge, member in db.session.execute(_MINE, {"user_id": user.id}):
        if entry[0] not in lines:
            lines[entry[0]], teams[entry[0]] = (*entry, challenge), []
        if member is not None:
            teams[entry[0]].append(member)
    return [MyEntry(*line, tuple(teams[sid])) for sid, line in lines.items()]


# mine's statement, built once (as _ENTRY_OF below: building it cost about as much as running it).
_mine_ids = union(db.select(Submission.id).where(Submission.owner_id == bindparam("user_id")),
                  db.select(TeamMember.submission_id).where(TeamMember.user_id == bindparam("user_id")))
_MINE = (
    db.select(Submission.id, Submission.reference, Submission.title, Submission.state, Submission.owner_id,
              Submission.challenge_id, Submission.submitted_at, Challenge, TeamMember.user_id)
    .join(Challenge, Challenge.id == Submission.challenge_id)
    .outerjoin(TeamMember, TeamMember.submission_id == Submission.id)
    .where(Submission.id.in_(_mine_ids.scalar_subquery()))
    .options(load_only(Challenge.slug, Challenge.title, Challenge.state, Challenge.opens_at, Challenge.closes_at,
                       Challenge.feedback_to_entrants))
    .order_by(Submission.updated_at.desc(), Submission.id.desc(), TeamMember.id)
)


def count_by_state(challenge: Challenge, viewer) -> dict[str, int]:
    """How many of the challenge's submissions are in each state the viewer may list (states with none left out)."""
    rows = db.session.execute(_COUNT_BY_STATE, {"challenge_id": challenge.id,
                                                "states": list(states_for(viewer, challenge))})
    return {state: n for state, n in rows}


_COUNT_BY_STATE = (db.select(Submission.state, db.func.count(Submission.id))
                   .where(Submission.challenge_id == bindparam("challenge_id"),
                          Submission.state.in_(bindparam("states", expanding=True)))
                   .group_by(Submission.state))


def entry_of(challenge: Challenge, user) -> Submission | None:
    """The user's active entry to the challenge, or the one they are in the team of (their own first)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return permissions.memo("entry_of", (challenge.id, user.id), lambda: db.session.scalar(
        _ENTRY_OF, {"challenge_id": challenge.id, "user_id": user.id}))


def entry_id_sql(challenge_id, user_id):
    """The id of `entry_of`'s entry as a scalar subquery, for a statement that reads the challenge too
    (`challenge_id` may be its column; `user_id` a bound parameter). It reads its own alias of submissions,
    so it correlates with nothing but the challenge even beside a join to the entry it names."""
    mine = aliased(Submission)
    team_of = db.select(TeamMember.submission_id).where(TeamMember.user_id == user_id)
    return (db.select(mine.id).where(
        mine.challenge_id == challenge_id, one_of(mine.state, ACTIVE_STATES),
        (mine.owner_id == user_id) | mine.id.in_(team_of))
        .order_by((mine.owner_id == user_id).desc()).limit(1).scalar_subquery())


# entry_of's statement, built once (on the challenge page for every signed-in visitor, building it cost about
# as much as running it).
_ENTRY_OF = db.select(Submission).where(
    Submission.id == entry_id_sql(bindparam("challenge_id"), bindparam("user_id")))


def entry_count(challenge: Challenge, viewer) -> int:
    """How many entries the viewer would see in the challenge's list."""
    return sum(count_by_state(challenge, viewer).values())
