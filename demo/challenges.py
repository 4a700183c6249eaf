"""Demo challenges: drafted, reviewed, published and cancelled through the challenge services, then
talked about (questions, answers, updates) and followed through the conversation services.

Each challenge's history is dated relative to its opening: drafted 45 days before, sent for review 30
days before, published 14 days before (funded in between: a pool must be funded or waived to publish).
The services take the clock, so this history can lie in the past; the judging, the decision and the
completion come later (demo/judging.py, demo/payouts.py).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from challenge.accounts.models import Organisation, User
from challenge.challenges import conversation
from challenge.challenges import services as challenges
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.privacy import dpia
from demo.clock import at
from demo.data import QUESTIONS, UPDATES

DRAFTED, REVIEWED, PUBLISHED = (timedelta(days=d) for d in (45, 30, 14))  # before the opening
CANCELLED_AFTER = timedelta(days=2)  # after the opening
UNLISTED = (ChallengeState.DRAFT, ChallengeState.IN_REVIEW, ChallengeState.CANCELLED)


def draft(spec: dict, org: Organisation, seeker: User, now: datetime) -> Challenge:
    """The seeker drafts the challenge `spec` describes (opening at 09:00, closing at 17:00 local time)."""
    opens, closes = at(now, spec["opens"], 9), at(now, spec["closes"])
    words = challenges.Draft(
        title=spec["title"], summary=spec["summary"], problem=spec["problem"], context=spec.get("context", ""),
        outcomes=spec["outcomes"], eligibility=spec["eligibility"], sector=spec["sector"], tags=spec["tags"],
        type=spec["type"], ip_terms=spec["ip"], opens_at=opens, closes_at=closes,
        blind_judging=spec["type"] == "ideation", feedback_to_entrants=True,
        service_user_data=spec.get("service_user_data", "none"),
        tiers=[challenges.Tier(name, pounds * 100, winners) for name, pounds, winners in spec["tiers"]])
    return challenges.create(org, words, seeker, opens - DRAFTED)


def screen(challenge: Challenge, spec: dict, seeker: User) -> None:
    """A challenge with service users' data has its DPIA screening answered while drafting (a day after the
    draft; "yes" where the spec's `dpia_yes` gives a note)."""
    if spec.get("service_user_data", "none") == "none":
        return
    answers = {q.key: ("yes", spec["dpia_yes"][q.key]) if q.key in spec.get("dpia_yes", {}) else ("no", "")
               for q in dpia.QUESTIONS}
    dpia.save_answers(challenge, answers, seeker, challenge.created_at + timedelta(days=1))


def sign_off_dpia(challenge: Challenge, spec: dict, broker: User) -> None:
    """Where the screening asked for a full DPIA, the broker records the DPO's sign-off the day before publishing."""
    if dpia.outcome_for(challenge).full_dpia:
        when = challenge.opens_at - PUBLISHED - timedelta(days=1)
        dpia.sign_off(challenge, when.date() - timedelta(days=3), spec["dpia_reference"], broker, when)


def send_for_review(challenge: Challenge, seeker: User) -> None:
    challenges.submit_for_review(challenge, seeker, challenge.opens_at - REVIEWED)


def funded_by(challenge: Challenge) -> datetime:
    """When the funders are set and invoiced: a week before publication."""
    return challenge.opens_at - PUBLISHED - timedelta(days=7)


def publish(challenge: Challenge, broker: User) -> None:
    challenges.publish(challenge, broker, challenge.opens_at - PUBLISHED)


def cancel(challenge: Challenge, reason: str, seeker: User, now: datetime) -> None:
    """The seeker cancels soon after the opening, before any entry."""
    challenges.cancel(challenge, reason, seeker, min(challenge.opens_at + CANCELLED_AFTER, now))


def conversation_on(challenge: Challenge, spec: dict, creators: list[User], rng: random.Random,
                    now: datetime) -> None:
    """Creators' questions (answered by the seeker a day later, where the data gives an answer), then the
    seeker's updates."""
    seeker = challenge.created_by
    asked_at = challenge.opens_at + timedelta(days=2)
    for body, answer in QUESTIONS.get(spec["title"], []):
        asked_at = min(asked_at + timedelta(hours=rng.randint(6, 60)), now)
        question = conversation.ask(challenge, body, rng.choice(creators), asked_at)
        if answer:
            conversation.answer(question, answer, seeker, min(asked_at + timedelta(days=1), now))
    posted = challenge.opens_at
    for title, body in UPDATES.get(spec["title"], []):
        posted = min(posted + timedelta(days=rng.randint(2, 8)), now)
        conversation.post_update(challenge, title, body, seeker, posted)


def follows(challenges_: list[Challenge], creators: list[User], rng: random.Random, now: datetime) -> None:
    """Each creator follows up to three listed challenges (since yesterday)."""
    listed = [c for c in challenges_ if c.state not in UNLISTED]
    for creator in creators:
        for challenge in rng.sample(listed, rng.randint(0, 3)):
            conversation.follow(challenge, creator, now - timedelta(days=1))
