"""`flask demo`: a believable world in every phase, loaded once."""
from __future__ import annotations

from collections import Counter

from challenge import clock
from challenge.accounts.models import Membership, Organisation, User
from challenge.accounts.services import authenticate
from challenge.challenges.models import Challenge, Follow, Question, Update
from challenge.challenges.states import Phase
from challenge.extensions import db
from challenge.privacy import dpia
from challenge.submissions.models import ReferenceCounter, Submission
from demo import SHARED_PASSWORD


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_demo_loads_a_world_in_every_phase(runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "broker@example.org / demo-" in result.output and SHARED_PASSWORD in result.output
    broker_password = result.output.split("broker@example.org / ")[1].split()[0]
    assert authenticate("broker@example.org", broker_password).is_broker
    assert authenticate("seeker@camden.example.org", SHARED_PASSWORD) is not None

    kinds = Counter(db.session.scalars(db.select(Organisation.kind)))
    assert kinds == {"local_authority": 3, "nhs_trust": 2, "school_trust": 1, "investor": 1}
    challenges = list(db.session.scalars(db.select(Challenge)))
    assert len(challenges) == 12
    now = clock.now()
    assert {c.phase(now) for c in challenges} == set(Phase)
    assert all(c.prize_pool == c.prize_total() > 0 for c in challenges)
    seekers = set(db.session.scalars(db.select(Membership.user_id)))
    creators = db.session.scalar(db.select(db.func.count(User.id)).where(User.id.not_in(seekers), User.is_broker.is_(False),
                                                                            ~User.email.like("%@judges.example.org")))
    assert creators == 40
    assert count(Submission) == 60 and count(Question) >= 5 and count(Update) >= 3 and count(Follow) > 10
    assert db.session.get(ReferenceCounter, now.year).last == 60


def test_demo_health_challenge_has_a_signed_off_dpia_screening(runner):
    runner.invoke(args=["demo"])
    health = db.session.scalar(db.select(Challenge).where(
        Challenge.title == "Getting medically fit patients home from hospital sooner"))
    outcome = dpia.outcome_for(health)
    assert health.service_user_data == "special"
    assert outcome.complete and outcome.full_dpia
    screening = dpia.screening_of(health)
    assert screening.answers["vulnerable"]["answer"] == "yes" and screening.dpo_reference == "RIV-DPIA-2026-03"
    assert dpia.signed_off(screening) and screening.signed_off_at < health.published_at
    in_review = db.session.scalar(db.select(Challenge).where(Challenge.title == "Fewer missed outpatient appointments"))
    assert dpia.outcome_for(in_review).full_dpia and not dpia.signed_off(dpia.screening_of(in_review))


def test_demo_submissions_agree_with_their_challenge(runner):
    runner.invoke(args=["demo"])
    now = clock.now()
    allowed = {
        Phase.OPEN: {"draft", "submitted"}, Phase.CLOSED: {"submitted", "withdrawn"},
        Phase.JUDGING: {"submitted", "shortlisted"}, Phase.DECIDED: {"winner", "not_selected"},
        Phase.COMPLETED: {"winner", "not_selected"},
    }
    for sub in db.session.scalars(db.select(Submission)):
        phase = sub.challenge.phase(now)
        assert sub.state in allowed[phase], (sub.reference, phase, sub.state)
        assert sub.reference.startswith(f"CX-{now.year}-")
        assert (sub.submitted_at is None) == (sub.state == "draft")
        if sub.submitted_at:
            assert sub.submitted_at <= min(now, sub.challenge.closes_at)
    for challenge in db.session.scalars(db.select(Challenge)):
        winners = sum(1 for s in db.session.scalars(db.select(Submission).where(
            Submission.challenge_id == challenge.id, Submission.state == "winner")))
        if challenge.phase(now) == Phase.DECIDED:
            assert winners == challenge.winner_places
        elif challenge.phase(now) == Phase.COMPLETED:  # the panel left one highly commended place empty
            assert winners == challenge.winner_places - 1
        else:
            assert winners == 0


def test_demo_if_empty_does_nothing_the_second_time(runner):
    runner.invoke(args=["demo", "--if-empty"])
    users, subs = count(User), count(Submission)
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    assert (count(User), count(Submission)) == (users, subs)


def test_demo_pages_render(runner, client):
    runner.invoke(args=["demo"])
    assert client.get("/").status_code == 200
    for slug in db.session.scalars(db.select(Challenge.slug).where(Challenge.state.not_in(("draft", "in_review")))):
        assert client.get(f"/challenges/{slug}").status_code == 200
