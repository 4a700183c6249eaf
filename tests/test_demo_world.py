"""`flask demo` loads judging, money and partnerships that agree with each other and with the ledger."""
from __future__ import annotations

from collections import Counter

from challenge import clock
from challenge.accounts.services import authenticate
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.diagnoses.models import Diagnosis
from challenge.judging import decisions, rubric
from challenge.judging.models import Assignment, Conflict, Decision, PanelMember, Score
from challenge.library.models import AdoptionInterest, LibraryEntry
from challenge.partnerships import introductions
from challenge.partnerships.models import ImpactRecord, Partnership
from challenge.payouts import funding, ledger
from challenge.payouts.models import Award, Funder, Payout, Refund
from challenge.submissions.models import Submission
from demo import SHARED_PASSWORD


def _by_state(state: str) -> Challenge:
    return db.session.scalar(db.select(Challenge).where(Challenge.state == state))


def test_demo_judging_money_and_partnerships_are_consistent(runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "chair@judges.example.org" in result.output and "Creator with a prize ready to pay: " in result.output
    assert authenticate("chair@judges.example.org", SHARED_PASSWORD) is not None
    now = clock.now()

    # every challenge has a rubric with a social value criterion
    for challenge in db.session.scalars(db.select(Challenge)):
        criteria = rubric.criteria_of(challenge)
        assert len(criteria) >= 4 and any(c.social_value for c in criteria), challenge.title
        assert rubric.rubric_problems(challenge) == [], challenge.title

    # panels: one chair, one service user, one declared conflict; scores spread
    for state in ("judging", "decided", "completed"):
        challenge = _by_state(state)
        members = list(db.session.scalars(db.select(PanelMember).where(PanelMember.challenge_id == challenge.id)))
        assert Counter(m.role for m in members)["chair"] == 1 and sum(m.service_user for m in members) == 1
        conflicts = db.session.scalars(db.select(Conflict).join(PanelMember).where(
            PanelMember.challenge_id == challenge.id, Conflict.has_conflict.is_(True))).all()
        assert len(conflicts) == 1 and conflicts[0].reason
        assert db.session.scalar(db.select(db.func.count(Score.id)).join(Assignment).join(PanelMember).where(
            PanelMember.challenge_id == challenge.id)) > 0
    judging = _by_state("judging")
    assert db.session.scalar(db.select(db.func.count(Assignment.id)).join(PanelMember).where(
        PanelMember.challenge_id == judging.id, Assignment.state == "pending")) > 0  # still under way

    # decided challenges: a decision, awards for every winner, feedback date passed
    for state in ("decided", "completed"):
        challenge = _by_state(state)
        assert decisions.final_decision(challenge) is not None
        assert rubric.settings_of(challenge).feedback_at < now
        winners = db.session.scalars(db.select(Submission.id).where(Submission.challenge_id == challenge.id,
                                                                    Submission.state == "winner")).all()
        awarded = db.session.scalars(db.select(Award.submission_id).where(Award.challenge_id == challenge.id)).all()
        assert winners and sorted(winners) == sorted(awarded)

    # money: every published pool funded (or waived), co-funding, payouts in three states, a refund
    for challenge in db.session.scalars(db.select(Challenge).where(Challenge.state.in_(
            ("published", "judging", "decided", "completed")))):
        status = funding.pool_status(challenge)
        assert status.fully_funded or status.waived, challenge.title
    shares = sorted(db.session.scalars(db.select(Funder.share_bp).where(Funder.challenge_id == _by_state("decided").id)))
    assert shares == [4000, 6000]
    states = Counter(db.session.scalars(db.select(Payout.state)))
    assert states["paid"] >= 1 and states["ready"] >= 1 and states["awaiting_payee"] >= 1
    refunds = db.session.scalars(db.select(Refund).where(Refund.challenge_id == _by_state("completed").id)).all()
    assert refunds and all(r.state == "succeeded" for r in refunds)
    assert ledger.unbalanced_transactions() == [] and ledger.negative_escrows() == []

    # partnerships at several stages, one overdue, a contracted one with an SROI
    stages = Counter(db.session.scalars(db.select(Partnership.stage)))
    assert {"lead", "introduced", "in_discussion", "pilot", "contracted"} <= set(stages)
    assert any(p.next_action_due < now for p in db.session.scalars(db.select(Partnership)))
    for p in db.session.scalars(db.select(Partnership).where(Partnership.stage.in_(("in_discussion", "pilot",
                                                                                      "contracted")))):
        intro = introductions.current(p)  # in discussion means both sides accepted the introduction
        assert (intro.creator_answer, intro.counterpart_answer) == ("accepted", "accepted"), p.title
    assert db.session.scalar(db.select(db.func.count(ImpactRecord.id))) >= 2
    assert db.session.scalar(db.select(db.func.count(LibraryEntry.id))) == 1
    assert db.session.scalar(db.select(db.func.count(AdoptionInterest.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Diagnosis.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Decision.id))) == 2


def test_demo_pages_for_money_and_partnerships_render(runner, client, login):
    result = runner.invoke(args=["demo"])
    broker_password = result.output.split("broker@example.org / ")[1].split()[0]
    login(authenticate("broker@example.org", broker_password))
    decided = _by_state("decided")
    for path in ("/", f"/challenges/{decided.slug}", f"/judging/{decided.slug}/panel"):
        assert client.get(path).status_code == 200, path
