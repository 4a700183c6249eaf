"""Factories for the things tests need: users, organisations, challenges (in each state), submissions,
panels (a rubric and rounds, a seat on the panel), and a reader of the mail outbox.

Used as fixtures (`make_user`, `make_org`, `make_challenge`, `make_submission`, `rubric_for`, `seat`,
`outbox`) so each test reads like the people in it. The one place tests make these things: a package's
conftest builds its world from them.
"""
from __future__ import annotations

import itertools
import re
import secrets
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from challenge import clock
from challenge.accounts.models import Membership, Organisation, User
from challenge.accounts.services import hash_password
from challenge.challenges.models import Challenge, Prize
from challenge.extensions import db
from challenge.judging.models import Criterion, PanelMember, Round
from challenge.judging.presets import generic_levels
from challenge.platform.models import OutboxMessage
from challenge.submissions.models import Submission, TeamMember

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _password_hash() -> str:
    if PASSWORD not in _hash_cache:
        _hash_cache[PASSWORD] = hash_password(PASSWORD)
    return _hash_cache[PASSWORD]


@pytest.fixture()
def make_user(app):
    """`make_user(...)`; a broker has an authenticator app (sign-in codes) unless `second_factor=False`."""

    def make(name: str | None = None, email: str | None = None, *, broker: bool = False,
             second_factor: bool | None = None, confirmed: bool = True) -> User:
        n = next(_counter)
        user = User(
            name=name or f"Person {n}", email=email or f"person{n}@example.org", password_hash=_password_hash(),
            is_broker=broker, session_token=secrets.token_hex(16), created_at=clock.now(),
            email_confirmed_at=clock.now() if confirmed else None,
        )
        db.session.add(user)
        db.session.flush()
        if broker if second_factor is None else second_factor:
            give_second_factor(user)
        db.session.commit()
        return user

    return make


def give_second_factor(user: User, secret: str | None = None) -> str:
    """Set up an authenticator for `user` as if they had scanned its QR code; returns the secret."""
    from challenge.accounts import twofactor
    from challenge.accounts.models import SecondFactor

    secret = secret or twofactor.new_secret()
    db.session.add(SecondFactor(user_id=user.id, secret_encrypted=twofactor.SECRETS.seal(secret),
                                confirmed_at=clock.now(), last_step=0, created_at=clock.now()))
    db.session.flush()
    return secret


def second_factor_code(user_id: int) -> str:
    """A code the user's authenticator app would show now, of a step not used yet (waits a moment if need be)."""
    import time

    import pyotp

    from challenge.accounts import twofactor
    from challenge.accounts.models import SecondFactor

    db.session.rollback()  # see what the app committed since
    factor = db.session.scalar(db.select(SecondFactor).where(SecondFactor.user_id == user_id))
    totp = pyotp.TOTP(twofactor.secret_of(factor))
    while totp.timecode(clock.now()) + 1 <= factor.last_step:
        time.sleep(1)
    return totp.generate_otp(max(totp.timecode(clock.now()), factor.last_step + 1))


@pytest.fixture()
def make_org(app):
    def make(*members: User, name: str | None = None, kind: str = "local_authority", owner: User | None = None
             ) -> Organisation:
        n = next(_counter)
        org = Organisation(name=name or f"Organisation {n}", slug=f"org-{n}", kind=kind, created_at=clock.now())
        db.session.add(org)
        db.session.flush()
        if owner is not None:
            db.session.add(Membership(user_id=owner.id, organisation_id=org.id, role="owner", created_at=clock.now()))
        for member in members:
            db.session.add(Membership(user_id=member.id, organisation_id=org.id, role="member",
                                      created_at=clock.now()))
        db.session.commit()
        return org

    return make


@pytest.fixture()
def make_challenge(app):
    """A challenge of `org` in `state`; 'open' (the default), 'upcoming' and 'closed' are published ones
    placed in time around now."""

    def make(org: Organisation, state: str = "open", *, title: str | None = None, prizes=((500_000, 1),),
             author: User | None = None, **fields) -> Challenge:
        n = next(_counter)
        now = clock.now()
        opens, closes = now - timedelta(days=10), now + timedelta(days=10)
        stored = state
        if state == "open":
            stored = "published"
        elif state == "upcoming":
            stored, opens, closes = "published", now + timedelta(days=2), now + timedelta(days=30)
        elif state in ("closed",):
            stored, opens, closes = "published", now - timedelta(days=30), now - timedelta(days=1)
        elif state in ("judging", "decided", "completed"):
            opens, closes = now - timedelta(days=30), now - timedelta(days=1)
        if author is None:
            author_id = db.session.scalar(db.select(Membership.user_id).where(Membership.organisation_id == org.id))
        else:
            author_id = author.id
        challenge = Challenge(
            organisation_id=org.id, created_by_id=author_id, title=title or f"Challenge {n}", slug=f"challenge-{n}",
            summary="A problem worth solving.", problem="Too many people are **lonely**.",
            opens_at=opens, closes_at=closes, state=stored, created_at=now, updated_at=now,
            published_at=now if stored not in ("draft", "in_review") else None, **fields,
        )
        for position, (amount, winners) in enumerate(prizes, start=1):
            challenge.prizes.append(Prize(name=f"Prize {position}", amount=amount, winners=winners,
                                          position=position))
        db.session.add(challenge)
        db.session.commit()
        return challenge

    return make


