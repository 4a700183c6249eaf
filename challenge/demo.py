"""`flask demo`: a believable world to click through.

Seven seeker organisations (three councils, two NHS trusts, a school trust, a foundation), twelve
challenges in every phase of the lifecycle, forty creators and sixty submissions whose states agree with
their challenge's phase, plus questions, answers, updates and follows. Seeded with random.Random(2026),
so two loads give the same world (placed in time around `now`).
"""
from __future__ import annotations

import random
import secrets
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from challenge.submissions.demo import attach_demo_files
from challenge.accounts import services as accounts
from challenge.accounts import twofactor
from challenge.accounts.models import Membership, Organisation, User
from challenge.challenges.models import Challenge, Follow, Prize, Question, Update
from challenge.challenges.states import ChallengeState
from challenge.demo_data import CHALLENGES, FIRST_NAMES, LAST_NAMES, ORGANISATIONS, QUESTIONS, SOLUTIONS, UPDATES
from challenge.extensions import db
from challenge.judging import demo as judging_demo
from challenge.partnerships import demo as partnerships_demo
from challenge.payouts import demo as payouts_demo
from challenge.submissions.models import ReferenceCounter, Submission

SHARED_PASSWORD = "challenge-exchange-demo"
CREATORS = 40
SITE_ZONE = ZoneInfo("Europe/London")
# How many entries each phase's challenges receive (60 in all across the eight that have any).
ENTRIES = {"open": None, "closed": 10, "judging": 10, "decided": 10, "completed": 10}
# Decided and completed challenges are stored as judging first: the chair's decision (judging/demo.py) moves them.
STORED = {"upcoming": "published", "open": "published", "closed": "published", "decided": "judging",
          "completed": "judging"}
UNFUNDED = ("draft", "in_review", "cancelled")


def load(now: datetime) -> str:
    """Load the demo world; returns the broker's password (everyone else uses SHARED_PASSWORD)."""
    rng = random.Random(2026)
    password = "demo-" + secrets.token_urlsafe(9)
    broker = accounts.create_user("Brooke Broker", "broker@example.org", password, now, is_broker=True)
    secret = twofactor.new_secret()  # brokers sign in with a code too; `flask demo` prints the key
    twofactor.turn_on(broker, secret, twofactor.code_at(secret, now), now)
    shared_hash = accounts.hash_password(SHARED_PASSWORD)  # once: argon2 is slow on purpose
    orgs = _organisations(now, shared_hash)
    creators = _creators(rng, now, shared_hash)
    challenges = [_challenge(spec, orgs[spec["org"]], broker, now) for spec in CHALLENGES]
    db.session.flush()
    submissions = []
    for challenge, spec in zip(challenges, CHALLENGES):
        _conversation(challenge, spec, creators, rng, now)
        submissions += _submissions(challenge, spec, creators, rng, now, start=len(submissions) + 1)
    _follows(challenges, creators, rng, now)
    counter = db.session.get(ReferenceCounter, now.year) or ReferenceCounter(year=now.year, last=0)
    counter.last = max(counter.last, len(submissions))
    db.session.add(counter)
    db.session.flush()
    attach_demo_files(submissions, now)
    _judging_and_money(challenges, orgs, broker, shared_hash, rng, now)
    partnerships_demo.load(challenges, orgs, broker, now)
    return password


def _judging_and_money(challenges, orgs, broker: User, shared_hash: str, rng: random.Random, now: datetime) -> None:
    """Rubrics, funding, panels and decisions, then payouts and a refund: through the packages' services."""
    phases = {c.id: spec["phase"] for c, spec in zip(challenges, CHALLENGES)}
    seekers = {c.id: orgs[spec["org"]][1][0] for c, spec in zip(challenges, CHALLENGES)}
    for challenge in challenges:
        stored, challenge.state = challenge.state, "draft"  # the rubric was written while drafting
        judging_demo.rubric_for(challenge, seekers[challenge.id], challenge.created_at)
        challenge.state = stored
        if phases[challenge.id] not in UNFUNDED:
            payouts_demo.fund(challenge, phases[challenge.id], orgs, broker, seekers[challenge.id], now)
    judges = judging_demo.judges(shared_hash, now)
    by_phase = {}
    for challenge in challenges:
        phase = phases[challenge.id]
        if phase in ("judging", "decided", "completed"):
            judging_demo.run(challenge, judges, seekers[challenge.id], phase != "judging", rng, now,
                             empty_slots=1 if phase == "completed" else 0)
        by_phase[phase] = challenge
    payouts_demo.settle(by_phase["decided"], by_phase["completed"], broker, now)


