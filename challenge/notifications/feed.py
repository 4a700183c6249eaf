"""A person's notification list, read from the append-only audit log: what happened to their entries,
their organisations' challenges, the challenges they follow or asked about, and their panels, since they
last looked.

Derived, not copied: each service already records what it did (`platform/audit.record`) in its own unit of
work, so the list can never say something that was rolled back. Only the events named below are shown,
and never one the person did themselves. Outcomes are deliberately absent: a decision, a shortlist or an
award is recorded before the results are published, so an entrant hears their outcome only from the
publication, through `services.notify` (the `notification.sent` events addressed to them).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import and_, bindparam, literal_column, null, or_, type_coerce, union_all
from sqlalchemy.engine import Row
from sqlalchemy.orm import joinedload

from challenge.accounts.models import User
from challenge.accounts.services import user_fact
from challenge.challenges.models import Challenge, Question
from challenge.extensions import db
from challenge.judging.models import PanelMember, Round
from challenge.notifications.models import NoticesSeen
from challenge.notifications.services import NOTIFIED
from challenge.platform.links import row_link
from challenge.platform.models import AuditEvent
from challenge.submissions.models import Submission
from challenge.types import UTCDateTime
from challenge.words import count

WINDOW = timedelta(days=90)
LIMIT = 30

# What happened to an entry one is in, by someone else (never its outcome: see the module's docstring).
ENTRY_EVENTS = {
    "submission.disqualify": "Your entry {ref} “{title}” was disqualified. The reason is on its page.",
    "submission.withdraw": "{actor} withdrew the entry {ref} “{title}”.",
    "submission.team_join": "{actor} joined the team of your entry {ref} “{title}”.",
}
# What happened to one's organisation's challenge, by someone else.
SEEKER_EVENTS = {
    "challenge.publish": "Your challenge “{title}” was published.",
    "challenge.request_changes": "A broker asked for changes to your challenge “{title}”.",
    "challenge.start_judging": "Judging has started for “{title}”.",
    "challenge.complete": "“{title}” was marked completed.",
    "challenge.cancel": "“{title}” was cancelled.",
    "challenge.ask": "Someone asked a question about “{title}”.",
}
FOLLOWER_EVENTS = {
    "challenge.post_update": "New update on “{title}”, a challenge you follow.",
    "challenge.cancel": "“{title}”, a challenge you follow, was cancelled.",
}


@dataclass
class Notice:
    at: datetime
    message: str
    url: str
    new: bool = False


@dataclass
class Scope:
    """The things a person hears about: their entries, challenges (own, followed, asked about) and panels.

    Of the challenges asked about and the seats on the panels of one's own challenges only the ids are read
    first, with when the person last looked (`seen`); the objects are loaded for the events that name them
    (`_resolve`), after the events are read."""

    user: User
    entries: dict[int, Submission]
    own: dict[int, Challenge]
    followed: dict[int, Challenge]
    seats: dict[int, PanelMember]
    rounds: dict[int, Round]
    asked_ids: set[int] = field(default_factory=set)
    panel_ids: set[int] = field(default_factory=set)  # seats on the panels of one's own challenges
    asked: dict[int, Challenge] = field(default_factory=dict)
    panels: dict[int, PanelMember] = field(default_factory=dict)
    questions: dict[int, Question] = field(default_factory=dict)  # the questions answered in the events read
    seen: datetime | None = None  # when they last marked their notifications as seen (services.mark_seen)


# The challenge a seat is on, for the words and link of its events: the board's challenges are plain rows (not
# in the session), so reading `seat.challenge` one seat at a time would cost a statement per event.
_WITH_CHALLENGE = joinedload(PanelMember.challenge).load_only(Challenge.title, Challenge.slug)


def scope_of(user: User, entries: list[Submission], own: list[Challenge], followed: list[Challenge],
             rows: list | None = None) -> Scope:
    """The person's scope; `entries`, `own` and `followed` are what the dashboard has already loaded, `rows` those
    of `scope_parts` when the caller read them with other things (notifications/board.py)."""
    seats = list(db.session.scalars(db.select(PanelMember).where(PanelMember.user_id == user.id)
                                    .options(_WITH_CHALLENGE))) \
        if user_fact("on_a_panel", user) else []  # read with the signed-in user: most people sit on no panel
    rounds = db.session.scalars(db.select(Round).where(Round.challenge_id.in_([s.challenge_id for s in seats]))
                                ) if seats else []
    scope = Scope(user, {s.id: s for s in entries}, {c.id: c for c in own}, {c.id: c for c in followed},
                  {s.id: s for s in seats}, {r.id: r for r in rounds})
    if rows is None:
        rows = db.session.execute(union_all(*scope_parts(bool(own))), {"user_id": user.id, "own": list(scope.own)})
    for kind, oid, at, *_ in rows:
        if kind == SEEN:
            scope.seen = at
        else:
            (scope.panel_ids if kind == PANEL_SEAT else scope.asked_ids).add(oid)
    return scope


ASKED, PANEL_SEAT, SEEN = 3, 4, 5  # the kinds of scope_parts' rows (after tasks.waiting_parts' 0-2)


def scope_parts(with_own: bool) -> list:
    """The parts of the statement reading the ids of the challenges the person asked about and of the seats on
    their own challenges' panels, with when they last looked (the rows `scope_of` takes; parameters user_id and
    own, the ids of their own challenges). Ids, not subqueries of the audit-log statement: PostgreSQL would then
    read every event on a challenge."""
    no_time = type_coerce(null(), UTCDateTime)
    user_id = bindparam("user_id")
    parts = [db.select(literal_column(str(SEEN)), NoticesSeen.user_id, NoticesSeen.seen_at)
             .where(NoticesSeen.user_id == user_id),
             db.select(literal_column(str(ASKED)), Question.challenge_id, no_time)
             .where(Question.asked_by_id == user_id)]
    if with_own:
        parts.append(db.select(literal_column(str(PANEL_SEAT)), PanelMember.id, no_time)
                     .where(PanelMember.challenge_id.in_(bindparam("own", expanding=True))))
    return parts


# The events a person hears of beside those addressed to them, by someone else: the parameter naming the ids of
# the objects (`_ids`), the kind of object, the actions.
_KINDS = (("entries", "submission", tuple(ENTRY_EVENTS)),
          ("own", "challenge", tuple(SEEKER_EVENTS)),
          ("followed", "challenge", tuple(FOLLOWER_EVENTS)),
          ("asked", "challenge", ("challenge.answer",)),
          ("seats", "panelmember", ("judging.chair_appointed",)),
          ("panels", "panelmember", ("judging.joined",)),
          ("rounds", "round", ("judging.round_opened",)))


def _ids(scope: Scope) -> dict[str, list[int]]:
    return {"entries": list(scope.entries), "own": list(scope.own),
            "followed": list(scope.followed.keys() - scope.own.keys()), "asked": list(scope.asked_ids),
            "seats": list(scope.seats), "panels": list(scope.panel_ids), "rounds": list(scope.rounds)}


@cache
def _read_statement(kinds: tuple[str, ...]):
    """One statement for the whole list: the newest LIMIT events for the person, each with its actor's name (kind
    0), and, when they have challenges of their own, every entry submitted to those (kind 1: its challenge's id in
    `object_id`, as a union's columns are named by its first part). Only the kinds of `kinds` (those with ids:
    most people have no seats, rounds or questions) are in it; built once for each such shape."""
    user_id, since = bindparam("user_id"), bindparam("since", type_=UTCDateTime)
    wanted = and_(AuditEvent.object_type == "user", AuditEvent.object_id == user_id, AuditEvent.action == NOTIFIED)
    theirs = [and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(bindparam(name, expanding=True)),
                   AuditEvent.action.in_(actions)) for name, kind, actions in _KINDS if name in kinds]
    if theirs:
        by_others = or_(AuditEvent.actor_id.is_(None), AuditEvent.actor_id != user_id)
        wanted = or_(wanted, and_(by_others, or_(*theirs)))
    latest = (db.select(AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, AuditEvent.action, AuditEvent.object_type,
                        AuditEvent.object_id, AuditEvent.data)
              .where(AuditEvent.at >= since, wanted)
              .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(LIMIT).subquery())
    events = (db.select(literal_column("0").label("kind"), *latest.c, User.name.label("actor_name"))
              .select_from(latest).outerjoin(User, User.id == latest.c.actor_id))
    if "own" not in kinds:
        return events
    submitted = (db.select(literal_column("1"), null(), AuditEvent.at, null(), null(), null(), Submission.challenge_id,
                           null(), null())
                 .join(Submission, and_(AuditEvent.object_type == "submission", AuditEvent.object_id == Submission.id))
                 .where(AuditEvent.action == "submission.submit", AuditEvent.at >= since,
                        Submission.challenge_id.in_(bindparam("own", expanding=True))))
    return union_all(events, submitted)


def _read(scope: Scope, since: datetime):
    """The rows of `_read_statement` for this person."""
    ids = {name: found for name, found in _ids(scope).items() if found}
    return db.session.execute(_read_statement(tuple(ids)), {"user_id": scope.user.id, "since": since, **ids})


def _resolve(scope: Scope, events: list[Row]) -> None:
    """Load what the events read are about and the scope does not hold yet: one statement per kind, if any."""
    answers = [e for e in events if e.action == "challenge.answer"]
    missing = {e.object_id for e in answers} - scope.own.keys() - scope.followed.keys()
    if missing:
        scope.asked = {c.id: c for c in db.session.scalars(db.select(Challenge).where(Challenge.id.in_(missing)))}
    question_ids = {e.data.get("question_id") for e in answers} - {None}
    if question_ids:
        scope.questions = {q.id: q for q in db.session.scalars(db.select(Question).where(
            Question.id.in_(question_ids)))}
    joined = {e.object_id for e in events if e.object_type == "panelmember" and e.action == "judging.joined"}
    if joined:
        scope.panels = {p.id: p for p in db.session.scalars(
            db.select(PanelMember).where(PanelMember.id.in_(joined)).options(_WITH_CHALLENGE))}


def _linker() -> Callable[..., str]:
    """`link(endpoint, vary, value, **values)`: url_for(endpoint, **values, vary=value), each kind of link built once
    for the list (platform/links.row_link) rather than once per line."""
    built: dict[tuple, Callable[[object], str]] = {}

    def link(endpoint: str, vary: str, value, **values) -> str:
        key = (endpoint, vary, *values.items())
        if key not in built:
            built[key] = row_link(endpoint, vary, **values)
        return built[key](value)
    return link


def _said(event: Row, scope: Scope, link: Callable[..., str]) -> tuple[str, str] | None:
    """The event in words, with its link; None when it is not for this person after all."""
    actor = event.actor_name or "Someone"
    if event.action == NOTIFIED:
        return event.data.get("message", ""), event.data.get("url") or url_for("challenges.dashboard")
    if event.object_type == "submission":
        sub = scope.entries[event.object_id]
        return (ENTRY_EVENTS[event.action].format(actor=actor, ref=sub.reference, title=sub.title),
                link("submissions.show", "ref", sub.reference))
    if event.object_type == "challenge":
        challenge = scope.own.get(event.object_id) or scope.followed.get(event.object_id) \
            or scope.asked[event.object_id]
        if event.action == "challenge.answer":
            question = scope.questions.get(event.data.get("question_id"))
            if question is None or question.asked_by_id != scope.user.id:
                return None
            return (f"Your question about “{challenge.title}” was answered.",
                    link("challenges.show", "slug", challenge.slug, _anchor="questions"))
        words = SEEKER_EVENTS if challenge.id in scope.own else FOLLOWER_EVENTS
        return words[event.action].format(title=challenge.title), link("challenges.show", "slug", challenge.slug)
    if event.object_type == "panelmember" and event.action == "judging.joined":
        challenge = scope.panels[event.object_id].challenge
        return (f"{actor} joined the judging panel of “{challenge.title}”.",
                link("judging.setup", "slug", challenge.slug))
    if event.object_type == "panelmember":
        challenge = scope.seats[event.object_id].challenge
        return (f"You now chair the judging panel of “{challenge.title}”.",
                link("judging.setup", "slug", challenge.slug))
    round_ = scope.rounds[event.object_id]
    return (f"Round {round_.position} of “{round_.challenge.title}” is open: your entries to score are in "
            "your queue.", link("judging.queue", "slug", round_.challenge.slug))


def _new_entries(scope: Scope, submitted: list[Row], seen: datetime | None, link: Callable[..., str]) -> list[Notice]:
    """"3 new entries to …": the entries submitted to the person's organisations' challenges, one line per
    challenge since they last looked (and one per challenge for those before)."""
    groups: dict[tuple[int, bool], list[datetime]] = defaultdict(list)
    for row in submitted:
        groups[(row.object_id, seen is None or row.at > seen)].append(row.at)
    notices = []
    for (challenge_id, new), times in groups.items():
        challenge, n = scope.own[challenge_id], len(times)
        what = count(n, "new entry") if new else count(n, "entry")
        notices.append(Notice(max(times), f"{what} to “{challenge.title}”.",
                              link("challenges.show", "slug", challenge.slug), new))
    return notices


def notices(scope: Scope, now: datetime, seen: datetime | None) -> list[Notice]:
    """The person's notifications of the last 90 days, newest first; `new` marks those after `seen`."""
    events, submitted = [], []
    for row in _read(scope, now - WINDOW):
        (submitted if row.kind else events).append(row)
    events.sort(key=lambda e: (e.at, e.id), reverse=True)  # the union keeps no order
    _resolve(scope, events)
    found, link = [], _linker()
    for event in events:
        said = _said(event, scope, link)
        if said:
            found.append(Notice(event.at, said[0], said[1], seen is None or event.at > seen))
    found += _new_entries(scope, submitted, seen, link)
    found.sort(key=lambda n: n.at, reverse=True)
    return found[:LIMIT]
