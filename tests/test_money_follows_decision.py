"""The money follows the chair's decision: funded pool → published → closed → judged → decided → awards →
payee → released (instructed) → recorded as paid, with the ledger balanced; and with nothing held the decision stands without awards."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.challenges import services as challenges
from challenge.errors import DomainError
from challenge.dates import local
from challenge.extensions import db
from challenge.judging import assignment, decisions, publication, rubric
from challenge.payouts import funding, ledger, payees, release
from challenge.payouts.gateways import ManualGateway
from challenge.payouts.models import Award, Payout
from tests.factories import pay_or_waive, publish_and_start_judging, score_and_close


def _judged(make_user, make_org, make_challenge, make_submission, *, fund: bool):
    """A co-funded challenge in review, published, closed, judged by two judges; returns what the test needs."""
    now = clock.now()
    broker = make_user("Brooke Broker", broker=True)
    seeker, trust_member = make_user("Sam Seeker"), make_user("Tara Trust")
    council = make_org(seeker, name="Riverside Council")
    trust = make_org(trust_member, name="Riverside NHS Trust", kind="nhs_trust")
    challenge = make_challenge(council, "in_review", prizes=((1_000_000, 1), (200_000, 1)), author=seeker)
    challenge.closes_at = now + timedelta(days=10)
    rubric.apply_sbri_preset(challenge, seeker, now)
    funders = funding.set_funders(challenge, [(council, 6000), (trust, 4000)], seeker, now)
    funding.accept_funding(funders[1].id, trust_member, now)  # the co-funder consents to its share
    with pytest.raises(DomainError, match="not fully funded"):
        challenges.publish(challenge, broker, now)
    pay_or_waive(challenge, funders, seeker, broker, now, pay=fund)
    entrants, subs, judges, later = publish_and_start_judging(challenge, seeker, broker, make_user, make_submission,
                                                              now, entries=3)
    round_ = rubric.rounds_of(challenge)[0]  # the rubric comes with its first round
    assignment.open_round(round_, seeker, later)
    score_and_close(round_, subs, judges[0], later)
    decisions.decide(round_, [subs[2].id, subs[1].id], judges[0], later + timedelta(hours=1))
    publication.publish(challenge, judges[0], later + timedelta(hours=2))
    db.session.commit()
    return challenge, broker, entrants, later


def test_decision_creates_awards_and_the_payout_is_paid(make_user, make_org, make_challenge, make_submission):
    challenge, broker, entrants, later = _judged(make_user, make_org, make_challenge, make_submission, fund=True)
    assert challenge.state == "decided"
    awards = db.session.scalars(db.select(Award).where(Award.challenge_id == challenge.id)).all()
    assert sorted(a.amount for a in awards) == [200_000, 1_000_000]
    payout = db.session.scalar(db.select(Payout).where(Payout.user_id == entrants[2].id))
    assert payout.state == "awaiting_payee" and payout.amount == 1_000_000
    payees.save_bank_details(entrants[2], entrants[2].name, "30-99-50", "12345678", ManualGateway(), later)
    db.session.commit()
    assert payout.state == "ready"
    with pytest.raises(Exception, match="broker"):
        release.release_payout(payout.id, entrants[2], later)
    outcome = release.release_payout(payout.id, broker, later)  # the manual provider: an instruction first
    assert outcome.state == "instructed" and ledger.balance(ledger.payee(payout.id), "GBP") == 0
    release.record_bank_payment(payout.id, "FP-20931", local(later).date(), broker, later)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Payout, payout.id).state == "paid"
    assert ledger.balance(ledger.payee(payout.id), "GBP") == 1_000_000
    assert ledger.unbalanced_transactions() == [] and ledger.negative_escrows() == []
    assert ledger.balance(ledger.escrow(challenge.id), "GBP") == 200_000  # the runner-up's prize, still held


def test_with_nothing_held_the_decision_stands_without_awards(make_user, make_org, make_challenge, make_submission):
    challenge, broker, entrants, later = _judged(make_user, make_org, make_challenge, make_submission, fund=False)
    assert challenge.state == "decided"
    from challenge.submissions.models import Submission

    states = db.session.scalars(db.select(Submission.state).where(Submission.challenge_id == challenge.id)
                                .order_by(Submission.id)).all()
    assert states == ["not_selected", "winner", "winner"]
    assert db.session.scalar(db.select(db.func.count(Award.id)).where(Award.challenge_id == challenge.id)) == 0
    assert db.session.scalar(db.select(db.func.count(Payout.id))) == 0
    assert ledger.balance(ledger.escrow(challenge.id), "GBP") == 0
