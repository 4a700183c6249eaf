"""`flask demo`: a believable world to click through, built through the application's services.

Seven seeker organisations (three councils, two NHS trusts, a school trust, a foundation), twelve
challenges in every phase of the lifecycle, forty creators and sixty submissions whose states agree with
their challenge's phase, plus questions, answers, updates and follows; rubrics, funding, panels,
decisions, payouts, a refund, and the partnerships that followed the prizes. Seeded with
random.Random(2026), so two loads give the same world (placed in time around `now`).
"""
from __future__ import annotations

import random
from datetime import datetime

from challenge.accounts import services as account_services
from challenge.accounts.models import User
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState, Phase
from challenge.extensions import db
from challenge.payouts.models import Award, Payout
from demo import accounts, challenges, judging, partnerships, payouts, submissions
from demo.data import CHALLENGES

SHARED_PASSWORD = "challenge-exchange-demo"
SEED = 2026
PUBLISHED = (Phase.UPCOMING, Phase.OPEN, Phase.CLOSED, Phase.JUDGING, Phase.DECIDED, Phase.COMPLETED, Phase.CANCELLED)
REVIEWED = (Phase.IN_REVIEW, *PUBLISHED)
JUDGED = (Phase.JUDGING, Phase.DECIDED, Phase.COMPLETED)


def load(now: datetime) -> str:
    """Load the demo world; returns the broker's password (everyone else uses SHARED_PASSWORD)."""
    rng = random.Random(SEED)
    broker, password = accounts.broker(now)
    shared_hash = account_services.hash_password(SHARED_PASSWORD)  # once: argon2 is slow on purpose
    orgs = accounts.organisations(now, shared_hash)
    creators = accounts.creators(rng, now, shared_hash)
    made = [_challenge(spec, orgs, broker, now) for spec in CHALLENGES]
    _entries_and_talk(made, creators, rng, now)
    _judging(made, orgs, shared_hash, rng, now)
    payouts.settle(_in_phase(made, Phase.DECIDED), _in_phase(made, Phase.COMPLETED), broker, now)
    partnerships.load(made, orgs, broker, now)
    return password


def _challenge(spec: dict, orgs: accounts.Orgs, broker: User, now: datetime) -> Challenge:
    """One challenge taken to its phase: drafted with its rubric, sent for review, funded, published and
    (for the cancelled one) cancelled, each by the person who would do it, at the time they would."""
    phase = spec["phase"]
    org, people = orgs[spec["org"]]
    seeker = people[0]
    challenge = challenges.draft(spec, org, seeker, now)
    judging.rubric_for(challenge, seeker, challenge.created_at)  # the rubric is written while drafting
    challenges.screen(challenge, spec, seeker)  # so is the DPIA screening, when service users' data is involved
    if phase in REVIEWED:
        challenges.send_for_review(challenge, seeker)
    if phase in PUBLISHED:
        payouts.fund(challenge, phase, orgs, broker, seeker, challenges.funded_by(challenge))
        challenges.sign_off_dpia(challenge, spec, broker)
        challenges.publish(challenge, broker)
    if phase == Phase.CANCELLED:
        challenges.cancel(challenge, spec["cancel_reason"], seeker, now)
    return challenge


def _entries_and_talk(made: list[Challenge], creators: list[User], rng: random.Random, now: datetime) -> None:
    """Questions, updates and entries for each challenge, then follows, then a PDF for each entry."""
    entries = []
    for challenge, spec in zip(made, CHALLENGES):
        challenges.conversation_on(challenge, spec, creators, rng, now)
        entries += submissions.entries(challenge, spec["phase"], creators, rng, now, start=len(entries) + 1)
    challenges.follows(made, creators, rng, now)
    submissions.count_references(len(entries), now)
    submissions.attach_demo_files(entries, now)


def _judging(made: list[Challenge], orgs: accounts.Orgs, shared_hash: str, rng: random.Random,
             now: datetime) -> None:
    """The panels of the challenges in judging, decided and completed; the last two are decided (the
    completed one leaving a highly commended place empty)."""
    panel = judging.judges(shared_hash, now)
    for challenge, spec in zip(made, CHALLENGES):
        phase = spec["phase"]
        if phase in JUDGED:
            seeker = orgs[spec["org"]][1][0]
            judging.run(challenge, panel, seeker, phase != Phase.JUDGING, rng,
                        empty_slots=1 if phase == Phase.COMPLETED else 0)


def _in_phase(made: list[Challenge], phase: str) -> Challenge:
    return next(c for c, spec in zip(made, CHALLENGES) if spec["phase"] == phase)


def accounts_to_try() -> list[str]:
    """Who to sign in as, for `flask demo`'s closing message (everyone but the broker uses SHARED_PASSWORD)."""
    winner = db.session.scalar(db.select(User).join(Payout, Payout.user_id == User.id).join(Award)
                               .join(Challenge, Award.challenge_id == Challenge.id)
                               .where(Challenge.state == ChallengeState.DECIDED, Payout.state == "ready"))
    return ["Seeker (Camden Council): seeker@camden.example.org",
            f"Creator with a prize ready to pay: {winner.email if winner else 'none'}",
            f"Judge, chair of every panel: {judging.JUDGES[0][0]}",
            f"Judge (service user): {judging.JUDGES[1][0]}"]
