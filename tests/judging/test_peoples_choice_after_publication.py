"""A people's-choice vote that closes after the results are published: the job judging.peoples_choice
announces its winner (the entry becomes a winner, its people are told) and awards the vote's prize from the
pool, once, however often it runs; when the vote closed before publication, publishing did all of that."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock, jobs
from challenge.accounts.models import User
from challenge.challenges.models import Challenge
from challenge.extensions import db
from challenge.judging import decisions, publication, rubric
from challenge.judging.models import JudgingSettings, Vote
from challenge.payouts import awards, funding
from challenge.payouts.models import Award
from challenge.platform.models import AuditEvent, OutboxMessage
from challenge.submissions.models import SubmissionState
from challenge.judging import assignment as assign
from tests.factories import pay_or_waive, publish_and_start_judging, score_and_close
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads

JOB = "judging.peoples_choice"


def _published_with_a_vote(make_user, make_org, make_challenge, make_submission, *, pay=True, close_after=True):
    """Three entries judged; Prize 1 (£10,000) to entry 2 by the panel, Prize 2 (£2,000) by the public vote,
    which entry 0 leads 2 votes to 1. The vote closes two days after publication (or before it)."""
    now = clock.now()
    broker, seeker = make_user("Brooke Broker", broker=True), make_user("Sam Seeker")
    council = make_org(seeker, name="Riverside Council")
    challenge = make_challenge(council, "in_review", prizes=((1_000_000, 1), (200_000, 1)), author=seeker)
    challenge.closes_at = now + timedelta(days=10)
    rubric.apply_sbri_preset(challenge, seeker, now)
    funders = funding.set_funders(challenge, [(council, 10000)], seeker, now)
    pay_or_waive(challenge, funders, seeker, broker, now, pay=pay)
    entrants, subs, judges, later = publish_and_start_judging(challenge, seeker, broker, make_user, make_submission,
                                                              now, entries=3)
    closes = later + (timedelta(days=2) if close_after else timedelta(minutes=30))
    db.session.add(JudgingSettings(challenge_id=challenge.id, peoples_choice=True,
                                   peoples_choice_prize_id=challenge.prizes[1].id,
                                   vote_opens_at=now + timedelta(days=10), vote_closes_at=closes))
    for n, sub in enumerate([subs[0], subs[0], subs[1]]):
        voter = make_user(f"Voter {n}")
        db.session.add(Vote(challenge_id=challenge.id, user_id=voter.id, voter=voter.email, submission_id=sub.id,
                            cast_at=later - timedelta(hours=n + 1)))
    round_ = rubric.rounds_of(challenge)[0]
    assign.open_round(round_, seeker, later)
    score_and_close(round_, subs, judges[0], later)
    decisions.decide(round_, [subs[2].id], judges[0], later)
    publication.publish(challenge, judges[0], later + timedelta(hours=1))
    db.session.commit()
    return challenge, subs, entrants, broker, later + timedelta(hours=1)


def _run_at(when):
    """The job as beat runs it: at the clock's time (placements() and the vote's window read the clock)."""
    clock.travel(when - clock.now())
    return jobs.run(JOB).lines


def _awards(prize_id) -> list[Award]:
    return list(db.session.scalars(db.select(Award).where(Award.prize_id == prize_id)))


def _told(user) -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "judging.outcome",
                                                                  OutboxMessage.to_email == user.email)
                              .order_by(OutboxMessage.id)))  # PostgreSQL keeps no order without one


@pytest.fixture()
def world(make_user, make_org, make_challenge, make_submission):
    return lambda **kw: _published_with_a_vote(make_user, make_org, make_challenge, make_submission, **kw)


def test_the_job_announces_and_awards_the_peoples_choice_once_the_vote_closes(world, client):
    challenge, subs, entrants, _, published = world()
    public_prize = challenge.prizes[1]
    assert subs[0].state == SubmissionState.NOT_SELECTED and len(_told(entrants[0])) == 1  # told "not selected"
    assert _run_at(published + timedelta(hours=1)) == []  # the vote is still open
    assert _awards(public_prize.id) == []
    closed = published + timedelta(days=2)
    assert _run_at(closed) == [f"challenge {challenge.id}: the people's choice is {subs[0].reference}"]
    db.session.expire_all()
    assert subs[0].state == SubmissionState.WINNER
    [award] = _awards(public_prize.id)
    assert award.submission_id == subs[0].id and award.amount == 200_000
    told = _told(entrants[0])
    assert len(told) == 2 and "people's choice" in told[1].body and "Prize 2" in told[1].subject
    assert db.session.scalar(db.select(JudgingSettings.vote_announced_at)) is not None
    # Again, and again a day later: nothing more is announced, awarded or sent.
    assert _run_at(closed + timedelta(minutes=5)) == []
    assert _run_at(closed + timedelta(days=1)) == []
    assert len(_awards(public_prize.id)) == 1 and len(_told(entrants[0])) == 2
    assert publication.announce_vote(challenge, None, closed + timedelta(days=1)) is None
    # The money page has nothing left to award; the public page names the prize.
    assert awards.unawarded_places(challenge) == []
    page = client.get(f"/challenges/{challenge.slug}").text
    assert "Prize 2" in page and "Prize 1" in page


def test_a_vote_that_closed_before_publication_is_announced_by_publishing(world):
    challenge, subs, entrants, _, published = world(close_after=False)
    db.session.expire_all()
    assert subs[0].state == SubmissionState.WINNER and len(_awards(challenge.prizes[1].id)) == 1
    assert len(_told(entrants[0])) == 1
    assert _run_at(published + timedelta(days=1)) == []
    assert len(_awards(challenge.prizes[1].id)) == 1 and len(_told(entrants[0])) == 1


def test_a_pool_that_holds_nothing_is_announced_now_and_awarded_from_the_money_page(world):
    challenge, subs, entrants, _, published = world(pay=False)
    _run_at(published + timedelta(days=3))
    db.session.expire_all()
    assert subs[0].state == SubmissionState.WINNER and len(_told(entrants[0])) == 2
    assert _awards(challenge.prizes[1].id) == []
    assert [(s.id, p.id) for s, p in awards.unawarded_places(challenge)] == [
        (subs[2].id, challenge.prizes[0].id), (subs[0].id, challenge.prizes[1].id)]


def test_a_vote_nobody_voted_in_is_closed_quietly(world):
    challenge, subs, entrants, _, published = world()
    db.session.execute(db.delete(Vote))
    db.session.commit()
    assert _run_at(published + timedelta(days=3)) == [
        f"challenge {challenge.id}: nothing to announce (no votes, or another run was first)"]
    assert _run_at(published + timedelta(days=4)) == []
    assert _awards(challenge.prizes[1].id) == [] and len(_told(entrants[0])) == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_two_announcers_at_once_award_and_tell_once(app, world):
    challenge, subs, entrants, _, published = world()
    challenge_id, closed = challenge.id, published + timedelta(days=2)
    clock.travel(closed - clock.now())

    def announce():
        winner = publication.announce_vote(db.session.get(Challenge, challenge_id), None, closed)
        db.session.commit()
        return winner.id if winner else None

    results = in_threads(app, 3, announce)
    assert sorted(results, key=lambda r: r is not None) == [None, None, subs[0].id], results
    db.session.expire_all()
    assert len(_awards(challenge.prizes[1].id)) == 1 and len(_told(entrants[0])) == 2
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "judging.vote_announced")) == 1
