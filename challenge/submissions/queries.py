"""The lists of submissions each kind of reader sees. Which states a seeker sees is defined beside the
states (models.SEEN_BY_SEEKERS); these queries only apply it."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, bindparam, union
from sqlalchemy.orm import aliased, defer, joinedload, load_only, selectinload

from challenge.accounts.models import Organisation, User
from challenge.challenges.models import PROSE, Challenge
from challenge import permissions
from challenge.extensions import db
from challenge.permissions import can
from challenge.platform.paging import paginate_rows
from challenge.submissions.models import (ACTIVE_STATES, SEEN_BY_SEEKERS, Attachment, Submission, SubmissionState,
                                          TeamMember)

STATE_CHOICES = [(s.value, s.label) for s in SubmissionState]


def _with_people(query: Select) -> Select:
    return query.options(selectinload(Submission.owner), selectinload(Submission.organisation),
                         selectinload(Submission.attachments),
                         selectinload(Submission.team).selectinload(TeamMember.user))


def states_for(viewer, challenge: Challenge | None = None) -> tuple[str, ...]:
    """The states the viewer's lists may contain: all for brokers, entered ones for seekers."""
    return tuple(SubmissionState) if can(viewer, "submission.moderate") else SEEN_BY_SEEKERS


def _of_challenge(challenge: Challenge, viewer, state: str | None) -> tuple[Select, tuple[str, ...]]:
    """A challenge's submissions in the states the viewer may list (only `state` when it is one of them), oldest
    entry first; and those states."""
    states = states_for(viewer, challenge)
    if state in states:
        states = (state,)
    return (db.select(Submission).where(Submission.challenge_id == challenge.id, Submission.state.in_(states))
            .order_by(Submission.submitted_at.is_(None), Submission.submitted_at, Submission.id)), states


def for_challenge(challenge: Challenge, viewer, state: str | None = None) -> Select:
    """A challenge's submissions for its seekers (after the close) or a broker, oldest entry first."""
    return _with_people(_of_challenge(challenge, viewer, state)[0])


def challenge_page(challenge: Challenge, viewer, state: str | None, counts: dict[str, int]) -> Pagination:
    """A page of the challenge's list (`for_challenge`) with only what its table shows: the entrant's and the
    organisation's names joined to each entry, its files and team in one statement each, and no count of its
    own (`counts`, from count_by_state, give the total)."""
    stmt, states = _of_challenge(challenge, viewer, state)
    stmt = stmt.options(load_only(Submission.reference, Submission.title, Submission.state, Submission.submitted_at),
                        joinedload(Submission.owner).load_only(User.name),
                        joinedload(Submission.organisation).load_only(Organisation.name),
                        selectinload(Submission.attachments).load_only(Attachment.id),
                        selectinload(Submission.team).load_only(TeamMember.id))
    return paginate_rows(stmt, total=sum(n for name, n in counts.items() if name in states))


def everything(state: str | None = None) -> Select:
    """Every submission on the platform, newest change first (brokers only: the view checks)."""
    query = db.select(Submission).order_by(Submission.updated_at.desc(), Submission.id.desc())
    if state in {s.value for s in SubmissionState}:
        query = query.where(Submission.state == state)
    return _with_people(query.options(selectinload(Submission.challenge)))


def mine(user) -> Select:
    """What the user owns or is on the team of, most recently changed first, as "Your submissions" (the page,
    the dashboard and the API) lists them: with the challenge, the team (for who may read the feedback) and
    none of the entries' or challenges' prose.

    The ids come from a UNION of the two indexed lookups (owner_id, team_members.user_id): written as
    `owner_id = :user OR id IN (team)`, PostgreSQL reads every submission (~30 ms at 112,000 rows)."""
    ids = union(db.select(Submission.id).where(Submission.owner_id == user.id),
                db.select(TeamMember.submission_id).where(TeamMember.user_id == user.id))
    return (
        db.select(Submission).where(Submission.id.in_(ids.scalar_subquery()))
        .options(defer(Submission.summary), defer(Submission.description), selectinload(Submission.team),
                 selectinload(Submission.challenge).options(*(defer(c) for c in PROSE)))
        .order_by(Submission.updated_at.desc(), Submission.id.desc())
    )


def count_by_state(challenge: Challenge, viewer) -> dict[str, int]:
    states = states_for(viewer, challenge)
    rows = db.session.execute(
        db.select(Submission.state, db.func.count(Submission.id))
        .where(Submission.challenge_id == challenge.id, Submission.state.in_(states))
        .group_by(Submission.state)
    ).all()
    return {state: n for state, n in rows}


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
        mine.challenge_id == challenge_id, mine.state.in_(ACTIVE_STATES),
        (mine.owner_id == user_id) | mine.id.in_(team_of))
        .order_by((mine.owner_id == user_id).desc()).limit(1).scalar_subquery())


# entry_of's statement, built once (on the challenge page for every signed-in visitor, building it cost about
# as much as running it).
_ENTRY_OF = db.select(Submission).where(
    Submission.id == entry_id_sql(bindparam("challenge_id"), bindparam("user_id")))


def entry_count(challenge: Challenge, viewer) -> int:
    """How many entries the viewer would see in the challenge's list."""
    return sum(count_by_state(challenge, viewer).values())