def _user(email: str, name: str, password_hash: str, now: datetime) -> User:
    user = User(email=email, name=name, password_hash=password_hash, session_token=secrets.token_hex(16),
                created_at=now - timedelta(days=400))
    db.session.add(user)
    return user


def _organisations(now: datetime, password_hash: str) -> dict[str, tuple[Organisation, list[User]]]:
    result = {}
    for slug, name, kind, description, seekers in ORGANISATIONS:
        org = Organisation(name=name, slug=slug, kind=kind, description=description, verified=True,
                           created_at=now - timedelta(days=400))
        db.session.add(org)
        people = [_user(email, person, password_hash, now) for email, person in seekers]
        db.session.flush()
        for position, person in enumerate(people):
            db.session.add(Membership(user_id=person.id, organisation_id=org.id, created_at=now,
                                      role="owner" if position == 0 else "member"))
        result[slug] = (org, people)
    return result


def _creators(rng: random.Random, now: datetime, password_hash: str) -> list[User]:
    names = rng.sample([(f, last) for f in FIRST_NAMES for last in LAST_NAMES], CREATORS)
    creators = []
    for first, last in names:
        email = f"{first}.{last}".lower().replace("'", "") + "@example.net"
        creators.append(_user(email, f"{first} {last}", password_hash, now))
    db.session.flush()
    return creators


def _at(now: datetime, days: float, hour: int = 17) -> datetime:
    """`days` from now at `hour`:00 UK time (whole-day offsets), or exactly `days` from now otherwise."""
    if days != int(days):
        return now + timedelta(days=days)
    local_day = (now + timedelta(days=days)).astimezone(SITE_ZONE).date()
    return datetime.combine(local_day, time(hour), tzinfo=SITE_ZONE).astimezone(timezone.utc)


def _challenge(spec: dict, org_people, broker: User, now: datetime) -> Challenge:
    org, people = org_people
    phase = spec["phase"]
    opens, closes = _at(now, spec["opens"], 9), _at(now, spec["closes"])
    state = STORED.get(phase, phase)
    public = state not in ("draft", "in_review")
    challenge = Challenge(
        organisation_id=org.id, created_by_id=people[0].id, title=spec["title"], slug=accounts.slugify(spec["title"]),
        summary=spec["summary"], problem=spec["problem"], context=spec.get("context", ""),
        outcomes=spec["outcomes"], eligibility=spec["eligibility"], sector=spec["sector"], tags=spec["tags"],
        type=spec["type"], ip_terms=spec["ip"], opens_at=opens, closes_at=closes, state=state,
        blind_judging=spec["type"] == "ideation", feedback_to_entrants=True,
        cancel_reason=spec.get("cancel_reason", ""),
        sent_for_review_at=opens - timedelta(days=30) if state != "draft" else None,
        published_at=opens - timedelta(days=14) if public else None,
        created_at=opens - timedelta(days=45), updated_at=min(now, opens - timedelta(days=14)),
    )
    challenge.prizes = [Prize(name=name, amount=pounds * 100, winners=winners, position=i)
                        for i, (name, pounds, winners) in enumerate(spec["tiers"], start=1)]
    challenge.prize_pool = challenge.prize_total()
    db.session.add(challenge)
    return challenge


