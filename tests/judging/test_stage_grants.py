"""Stage grants paid when the chair advances entries: a round's grant per advanced entry, from the pool."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment, decisions, rubric
from challenge.judging.models import Decision
from challenge.payouts import funding, ledger
from challenge.payouts.models import Award, Payout
from challenge.platform.models import AuditEvent
from challenge.submissions.models import Submission
from tests.factories import pay_or_waive, publish_and_start_judging, score_and_close

GRANT = 100_000  # £1,000 to each entry advanced


def _scored(make_user, make_org, make_challenge, make_submission, *, fund: bool, grant: int | None = GRANT):
    """A funded (or waived) challenge with a £3,000 stage-grant budget, round 1 scored and closed, round 2
    waiting; round 1 gives `grant` to each entry it advances."""
    now = clock.now()
    broker = make_user("Brooke Broker", broker=True)
    seeker = make_user("Sam Seeker")
    council = make_org(seeker, name="Riverside Council")
    challenge = make_challenge(council, "in_review", prizes=((1_000_000, 1),), author=seeker)
    challenge.closes_at = now + timedelta(days=10)
    rubric.apply_sbri_preset(challenge, seeker, now)
    funders = funding.set_funders(challenge, [(council, 10_000)], seeker, now, stage_grants_budget=300_000)
    pay_or_waive(challenge, funders, seeker, broker, now, pay=fund)
    entrants, subs, judges, later = publish_and_start_judging(challenge, seeker, broker, make_user, make_submission,
                                                              now, entries=4)
    first = rubric.rounds_of(challenge)[0]
    rubric.update_round(first, seeker, later, name=first.name, strategy="all", k=None, comments_required=False,
                        threshold_percent=None, closes_at=None, advance_grant=grant)
    rubric.add_round(challenge, seeker, later, name="Final")
    assignment.open_round(first, seeker, later)
    score_and_close(first, subs, judges[0], later)
    db.session.commit()
    return SimpleNamespace(challenge=challenge, broker=broker, seeker=seeker, chair=judges[0], entrants=entrants,
                           subs=subs, round=first, at=later + timedelta(hours=1))


def _grants(challenge) -> list[Award]:
    return db.session.scalars(db.select(Award).where(Award.challenge_id == challenge.id, Award.round_position == 1)
                              .order_by(Award.id)).all()


def test_advancing_pays_each_entry_the_rounds_grant_like_a_prize(make_user, make_org, make_challenge,
                                                                  make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, fund=True)
    held = funding.pool_status(w.challenge).held
    _, paid = decisions.advance(w.round, [w.subs[3].id, w.subs[2].id], w.chair, w.at)
    db.session.commit()
    assert paid == 2
    grants = _grants(w.challenge)
    assert [(g.submission_id, g.amount, g.currency) for g in grants] == [
        (w.subs[3].id, GRANT, "GBP"), (w.subs[2].id, GRANT, "GBP")]
    payouts = db.session.scalars(db.select(Payout).where(Payout.award_id.in_([g.id for g in grants]))).all()
    assert sorted(p.user_id for p in payouts) == sorted([w.entrants[3].id, w.entrants[2].id])
    assert {p.state for p in payouts} == {"awaiting_payee"}
    fee = 2 * GRANT * 5 // 100  # taken now; the grants themselves leave the escrow when each is paid
    assert funding.pool_status(w.challenge).held == held - fee
    assert ledger.unbalanced_transactions() == [] and ledger.negative_escrows() == []
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "judging.shortlist_advanced")).one()
    assert event.data["stage_grants"] == 2


def test_a_grant_the_pool_cannot_cover_refuses_the_whole_shortlist(make_user, make_org, make_challenge,
                                                                   make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, fund=True, grant=50_000_000)
    with pytest.raises(rubric.FieldError, match="stage grants cannot be paid"):
        decisions.advance(w.round, [w.subs[3].id, w.subs[2].id], w.chair, w.at)
    db.session.rollback()
    assert _grants(w.challenge) == []
    assert db.session.scalar(db.select(db.func.count(Decision.id)).where(Decision.kind == "advance")) == 0
    assert {s.state for s in db.session.scalars(db.select(Submission))} == {"submitted"}


def test_with_no_money_held_the_shortlist_stands_and_the_broker_pays_later(make_user, make_org, make_challenge,
                                                                           make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, fund=False)
    assert not decisions.pays_stage_grants(w.round)
    assert decisions.advance(w.round, [w.subs[3].id], w.chair, w.at)[1] == 0
    db.session.commit()
    assert _grants(w.challenge) == [] and w.subs[3].state == "shortlisted"


def test_a_round_without_a_grant_pays_nobody(make_user, make_org, make_challenge, make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, fund=True, grant=None)
    decisions.advance(w.round, [w.subs[3].id], w.chair, w.at)
    db.session.commit()
    assert _grants(w.challenge) == []


def test_the_chair_advances_in_the_browser_and_is_told_of_the_grants(client, login, make_user, make_org,
                                                                     make_challenge, make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, fund=True)
    clock.travel(w.at - clock.now())
    login(w.chair)
    url = f"/judging/{w.challenge.slug}/rounds/1/advance"
    assert "receives a stage grant of <strong>£1,000</strong>" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"entries": [str(w.subs[3].id), str(w.subs[2].id)]}, follow_redirects=True)
    assert response.status_code == 200
    assert "Each receives a stage grant of £1,000" in response.get_data(as_text=True)
    assert len(_grants(w.challenge)) == 2


def test_the_chair_sees_why_a_shortlist_is_refused_and_nothing_is_recorded(client, login, make_user, make_org,
                                                                           make_challenge, make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, fund=True, grant=50_000_000)
    clock.travel(w.at - clock.now())
    login(w.chair)
    response = client.post(f"/judging/{w.challenge.slug}/rounds/1/advance",
                           data={"entries": [str(w.subs[3].id), str(w.subs[2].id)]})
    assert response.status_code == 400 and "stage grants cannot be paid" in response.get_data(as_text=True)
    assert _grants(w.challenge) == [] and w.subs[3].state == "submitted"


# --- setting the grant on a round ------------------------------------------------------------------

@pytest.fixture()
def pending(make_world):
    world = make_world(rounds=({"name": "Shortlist"}, {"name": "Final"}))
    return world


def test_the_seeker_sets_a_rounds_grant_in_pounds(client, login, pending):
    login(pending.seeker)
    url = f"/judging/{pending.challenge.slug}/rounds/1/edit"
    data = {"name": "Shortlist", "strategy": "all", "advance_grant": "1,500"}
    assert client.post(url, data=data).status_code == 302
    assert pending.round.advance_grant == 150_000
    assert 'value="£1,500"' in client.get(url).get_data(as_text=True)
    setup = client.get(f"/judging/{pending.challenge.slug}/").get_data(as_text=True)
    assert "Stage grant £1,500 to each entry advanced" in setup
    assert client.post(url, data={**data, "advance_grant": ""}).status_code == 302
    assert pending.round.advance_grant is None


@pytest.mark.parametrize("amount, message", [("abc", "Enter an amount"), ("-5", "not negative"),
                                             ("0", "more than zero"), ("1.234", "Enter an amount")])
def test_a_bad_grant_is_refused_with_a_message(client, login, pending, amount, message):
    login(pending.seeker)
    response = client.post(f"/judging/{pending.challenge.slug}/rounds/1/edit",
                           data={"name": "Shortlist", "strategy": "all", "advance_grant": amount})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert pending.round.advance_grant is None


def test_only_those_who_run_the_panel_set_a_grant(client, login, pending):
    for user in (pending.judges[1], pending.outsider, pending.creators[0]):
        login(user)
        response = client.post(f"/judging/{pending.challenge.slug}/rounds/1/edit",
                               data={"name": "Shortlist", "strategy": "all", "advance_grant": "1,500"})
        assert response.status_code == 404
    assert pending.round.advance_grant is None


def test_the_service_refuses_a_grant_that_is_not_a_positive_amount(pending):
    for bad in (0, -100, 12.5, "1500"):
        with pytest.raises(rubric.FieldError, match="more than zero"):
            rubric.update_round(pending.round, pending.seeker, clock.now(), name="Shortlist", strategy="all", k=None,
                                comments_required=False, threshold_percent=None, closes_at=None, advance_grant=bad)
