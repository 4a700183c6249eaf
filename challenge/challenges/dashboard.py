"""What a signed-in person sees first: what they follow, their organisations' challenges with the next
thing to do, and their submissions. A fixed handful of queries whatever the numbers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, literal_column, null, union_all

from challenge.accounts.models import Organisation
from challenge.challenges.models import Challenge, Follow, Question
from challenge.challenges.services import entries_sql
from challenge.challenges.states import ChallengeState, Phase, phase_of
from challenge.extensions import db
from challenge.permissions import can, roles_of
from challenge.submissions import queries as submission_queries
from challenge.words import count


class ChallengeLine(NamedTuple):
    """A challenge as the board lists it: the columns its rows show, with the organisation's name, read as
    plain rows (no entity, none of the prose)."""
    id: int
    slug: str
    title: str
    state: str
    opens_at: datetime | None
    closes_at: datetime | None
    prize_pool: int
    currency: str
    review_note: str
    organisation_name: str

    def phase(self, now: datetime) -> Phase:
        return phase_of(self.state, self.opens_at, self.closes_at, now)


_LINE = (Challenge.id.label("id"), Challenge.slug, Challenge.title, Challenge.state, Challenge.opens_at,
         Challenge.closes_at, Challenge.prize_pool, Challenge.currency, Challenge.review_note, Organisation.name)

# The board's challenges in one statement, built once (building it cost about as much as running it): those the
# user follows (kind 0), soonest close first, then their organisations' own (kind 1), newest change first, each
# with its entries and unanswered questions. No organisations: the second part matches nothing.
_unanswered = (db.select(db.func.count(Question.id))
               .where(Question.challenge_id == Challenge.id, Question.answer.is_(None)).scalar_subquery())
_followed = (db.select(literal_column("0").label("kind"), *_LINE, null(), null(),
                       Challenge.closes_at.label("soonest"), null().label("newest"))
             .join(Follow, Follow.challenge_id == Challenge.id)
             .join(Organisation, Organisation.id == Challenge.organisation_id)
             .where(Follow.user_id == bindparam("user_id")))
_own = (db.select(literal_column("1"), *_LINE, entries_sql(Challenge.id), _unanswered, null(), Challenge.updated_at)
        .join(Organisation, Organisation.id == Challenge.organisation_id)
        .where(Challenge.organisation_id.in_(bindparam("org_ids", expanding=True))))
_board = union_all(_followed, _own)
_CHALLENGES = _board.order_by(*(_board.selected_columns[name] for name in ("kind", "soonest")),
                              _board.selected_columns.newest.desc(), _board.selected_columns.id.desc())


class ReviewLine(NamedTuple):
    """A challenge waiting for a broker's review, as the board lists it: plain columns, no entity."""
    slug: str
    title: str
    organisation_name: str
    sent_for_review_at: datetime | None


# The challenges waiting for review, the longest-waiting first, built once: with hundreds waiting, loading each
# as an entity with its organisation cost a broker's board most of its time.
_TO_REVIEW = (db.select(Challenge.slug, Challenge.title, Organisation.name, Challenge.sent_for_review_at)
              .join(Organisation, Organisation.id == Challenge.organisation_id)
              .where(Challenge.state == ChallengeState.IN_REVIEW).order_by(Challenge.sent_for_review_at, Challenge.id))


@dataclass
class OwnChallenge:
    challenge: ChallengeLine
    entries: int
    unanswered: int
    next_action: str
    phase: Phase  # worked out once for the row: its badge, its dates and its next action all need it


@dataclass
class Board:
    followed: list[ChallengeLine] = field(default_factory=list)
    own: list[OwnChallenge] = field(default_factory=list)
    submissions: list = field(default_factory=list)  # the user's own and team entries
    has_organisation: bool = False
    to_review: list[ReviewLine] = field(default_factory=list)  # brokers only
    tasks: list = field(default_factory=list)  # invitations waiting for an answer (notifications/tasks.py)
    notices: list = field(default_factory=list)  # what happened since they last looked (notifications/feed.py)
    email_confirmed: bool = True


# The packages above this one add their sections to the board (invitations, notifications): each hook is
# called with the board, the user and the clock once the board is gathered. Registered at start-up.
BOARD_HOOKS: list[Callable[[Board, object, datetime], None]] = []


def next_action(challenge: Challenge | ChallengeLine, phase: Phase, entries: int, unanswered: int) -> str:
    """The one thing the seeker should do next, in words, for a challenge in `phase`."""
    if phase == Phase.DRAFT:
        return "Changes requested: edit and send for review again" if challenge.review_note else \
            "Finish the draft and send it for review"
    if phase in (Phase.UPCOMING, Phase.OPEN) and unanswered:
        return f"Answer {count(unanswered, 'question')}"
    return {
        Phase.IN_REVIEW: "Waiting for a broker to review it",
        Phase.UPCOMING: "Published: it opens soon. Post an update to build interest",
        Phase.OPEN: f"Open, {count(entries, 'entry')} so far",
        Phase.CLOSED: "Closed: start judging",
        Phase.JUDGING: "Judging: the panel is scoring entries",
        Phase.DECIDED: "Awarded: pay the prizes, then mark it completed",
        Phase.COMPLETED: "Completed",
        Phase.CANCELLED: "Cancelled",
    }[phase]


def for_user(user, now: datetime) -> Board:
    board = Board()
    if can(user, "challenge.review", None, now):  # the challenges waiting for this broker's review
        board.to_review = [ReviewLine(*row) for row in db.session.execute(_TO_REVIEW)]
    org_ids = list(roles_of(user))  # read with the signed-in user: no query
    board.has_organisation = bool(org_ids)
    for own, *line, entries, asked, _, _ in db.session.execute(_CHALLENGES, {"user_id": user.id, "org_ids": org_ids}):
        challenge = ChallengeLine(*line)
        if not own:
            board.followed.append(challenge)
        else:
            phase = challenge.phase(now)
            board.own.append(OwnChallenge(challenge, entries, asked, next_action(challenge, phase, entries, asked), phase))
    board.submissions = submission_queries.mine(user)
    for hook in BOARD_HOOKS:
        hook(board, user, now)
    return board