def _conversation(challenge: Challenge, spec: dict, creators: list[User], rng: random.Random, now: datetime) -> None:
    asked_at = challenge.opens_at + timedelta(days=2)
    for body, answer in QUESTIONS.get(spec["title"], []):
        asked_at = min(asked_at + timedelta(hours=rng.randint(6, 60)), now)
        db.session.add(Question(
            challenge_id=challenge.id, asked_by_id=rng.choice(creators).id, body=body, asked_at=asked_at,
            answer=answer, answered_by_id=challenge.created_by_id if answer else None,
            answered_at=min(asked_at + timedelta(days=1), now) if answer else None))
    posted = challenge.opens_at
    for title, body in UPDATES.get(spec["title"], []):
        posted = min(posted + timedelta(days=rng.randint(2, 8)), now)
        db.session.add(Update(challenge_id=challenge.id, author_id=challenge.created_by_id, title=title, body=body,
                              posted_at=posted))


def _states(phase: str, count: int, winners: int) -> list[str]:
    """Submission states consistent with the challenge's phase."""
    if phase == "open":
        return ["draft"] + ["submitted"] * (count - 1)
    if phase == "closed":
        return ["withdrawn"] + ["submitted"] * (count - 1)
    return ["submitted"] * count  # judging/demo.py's decisions choose the winners


def _submissions(challenge: Challenge, spec: dict, creators: list[User], rng: random.Random, now: datetime,
                 start: int) -> list[Submission]:
    phase = spec["phase"]
    titles = SOLUTIONS.get(spec["title"])
    if phase not in ENTRIES or not titles:
        return []
    count = ENTRIES[phase] or len(titles)
    owners = rng.sample(creators, count)
    states = _states(phase, count, sum(w for _, _, w in spec["tiers"]))
    made = []
    for n, (owner, title, state) in enumerate(zip(owners, titles, states)):
        created = min(challenge.opens_at + timedelta(days=rng.randint(1, 10)), now)
        submitted = None if state == "draft" else min(created + timedelta(days=rng.randint(1, 5)),
                                                       challenge.closes_at - timedelta(hours=1), now)
        sub = Submission(
            challenge_id=challenge.id, owner_id=owner.id, reference=f"CX-{now.year}-{start + n:05d}", title=title,
            summary=f"{title}: a practical answer to “{challenge.title}”.",
            description=f"## How it works\n\n{title} builds on what already works locally.\n\n"
                        f"## Who it helps\n\nPeople described in the challenge, starting with a pilot of "
                        f"{rng.randint(20, 200)} people.",
            eligibility_confirmed=True, terms_accepted=state != "draft", state=state,
            state_reason="Withdrawn by the entrant." if state == "withdrawn" else "",
            submitted_at=submitted, created_at=created, updated_at=submitted or created)
        db.session.add(sub)
        made.append(sub)
    db.session.flush()
    return made


def _follows(challenges: list[Challenge], creators: list[User], rng: random.Random, now: datetime) -> None:
    listed = [c for c in challenges if c.state not in (ChallengeState.DRAFT, ChallengeState.IN_REVIEW,
                                                       ChallengeState.CANCELLED)]
    for creator in creators:
        for challenge in rng.sample(listed, rng.randint(0, 3)):
            db.session.add(Follow(user_id=creator.id, challenge_id=challenge.id, created_at=now - timedelta(days=1)))


def accounts_to_try() -> list[str]:
    """Who to sign in as, for `flask demo`'s closing message (everyone but the broker uses SHARED_PASSWORD)."""
    from challenge.payouts.models import Award, Payout

    winner = db.session.scalar(db.select(User).join(Payout, Payout.user_id == User.id).join(Award)
                               .join(Challenge, Award.challenge_id == Challenge.id)
                               .where(Challenge.state == "decided", Payout.state == "ready"))
    return [f"Seeker (Camden Council): seeker@camden.example.org",
            f"Creator with a prize ready to pay: {winner.email if winner else 'none'}",
            f"Judge, chair of every panel: {judging_demo.JUDGES[0][0]}",
            f"Judge (service user): {judging_demo.JUDGES[1][0]}"]
