"""Demo partnerships: what happened after the prizes, made through the partnerships services.

Five partnerships grown from the winners of the decided and completed challenges, one at each stage from
lead to contracted (the pilot is with an NHS trust, so the procurement panel shows; the contract has
impact records and an SROI); one next action is overdue. The completed challenge's winner consents to
the solution library, another council wants to adopt it, and a council has a problem diagnosis.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from challenge.accounts.models import User
from challenge.challenges.models import Challenge
from challenge.challenges.states import ChallengeState
from challenge.diagnoses import services as diagnoses
from challenge.judging.decisions import placements
from challenge.library import services as library
from challenge.partnerships import introductions, outcomes, services
from challenge.partnerships.models import Partnership
from challenge.submissions.models import Submission
from demo.clock import at

# (title, kind, stage moves after the introduction, counterpart slug, value £, next action, due in days)
PLANS = [
    ("Damp sensors for Leeds tenants", "commissioning", None, "leeds", 0, "Find the right housing officer", 5),
    ("Mould prevention with Pennine community nurses", "pilot", [], "pennine", 15_000,
     "Send the draft data sharing agreement", 3),
    ("Rural transport in Camden's outer estates", "network", ["to_in_discussion"], "camden", 20_000,
     "Follow up after the workshop", -4),
    ("Hospital appointment lifts pilot", "pilot", ["to_in_discussion", "to_pilot"], "riverside", 85_000,
     "Agree pilot evaluation measures", 14),
    ("Community transport contract", "commissioning", ["to_in_discussion", "to_pilot", "to_contracted"],
     "cornwall", 240_000, "Quarterly impact review", 30),
]


def _winners(challenge: Challenge) -> list[Submission]:
    """Best prize tier first."""
    return [sub for sub, _ in placements(challenge)]


def load(challenges: list[Challenge], orgs: dict, broker: User, now: datetime) -> None:
    """Partnerships at every stage, a library entry with an adoption lead, and a diagnosis."""
    decided = next(c for c in challenges if c.state == ChallengeState.DECIDED)
    completed = next(c for c in challenges if c.state == ChallengeState.COMPLETED)
    origins = _winners(decided)[:2] + _winners(completed)[1:2] + _winners(completed)[:1] * 2
    start = now - timedelta(days=50)
    made = [_partnership(plan, origin, orgs, broker, start + timedelta(days=n * 5), now)
            for n, (plan, origin) in enumerate(zip(PLANS, origins))]
    _contract(made[-1], broker, now)
    _library(completed, orgs, now)
    _diagnosis(orgs, now)


def _partnership(plan: tuple, origin: Submission, orgs: dict, broker: User, when: datetime,
                 now: datetime) -> Partnership:
    """One plan: created by the broker at `when`, introduced (both sides answering), then moved on."""
    title, kind, moves, slug, pounds, action, due = plan
    org, people = orgs[slug]
    p = services.create_partnership(broker, when, title=title, kind=kind, creator=origin.owner, counterpart=org,
                                    origin=origin, value=pounds * 100, commission_amount=None, commission_bp=500,
                                    owner=broker, next_action=action, next_action_due=at(now, due, 10))
    if moves is not None:
        intro = introductions.introduce(p, broker, when + timedelta(days=1), contact=people[0],
                                        note=f"{people[0].name}, meet {origin.owner.name}, whose entry won "
                                             f"“{origin.challenge.title}”.")
        introductions.answer(intro, "creator", True, origin.owner, when + timedelta(days=2))
        if moves:  # both sides accepting moves the partnership into discussion
            introductions.answer(intro, "counterpart", True, people[0], when + timedelta(days=2, hours=3))
            moves = moves[1:]
    for step, name in enumerate(moves or []):
        services.move(p, name, broker, when + timedelta(days=3 + step * 4))
    return p


def _contract(contracted: Partnership, broker: User, now: datetime) -> None:
    """The contracted partnership's signing, investment and impact records (so it has an SROI)."""
    services.add_event(contracted, broker, now - timedelta(days=10), kind="note", title="Contract signed",
                       body="Two-year contract with a one-year extension.")
    outcomes.set_investment(contracted, broker, now, 240_000 * 100)
    for outcome, quantity, proxy in (("Missed hospital appointments avoided", 1_200, 160_00),
                                     ("Older people less isolated", 300, 850_00)):
        outcomes.add_record(contracted, broker, now, outcome=outcome, quantity=quantity, proxy=proxy, period=1,
                            duration=2, unit="people", proxy_source="Unit Cost Database (GMCA)",
                            deadweight_bp=2000, attribution_bp=3000, drop_off_bp=1000, displacement_bp=500)


def _library(completed: Challenge, orgs: dict, now: datetime) -> None:
    winner = _winners(completed)[0]
    entry = library.give_consent(winner, winner.owner, now - timedelta(days=30), consent=True,
                                 summary="Volunteer drivers booked by text message take people to hospital "
                                         "appointments; a pilot in two Cornish towns.")
    org, people = orgs["leeds"]
    library.want_this_too(entry, people[0], now - timedelta(days=6), organisation=org,
                          note="Our rural wards have the same problem; could we talk to the team?")


def _diagnosis(orgs: dict, now: datetime) -> None:
    org, people = orgs["hartwell"] if "hartwell" in orgs else orgs["camden"]
    diagnoses.create(org, people[0], now - timedelta(days=12), title="Young people not in education or work",
                     summary="Too many 16–18 year olds leave college in the first term.",
                     evidence="NEET rate 6.1 % against 4.3 % nationally (2025).",
                     quotes="“Nobody asked why I stopped going.”", survey_respondents=212,
                     survey_findings="Half said travel costs were the main reason.",
                     causes="Travel costs; no named adult; timetables that clash with caring.",
                     stakeholders="Colleges, youth services, bus operators, young carers' service.")
