"""Demo judging: rubrics, panels, rounds, declarations, scores and decisions, made through the services.

Every challenge gets the SBRI-style rubric plus a social value criterion while it is still a draft. The
challenges in judging, decided and completed get a panel of five demo judges (a chair, a service-user
judge, a lenient and a harsh one), a round, declarations (one conflict) and scores; the decided and
completed ones get the chair's decision, which (their pools being funded) creates the awards and moves
the challenge to decided. The seeker starts judging the day after the close; the panel's work is dated
from the day after that (`then`), so the services' clock rules hold and the feedback date has passed.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from challenge.accounts.models import User
from challenge.challenges import services as challenges
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.judging import assignment, decisions, panel, publication, rubric
from challenge.judging import results as results_mod
from challenge.judging import services as scoring
from challenge.judging.models import Assignment, Criterion, PanelRole, Round
from demo.accounts import make_user

# email, name, leniency (added to every score); the first chairs, the second is a service user.
JUDGES = [
    ("chair@judges.example.org", "Dr Ruth Adebayo", 0.0),
    ("lived.experience@judges.example.org", "Denise Clarke", 0.2),
    ("generous@judges.example.org", "Owen Pritchard", 0.5),
    ("tough@judges.example.org", "Fiona McLeod", -0.5),
    ("finance@judges.example.org", "Raj Mistry", 0.0),
]
THEMES = {"climate": "clean_energy", "housing": "clean_energy", "education": "opportunity",
          "transport": "economic_growth"}
COMMENTS = ["Clear plan and credible costs.", "Strong on need; the evidence of impact is thin.",
            "Good team, but the pilot is too small to learn from.", "Ambitious; worries about data protection.",
            "Practical and ready to try with our residents."]


def rubric_for(challenge: Challenge, actor, now: datetime) -> None:
    """The SBRI preset with the social value theme that fits the sector (call while the challenge is a draft)."""
    rubric.apply_sbri_preset(challenge, actor, now)
    theme = THEMES.get(challenge.sector)
    if theme:
        rubric.add_social_value(challenge, theme, actor, now)


def judges(password_hash: str, now: datetime) -> list[User]:
    """The five judges' accounts (with the demo's shared password)."""
    people = [make_user(email, name, password_hash, now) for email, name, _ in JUDGES]
    db.session.flush()
    return people


def run(challenge: Challenge, people: list[User], seeker: User, decide: bool, rng: random.Random,
        *, empty_slots: int = 0) -> None:
    """Start judging, seat the panel, open a round, declare, score; for `decide`, close the round and record
    the decision, leaving the last `empty_slots` prize places unfilled (their money is refunded to the
    funders)."""
    challenges.start_judging(challenge, seeker, challenge.closes_at + timedelta(days=1))
    then = challenge.closes_at + timedelta(days=2)
    _seat(challenge, people, seeker, then)
    existing = rubric.rounds_of(challenge)  # the rubric editor may already have made the first round
    round_ = existing[0] if existing else rubric.add_round(challenge, seeker, then, name="Assessment")
    assignment.open_round(round_, seeker, then + timedelta(hours=8))
    _declare_and_score(round_, rubric.criteria_of(challenge), decide, rng, then)
    if decide:
        _decide(challenge, round_, people[0], then + timedelta(days=10), empty_slots)


def _seat(challenge: Challenge, people: list[User], seeker: User, then: datetime) -> None:
    """The seeker invites the judges (the first chairs, the second is a service user); each accepts."""
    for n, person in enumerate(people):
        invitation = panel.invite(challenge, person.email, PanelRole.CHAIR if n == 0 else PanelRole.JUDGE, n == 1,
                                  seeker, then)
        panel.accept(invitation, person, then + timedelta(hours=n + 1))


def _declare_and_score(round_: Round, criteria: list[Criterion], decide: bool, rng: random.Random,
                       then: datetime) -> None:
    """Each judge declares on each entry (the finance judge has one conflict) and scores it with their
    leniency; while judging is still under way (not `decide`), every third sheet is not started."""
    quality = {}
    rows = db.session.scalars(db.select(Assignment).where(Assignment.round_id == round_.id)
                              .order_by(Assignment.submission_id, Assignment.panel_member_id)).all()
    conflicted = False
    for n, row in enumerate(rows):
        judge = row.member.user
        leniency = next(l for e, _, l in JUDGES if e == judge.email)
        when = then + timedelta(days=1 + n % 7, hours=n % 5)
        if not conflicted and judge.email == JUDGES[4][0]:
            conflicted = True
            assignment.declare(row, True, "I advised this organisation on a bid last year.", judge, when)
            continue
        assignment.declare(row, False, "", judge, when)
        if not decide and n % 3 == 0:
            continue
        base = quality.setdefault(row.submission_id, rng.uniform(0.6, 3.6))
        values = {str(c.id): max(c.scale_min, min(c.scale_max, round(base + leniency + rng.gauss(0, 0.3))))
                  for c in criteria}
        scoring.save_scores(row, values, rng.choice(COMMENTS), True, judge, when + timedelta(hours=1))


def _decide(challenge: Challenge, round_: Round, chair: User, when: datetime, empty_slots: int) -> None:
    """The chair closes the round, sets the feedback date, records the computed order as the decision and
    publishes the results."""
    assignment.close_round(round_, chair, when)
    rubric.save_settings(challenge, chair, when, feedback_at=when + timedelta(days=14), peoples_choice=False,
                         prize_id=None, vote_opens_at=None, vote_closes_at=None)
    order = decisions.computed_order(results_mod.load(round_))
    places = len(decisions.prize_slots(challenge)) - empty_slots
    decisions.decide(round_, [e.id for e in order[:places]], chair, when + timedelta(hours=2),
                     empty_reason="The panel found no second entry of highly commended standard."
                     if empty_slots else "")
    publication.publish(challenge, chair, when + timedelta(hours=3))
