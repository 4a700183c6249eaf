"""Money moved once under races: a recorded payment is booked once, a prize place is awarded once, and
refunds after a short payment follow what each funder actually paid.

The thread tests need PostgreSQL (SQLite serialises every writer); the rest run on both databases and
reproduce a race's interleaving in one session by giving the service a row read before the other
request committed."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError, InvalidTransition
from challenge.extensions import db
from challenge.payouts import awards, funding, ledger, refunds
from challenge.payouts.models import Award, Funding, LedgerTransaction, Payout
from challenge.payouts.reconcile import reconcile
from challenge.submissions.models import Submission
from tests.judging.decision_helpers import published_decision
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads as _in_threads

def _escrow(w) -> int:
    return ledger.balance(ledger.escrow(w.challenge.id), "GBP")


def _funding_transactions(w) -> int:
    return db.session.scalar(db.select(db.func.count(LedgerTransaction.id)).where(
        LedgerTransaction.challenge_id == w.challenge.id, LedgerTransaction.kind == "funding"))


def _make_stale(row: Funding, **values) -> None:
    """Make the session's copy of `row` look as it did before another request's commit."""
    for name, value in values.items():
        set_committed_value(row, name, value)


# ----- 1. a recorded bank transfer is booked once ---------------------------------------------------

def test_a_transfer_recorded_from_a_stale_page_is_refused_and_books_nothing(world):
    w = world(fund=False, shares=(10000,))
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    db.session.commit()
    funding.record_bank_transfer(invoice, invoice.amount, "GBP", "BACS 1", w.broker, clock.now())
    db.session.commit()
    # The second click's request read the invoice while it was still pending.
    _make_stale(invoice, state="pending", paid_at=None)
    with pytest.raises(InvalidTransition, match="already been recorded"):
        funding.record_bank_transfer(invoice, invoice.amount, "GBP", "BACS 1", w.broker, clock.now())
    db.session.rollback()
    assert _funding_transactions(w) == 1
    assert _escrow(w) == 1_050_000
    assert reconcile(clock.now()) == []


def test_the_database_refuses_a_second_funding_transaction_for_one_payment(world):
    w = world(fund=False, shares=(10000,))
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    funding.record_bank_transfer(invoice, invoice.amount, "GBP", "", w.broker, clock.now())
    db.session.commit()
    with pytest.raises(IntegrityError):
        ledger.post("funding", w.challenge.id, "GBP", [(ledger.escrow(w.challenge.id), 5),
                                                         (ledger.funder(w.funders[0].id), -5)],
                    clock.now(), funding_id=invoice.id)
    db.session.rollback()


def test_reconcile_reports_escrow_received_that_no_payment_accounts_for(world, runner):
    w = world(fund=False, shares=(10000,))
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    funding.record_bank_transfer(invoice, invoice.amount, "GBP", "", w.broker, clock.now())
    db.session.commit()
    assert reconcile(clock.now()) == []
    # What the double click left behind before the fix: a second booking of the same payment.
    ledger.post("funding", w.challenge.id, "GBP", [(ledger.escrow(w.challenge.id), 1_050_000),
                                                     (ledger.funder(w.funders[0].id), -1_050_000)], clock.now())
    db.session.commit()
    found = [m for m in reconcile(clock.now()) if m.object == f"challenge {w.challenge.id}"]
    assert len(found) == 1
    assert "£21,000 received" in found[0].message and "£10,500 recorded" in found[0].message
    result = runner.invoke(args=["payouts", "reconcile"])
    assert result.exit_code == 1
    assert f"challenge {w.challenge.id}" in result.output


def test_a_second_click_on_record_transfer_is_answered_calmly(world, client, login):
    w = world(fund=False, shares=(10000,))
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    db.session.commit()
    login(w.broker)
    form = {"rec-amount": "10500.00", "rec-currency": "GBP", "rec-bank_reference": "BACS 9"}
    first = client.post(f"/funding/{invoice.id}/record", data=form)
    assert first.status_code == 302
    second = client.post(f"/funding/{invoice.id}/record", data=form, follow_redirects=True)
    assert second.status_code == 200
    assert "already been recorded" in second.get_data(as_text=True)
    db.session.expire_all()
    assert _funding_transactions(w) == 1
    assert _escrow(w) == 1_050_000


def test_a_second_checkout_event_for_one_payment_books_nothing(world, client, stripe_config):
    from tests.payouts.payouts_helpers import fund_by_card, send_event

    w, fake = world(fund=False, shares=(10000,)), stripe_config
    fund_by_card(client, fake, w)
    row = db.session.scalars(db.select(Funding)).one()
    session = fake.checkout_sessions[row.checkout_session_id]
    response, _ = send_event(client, fake, "checkout.session.completed", session, event_id="evt_other_id")
    assert response.status_code == 200
    assert response.json["outcome"] == "payment already paid"
    # And a stale read inside the service itself is caught after the lock.
    _make_stale(row, state="pending")
    with pytest.raises(InvalidTransition):
        funding.record_payment(row, row.amount, "GBP", clock.now(), payment_intent_id="pi_again")
    db.session.rollback()
    assert _funding_transactions(w) == 1
    assert _escrow(w) == 1_050_000


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_twenty_simultaneous_transfer_records_book_one_payment(app, world):
    w = world(fund=False, shares=(10000,))
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    db.session.commit()
    broker_id, invoice_id, amount = w.broker.id, invoice.id, invoice.amount

    def record():
        row = db.session.get(Funding, invoice_id)
        funding.record_bank_transfer(row, amount, "GBP", "BACS", db.session.get(User, broker_id), clock.now())
        db.session.commit()
        return "recorded"

    results = _in_threads(app, 20, record)
    assert results.count("recorded") == 1, results
    assert all(isinstance(r, InvalidTransition) for r in results if r != "recorded"), results
    db.session.expire_all()
    assert _funding_transactions(w) == 1
    assert _escrow(w) == 1_050_000
    assert reconcile(clock.now()) == []


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_simultaneous_invoice_requests_issue_one_invoice(app, world):
    w = world(fund=False, shares=(10000,))
    seeker_id, funder_id = w.seeker.id, w.funders[0].id

    def ask():
        from challenge.payouts.models import Funder

        row = funding.issue_invoice(db.session.get(Funder, funder_id), db.session.get(User, seeker_id), clock.now())
        db.session.commit()
        return row.id

    results = _in_threads(app, 10, ask)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert db.session.scalar(db.select(db.func.count(Funding.id))) == 1


# ----- 2. a prize place is awarded once -------------------------------------------------------------

def test_awards_take_numbered_places_and_refuse_a_full_prize(world):
    w = world(state="decided", prizes=((300_000, 1), (100_000, 2)))
    first, second = w.challenge.prizes
    made = awards.create_awards(w.challenge, [(w.sub_a, first), (w.sub_a, second), (w.sub_b, second)],
                                w.broker, clock.now())
    db.session.commit()
    assert [(a.prize_id, a.place) for a in made] == [(first.id, 1), (second.id, 1), (second.id, 2)]
    with pytest.raises(DomainError, match="has 1 place"):
        awards.create_awards(w.challenge, [(w.sub_b, first)], w.broker, clock.now())
    db.session.rollback()


def test_the_database_refuses_a_second_award_of_one_place(world):
    w = world(state="decided", prizes=((300_000, 1),))
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    db.session.add(Award(challenge_id=w.challenge.id, submission_id=w.sub_b.id, prize_id=award.prize_id, place=1,
                         amount=award.amount, currency="GBP", created_at=clock.now()))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("prize, place", [(True, 0), (True, -1), (False, 1)])
def test_the_database_refuses_a_place_below_one_or_on_a_stage_grant(world, prize, place):
    w = world(state="decided", prizes=((300_000, 1),))
    db.session.add(Award(challenge_id=w.challenge.id, submission_id=w.sub_a.id, place=place,
                         prize_id=w.challenge.prizes[0].id if prize else None, round_position=None if prize else 1,
                         amount=300_000, currency="GBP", created_at=clock.now()))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_three_simultaneous_awards_of_a_one_place_prize_make_one_award(app, world, make_submission, make_user):
    # Three first prizes (3 × £1,050 with the fee) fit in the £6,300 pool; the second prize then would not.
    w = world(state="decided", prizes=((100_000, 1), (500_000, 1)))
    third = make_submission(w.challenge, make_user("Tam Third"))
    db.session.commit()
    challenge_id, broker_id = w.challenge.id, w.broker.id
    prize_id = w.challenge.prizes[0].id
    entries = iter([w.sub_a.id, w.sub_b.id, third.id])
    lock = __import__("threading").Lock()

    def award():
        from challenge.challenges.models import Challenge, Prize

        with lock:
            entry = next(entries)
        made = awards.create_awards(db.session.get(Challenge, challenge_id),
                                    [(db.session.get(Submission, entry), db.session.get(Prize, prize_id))],
                                    db.session.get(User, broker_id), clock.now())
        db.session.commit()
        return len(made)

    results = _in_threads(app, 3, award)
    assert results.count(1) == 1, results
    assert all(isinstance(r, DomainError) for r in results if r != 1), results
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Award.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Payout.id))) == 1
    # The second prize can still be paid.
    [runner_up] = awards.create_awards(w.challenge, [(w.sub_b, w.challenge.prizes[1])], w.broker, clock.now())
    assert runner_up.place == 1
    db.session.commit()
    assert reconcile(clock.now()) == []


# ----- 6. refunds after a short payment follow what each funder paid --------------------------------

def test_refunds_after_a_short_payment_under_a_waiver_follow_what_each_paid(world):
    # A £1,000 prize, 5 % fee: £1,050 needed, split 50/50. The trust paid only half its share.
    w = world(state="decided", prizes=((100_000, 1),), shares=(5000, 5000), fund=False)
    council, trust = w.funders
    full = funding.issue_invoice(council, w.seeker, clock.now())
    funding.record_bank_transfer(full, 52_500, "GBP", "", w.broker, clock.now())
    part = funding.issue_invoice(trust, w.trust_member, clock.now())
    funding.record_bank_transfer(part, 26_250, "GBP", "", w.broker, clock.now())
    funding.waive_funding(w.challenge, "The trust pays the rest next year", w.broker, clock.now())
    db.session.commit()
    planned = refunds.plan_refunds(w.challenge, w.broker, clock.now(), amount=26_250)
    assert {r.funder_id: r.amount for r in planned} == {council.id: 17_500, trust.id: 8_750}
    db.session.commit()
    refunds.process_refunds([r.id for r in planned], w.broker, clock.now())
    # The rest goes back the same way, and nobody gets back more than they put in.
    rest = refunds.plan_refunds(w.challenge, w.broker, clock.now())
    assert {r.funder_id: r.amount for r in rest} == {council.id: 35_000, trust.id: 17_500}
    db.session.commit()
    refunds.process_refunds([r.id for r in rest], w.broker, clock.now())
    assert _escrow(w) == 0
    assert reconcile(clock.now()) == []


def test_refunds_of_a_fully_paid_pool_still_follow_the_shares(world):
    w = world(state="decided", prizes=((100_000, 1),), shares=(6000, 4000))
    planned = refunds.plan_refunds(w.challenge, w.broker, clock.now(), amount=10_001)
    council, trust = w.funders
    assert {r.funder_id: r.amount for r in planned} == {council.id: 6_001, trust.id: 4_000}


def test_a_second_click_on_award_is_answered_calmly(world, client, login):
    w = world(state="decided", prizes=((300_000, 2),))
    prize = w.challenge.prizes[0]
    published_decision(w.challenge, [(w.sub_a, prize), (w.sub_b, prize)], w.broker)
    login(w.broker)
    url = f"/admin/payouts/challenges/{w.challenge.slug}/awards"
    first = client.post(url, follow_redirects=True)
    assert first.status_code == 200 and "2 prizes awarded, as the decision gave them" in first.text
    second = client.post(url, follow_redirects=True)
    assert second.status_code == 200
    assert "already been awarded" in second.text
    assert sorted(db.session.scalars(db.select(Award.place))) == [1, 2]


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_five_simultaneous_record_clicks_are_all_answered_calmly(app, world):
    w = world(fund=False, shares=(10000,))
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    db.session.commit()
    clients = []
    for _ in range(5):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = w.broker.get_id(), True
        clients.append(client)
    form = {"rec-amount": "10500.00", "rec-currency": "GBP", "rec-bank_reference": "BACS"}
    url = f"/funding/{invoice.id}/record"

    def click():
        return clients.pop().post(url, data=form).status_code

    assert _in_threads(app, 5, click) == [302] * 5
    db.session.expire_all()
    assert _funding_transactions(w) == 1
    assert _escrow(w) == 1_050_000