@pytest.fixture()
def make_submission(app):
    def make(challenge: Challenge, owner: User, state: str = "submitted", *, team: tuple[User, ...] = (),
             title: str | None = None, organisation: Organisation | None = None) -> Submission:
        n = next(_counter)
        now = clock.now()
        sub = Submission(
            challenge_id=challenge.id, owner_id=owner.id, reference=f"CX-T-{n:05d}", title=title or f"Solution {n}",
            summary="An idea.", description="It works like this.", eligibility_confirmed=True, terms_accepted=True,
            state=state, submitted_at=now if state != "draft" else None, created_at=now, updated_at=now,
            organisation_id=organisation.id if organisation else None,
        )
        for member in team:
            sub.team.append(TeamMember(user_id=member.id))
        db.session.add(sub)
        db.session.commit()
        return sub

    return make


#: A rubric a public body's challenge may be published with: social value carries 10 % (PPN 002).
PUBLISHABLE = (("Impact", 60), ("Feasibility", 30), ("Social value", 10, True))


@pytest.fixture()
def rubric_for(app):
    """`rubric_for(challenge, criteria=((name, weight), …), scale=(min, max), rounds=({field: value}, …))`
    gives the challenge its criteria and rounds; returns (criteria, rounds). A criterion given as
    (name, weight, True) is a social value one (PUBLISHABLE: a public body's rubric that may go live)."""

    def make(challenge, criteria=(("Impact", 60), ("Feasibility", 40)), scale=(0, 4), rounds=({"name": "Assessment"},)):
        made = [Criterion(challenge_id=challenge.id, position=i, name=spec[0], weight=spec[1], scale_min=scale[0],
                          scale_max=scale[1], levels=generic_levels(*scale), social_value=len(spec) > 2 and spec[2])
                for i, spec in enumerate(criteria, 1)]
        made_rounds = [Round(challenge_id=challenge.id, position=i, seed=7, **spec) for i, spec in enumerate(rounds, 1)]
        db.session.add_all(made + made_rounds)
        db.session.commit()
        return made, made_rounds

    return make


@pytest.fixture()
def seat(app):
    """`seat(challenge, user, role="judge")` puts `user` on the challenge's panel, as if they had accepted."""

    def make(challenge, user, role="judge", service_user=False) -> PanelMember:
        member = PanelMember(challenge_id=challenge.id, user_id=user.id, role=role, service_user=service_user,
                             joined_at=clock.now())
        db.session.add(member)
        db.session.commit()
        return member

    return make


def mails(to: str | None = None) -> list[OutboxMessage]:
    """The messages queued so far (to `to` only, if given), oldest first."""
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_email == to)
    return list(db.session.scalars(query))


class Outbox:
    """`outbox()` or `outbox(to)`: the messages queued so far, oldest first; `outbox.link(message)` the
    first link in one, `outbox.path(message)` that link without its scheme and host."""

    def __call__(self, to: str | None = None) -> list[OutboxMessage]:
        return mails(to)

    @staticmethod
    def link(message: OutboxMessage) -> str:
        return re.search(r"https?://\S+", message.body).group(0)

    @staticmethod
    def path(message: OutboxMessage) -> str:
        return re.sub(r"^https?://[^/]+", "", Outbox.link(message))


@pytest.fixture()
def outbox(app) -> Outbox:
    return Outbox()


@contextmanager
def counted_statements():
    """The SQL statements run inside the block, in order: `with counted_statements() as seen: ...`."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def get_counted(client, url: str) -> tuple[str, int]:
    """GET `url` (it must answer 200): the page's text and how many statements it ran."""
    with counted_statements() as seen:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    return response.text, len(seen)


# --- a challenge through publication and judging, for tests of what follows a panel's choices -------

def pay_or_waive(challenge, funders, seeker, broker, now, *, pay: bool) -> None:
    """Every funder pays its invoice by bank transfer, or (pay=False) a broker waives the funding."""
    from challenge.payouts import funding

    if not pay:
        funding.waive_funding(challenge, "The council pays on award, by its standing orders.", broker, now)
        return
    for funder in funders:
        invoice = funding.issue_invoice(funder, seeker, now)
        funding.record_bank_transfer(invoice, invoice.amount, invoice.currency, "BACS 42", broker, now)


def publish_and_start_judging(challenge, seeker, broker, make_user, make_submission, now, *, entries: int):
    """Publish a challenge in review, take `entries` entries, close it and start judging a day after the
    close with a chair and a second judge who have accepted. Returns (entrants, subs, judges, when)."""
    from challenge.challenges import services as challenges
    from challenge.judging import panel

    challenges.publish(challenge, broker, now)
    entrants = [make_user(f"Entrant {n}") for n in range(entries)]
    subs = [make_submission(challenge, u) for u in entrants]
    later = challenge.closes_at + timedelta(days=1)
    challenges.start_judging(challenge, seeker, later)
    judges = [make_user("Chair Judge"), make_user("Second Judge")]
    for n, judge in enumerate(judges):
        panel.accept(panel.invite(challenge, judge.email, "chair" if n == 0 else "judge", False, seeker, later),
                     judge, later)
    return entrants, subs, judges, later


def score_and_close(round_, subs, chair, when) -> None:
    """Every judge declares no conflict and scores each entry by its place in `subs` (the last is best);
    then the chair closes the round."""
    from challenge.judging import assignment, rubric
    from challenge.judging import services as scoring
    from challenge.judging.models import Assignment

    criteria = rubric.criteria_of(round_.challenge)
    for a in db.session.scalars(db.select(Assignment).where(Assignment.round_id == round_.id)).all():
        judge = a.member.user
        assignment.declare(a, False, "", judge, when)
        rank = subs.index(a.submission) + 1
        scoring.save_scores(a, {str(c.id): min(c.scale_max, rank) for c in criteria}, "Sound.", True, judge, when)
    assignment.close_round(round_, chair, when)
