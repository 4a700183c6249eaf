"""Stage grants come from the stage-grant budget, and only the seeker or a broker sets a round's grant: a chair
may shortlist but not create money. The thread tests need PostgreSQL (SQLite serialises every writer)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError, InvalidTransition
from challenge.extensions import db
from challenge.judging import assignment, decisions, publication, rubric
from challenge.judging.models import Decision, Round
from challenge.payouts import awards, funding, ledger
from challenge.payouts.models import Award
from challenge.submissions.models import Submission
from tests.factories import pay_or_waive, publish_and_start_judging, score_and_close
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads as _in_threads

GRANT = 100_000  # £1,000 to each entry advanced


def _scored(make_user, make_org, make_challenge, make_submission, *, budget: int, grant: int = GRANT):
    """A funded £10,000 challenge with a stage-grant `budget`, round 1 (granting `grant` to each entry it advances,
    set by the seeker) scored and closed, round 2 waiting."""
    now = clock.now()
    broker, seeker = make_user("Brooke Broker", broker=True), make_user("Sam Seeker")
    council = make_org(seeker, name="Riverside Council")
    challenge = make_challenge(council, "in_review", prizes=((1_000_000, 1),), author=seeker)
    challenge.closes_at = now + timedelta(days=10)
    rubric.apply_sbri_preset(challenge, seeker, now)
    funders = funding.set_funders(challenge, [(council, 10_000)], seeker, now, stage_grants_budget=budget)
    pay_or_waive(challenge, funders, seeker, broker, now, pay=True)
    entrants, subs, judges, later = publish_and_start_judging(challenge, seeker, broker, make_user, make_submission,
                                                              now, entries=4)
    first = rubric.rounds_of(challenge)[0]
    rubric.update_round(first, seeker, later, name=first.name, strategy="all", k=None, comments_required=False,
                        threshold_percent=None, closes_at=None, advance_grant=grant)
    rubric.add_round(challenge, seeker, later, name="Final")
    assignment.open_round(first, seeker, later)
    score_and_close(first, subs, judges[0], later)
    db.session.commit()
    return SimpleNamespace(challenge=challenge, broker=broker, seeker=seeker, chair=judges[0], subs=subs, round=first,
                           at=later + timedelta(hours=1))


def _grants(challenge) -> list[Award]:
    return db.session.scalars(db.select(Award).where(Award.challenge_id == challenge.id,
                                                     Award.round_position.is_not(None)).order_by(Award.id)).all()


def _decisions() -> int:
    return db.session.scalar(db.select(db.func.count(Decision.id)).where(Decision.kind == "advance"))


# --- the budget -------------------------------------------------------------------------------------

def test_with_no_budget_the_chair_cannot_pay_grants_from_the_prize_money(make_user, make_org, make_challenge,
                                                                        make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, budget=0)
    with pytest.raises(rubric.FieldError, match="no stage-grant budget"):
        decisions.advance(w.round, [w.subs[3].id, w.subs[2].id], w.chair, w.at)
    db.session.rollback()
    assert _grants(w.challenge) == [] and _decisions() == 0
    assert {s.state for s in db.session.scalars(db.select(Submission))} == {"submitted"}
    # The advertised prize can still be awarded in full.
    awards.create_awards(w.challenge, [(w.subs[3], w.challenge.prizes[0])], w.broker, w.at)


def test_grants_beyond_what_is_left_of_the_budget_are_refused_with_a_message(make_user, make_org, make_challenge,
                                                                             make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, budget=250_000)
    with pytest.raises(rubric.FieldError, match=r"need £3,000, but only £2,500 is left of the stage-grant budget"):
        decisions.advance(w.round, [w.subs[3].id, w.subs[2].id, w.subs[1].id], w.chair, w.at)
    db.session.rollback()
    assert _grants(w.challenge) == []
    decisions.advance(w.round, [w.subs[3].id, w.subs[2].id], w.chair, w.at)
    db.session.commit()
    assert [g.amount for g in _grants(w.challenge)] == [GRANT, GRANT]
    assert awards.stage_grant_room(w.challenge) == 50_000
    # The grants already given count against the budget on the broker's page too.
    with pytest.raises(DomainError, match=r"only £500 is left of the stage-grant budget of £2,500 \(£2,000 is already"):
        awards.create_stage_grants(w.challenge, [w.subs[1]], 60_000, "GBP", 1, w.broker, w.at)
    db.session.rollback()
    awards.create_stage_grants(w.challenge, [w.subs[1]], 50_000, "GBP", 1, w.broker, w.at)
    db.session.commit()
    assert awards.stage_grant_room(w.challenge) == 0
    assert ledger.unbalanced_transactions() == [] and ledger.negative_escrows() == []


def test_the_brokers_stage_grant_page_respects_the_budget(client, login, make_user, make_org, make_challenge,
                                                          make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, budget=150_000)
    clock.travel(w.at - clock.now())
    login(w.broker)
    url = f"/admin/payouts/challenges/{w.challenge.slug}/stage-grants"
    data = {"grant-submissions": [str(w.subs[3].id), str(w.subs[2].id)], "grant-amount": "1,000",
            "grant-currency": "GBP", "grant-round_position": "1"}
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "only £1,500 is left of the stage-grant budget of £1,500" in response.get_data(as_text=True)
    assert _grants(w.challenge) == []
    assert client.post(url, data={**data, "grant-submissions": [str(w.subs[3].id)]}).status_code == 302
    assert len(_grants(w.challenge)) == 1


def test_the_advance_page_tells_the_chair_what_is_left_of_the_budget(client, login, make_user, make_org,
                                                                    make_challenge, make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, budget=250_000)
    clock.travel(w.at - clock.now())
    login(w.chair)
    page = client.get(f"/judging/{w.challenge.slug}/rounds/1/advance").get_data(as_text=True)
    assert "£2,500 is left of the stage-grant budget: enough for 2 entries" in page
    response = client.post(f"/judging/{w.challenge.slug}/rounds/1/advance",
                           data={"entries": [str(s.id) for s in w.subs[1:]]})
    assert response.status_code == 400 and "only £2,500 is left" in response.get_data(as_text=True)


# --- who sets a round's grant -----------------------------------------------------------------------

@pytest.fixture()
def pending(make_world):
    return make_world(rounds=({"name": "Shortlist"}, {"name": "Final"}))


def test_a_chair_cannot_set_or_change_a_rounds_grant(client, login, pending):
    login(pending.chair)
    url = f"/judging/{pending.challenge.slug}/rounds/1/edit"
    response = client.post(url, data={"name": "Shortlist", "strategy": "all", "advance_grant": "50,000"})
    assert response.status_code == 400
    assert "a chair may shortlist entries but not create money" in response.get_data(as_text=True)
    assert pending.round.advance_grant is None
    response = client.post(f"/judging/{pending.challenge.slug}/rounds",
                           data={"name": "Bonus", "strategy": "all", "advance_grant": "50,000"})
    assert response.status_code == 400 and len(rubric.rounds_of(pending.challenge)) == 2
    # The chair's form has no grant field; saving the other settings keeps the grant the seeker set.
    pending.round.advance_grant = 150_000
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert 'name="advance_grant"' not in page and "Stage grant: £1,500 to each entry advanced" in page
    assert client.post(url, data={"name": "Shortlist 2", "strategy": "all"}).status_code == 302
    assert (pending.round.name, pending.round.advance_grant) == ("Shortlist 2", 150_000)
    assert 'name="advance_grant"' not in client.get(f"/judging/{pending.challenge.slug}/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["seeker", "broker"])
def test_the_seeker_or_a_broker_sets_a_rounds_grant(client, login, pending, who):
    login(getattr(pending, who))
    url = f"/judging/{pending.challenge.slug}/rounds/1/edit"
    assert 'name="advance_grant"' in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"name": "Shortlist", "strategy": "all", "advance_grant": "1,500"}).status_code == 302
    assert pending.round.advance_grant == 150_000
    assert client.post(f"/judging/{pending.challenge.slug}/rounds",
                       data={"name": "Bonus", "strategy": "all", "advance_grant": "500"}).status_code == 302
    assert rubric.rounds_of(pending.challenge)[-1].advance_grant == 50_000


# --- races ------------------------------------------------------------------------------------------

@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_two_brokers_granting_at_once_cannot_both_spend_the_last_of_the_budget(app, make_user, make_org,
                                                                               make_challenge, make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, budget=150_000)
    clock.travel(w.at - clock.now())
    ids = {"challenge": w.challenge.id, "broker": w.broker.id, "subs": [w.subs[3].id, w.subs[2].id]}
    db.session.commit()

    def grant():
        sub = db.session.get(Submission, ids["subs"].pop())
        made = awards.create_stage_grants(sub.challenge, [sub], GRANT, "GBP", 1,
                                          db.session.get(User, ids["broker"]), clock.now())
        db.session.commit()
        return len(made)

    results = _in_threads(app, 2, grant)
    assert sorted(map(str, results)).count("1") == 1, results
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and "left of the stage-grant budget" in refused[0].message
    db.session.expire_all()
    assert len(_grants(w.challenge)) == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_a_double_click_on_advance_records_one_shortlist_and_pays_once(app, make_user, make_org, make_challenge,
                                                                       make_submission):
    w = _scored(make_user, make_org, make_challenge, make_submission, budget=1_000_000)
    round_id, chair_id, chosen = w.round.id, w.chair.id, [w.subs[3].id, w.subs[2].id]
    db.session.commit()

    def advance():
        _, paid = decisions.advance(db.session.get(Round, round_id), chosen, db.session.get(User, chair_id), w.at)
        db.session.commit()
        return paid

    results = _in_threads(app, 3, advance)
    assert [r for r in results if not isinstance(r, Exception)] == [2], results
    assert all(isinstance(r, InvalidTransition) for r in results if isinstance(r, Exception)), results
    db.session.expire_all()
    assert _decisions() == 1 and len(_grants(w.challenge)) == 2


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_a_double_click_on_the_final_decision_records_it_once_and_awards_once(app, make_user, make_org,
                                                                              make_challenge, make_submission):
    """The decision is decided under the round's lock: the second click waits, then is told it is recorded
    (before, both passed the check and the second met the database's unique constraint: a 500)."""
    w = _scored(make_user, make_org, make_challenge, make_submission, budget=0, grant=None)
    round_id, chair_id = w.round.id, w.chair.id
    winner = decisions.computed_order(decisions.results_mod.load(w.round))[0].id
    db.session.commit()

    def decide():
        decisions.decide(db.session.get(Round, round_id), [winner], db.session.get(User, chair_id), w.at,
                         empty_reason="One prize this year.")
        db.session.commit()
        return "decided"

    results = _in_threads(app, 3, decide)
    assert [r for r in results if not isinstance(r, Exception)] == ["decided"], results
    assert all(isinstance(r, InvalidTransition) for r in results if isinstance(r, Exception)), results
    db.session.expire_all()
    publication.publish(w.challenge, w.chair, w.at)  # the awards are made when the results are published
    db.session.commit()
    finals = db.session.scalar(db.select(db.func.count(Decision.id)).where(Decision.kind == "final"))
    prizes = db.session.scalars(db.select(Award).where(Award.challenge_id == w.challenge.id,
                                                       Award.prize_id.is_not(None))).all()
    assert finals == 1 and [a.submission_id for a in prizes] == [winner]
