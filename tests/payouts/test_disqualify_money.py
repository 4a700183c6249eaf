"""Disqualifying an entry cancels its unpaid awards and payouts, and flags a paid payout for reversal with the
broker's reason; recording the reversal moves the money back to the escrow in a balanced transaction.

The thread tests need PostgreSQL (SQLite serialises every writer); the rest run on both databases."""
from __future__ import annotations

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError, InvalidTransition
from challenge.extensions import db
from challenge.payouts import awards, funding, ledger, release, splits
from challenge.payouts.models import Award, LedgerTransaction, Payout
from challenge.payouts.reconcile import reconcile
from challenge.permissions import can
from challenge.platform.models import AuditEvent
from challenge.submissions import services
from challenge.submissions.models import Submission
from tests.payouts.payouts_helpers import bank_details, fund_all, pay_out
from tests.races import ON_POSTGRES, SKIP_REASON, in_threads as _in_threads

GRANT = 150_000  # £1,500
REASON = "Copied from another entry."


@pytest.fixture
def granted(world):
    """A funded challenge in judging with a £3,000 stage-grant budget; the winner's entry holds a £1,500 grant."""
    def build(*, payee_ready: bool = False):
        w = world(fund=False)
        funding.set_funders(w.challenge, [(w.council, 6000), (w.trust, 4000)], w.seeker, clock.now(),
                            stage_grants_budget=300_000)
        db.session.commit()
        fund_all(w)
        if payee_ready:
            bank_details(w.winner)
        w.free_before = awards.available(w.challenge)
        [w.award] = awards.create_stage_grants(w.challenge, [w.sub_a], GRANT, "GBP", 1, w.broker, clock.now())
        db.session.commit()
        w.payout = w.award.payouts[0]
        return w

    return build


def _escrow(w) -> int:
    return ledger.balance(ledger.escrow(w.challenge.id), "GBP")


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


@pytest.mark.parametrize("payee_ready", [False, True], ids=["awaiting_payee", "ready"])
def test_an_unpaid_award_and_its_payout_are_cancelled_and_their_money_is_free_again(granted, payee_ready):
    w = granted(payee_ready=payee_ready)
    fee = GRANT * 5 // 100
    assert awards.available(w.challenge) == w.free_before - GRANT - fee
    assert awards.stage_grant_room(w.challenge) == 300_000 - GRANT
    held = _escrow(w)
    said = services.disqualify(w.sub_a, w.broker, clock.now(), reason=REASON)
    db.session.commit()
    assert said == ["1 award cancelled, 1 unpaid payout cancelled."]
    assert (w.payout.state, w.award.cancel_reason) == ("cancelled", REASON) and w.award.cancelled_at is not None
    # The grant's money never left the escrow: it is simply no longer promised; the fee on it comes back.
    assert _escrow(w) == held + fee and awards.available(w.challenge) == w.free_before
    assert awards.stage_grant_room(w.challenge) == 300_000
    assert [(e.from_state, e.to_state, e.reason) for e in _events("payout.cancel")] == [
        ("ready" if payee_ready else "awaiting_payee", "cancelled", REASON)]
    assert [e.reason for e in _events("award.cancel")] == [REASON]
    with pytest.raises(InvalidTransition, match="cancelled"):
        release.release_payout(w.payout.id, w.broker, clock.now())
    assert ledger.unbalanced_transactions() == [] and reconcile(clock.now()) == []


def test_a_paid_payout_is_flagged_and_its_reversal_returns_the_money_to_the_escrow(granted):
    w = granted(payee_ready=True)
    assert pay_out(w.payout.id, w.broker).state == "paid"
    held = _escrow(w)
    said = services.disqualify(w.sub_a, w.broker, clock.now(), reason=REASON)
    db.session.commit()
    assert said == ["1 award cancelled; 1 paid payout flagged for reversal on the payouts queue."]
    assert (w.payout.state, w.payout.reversal_reason) == ("reversal_due", REASON)
    [flag] = _events("payout.flag_reversal")
    assert (flag.from_state, flag.to_state, flag.reason, flag.actor_id) == ("paid", "reversal_due", REASON, w.broker.id)
    fee = GRANT * 5 // 100
    assert _escrow(w) == held + fee and reconcile(clock.now()) == []  # the grant is out until the reversal
    outcome = release.reverse_payout(w.payout.id, "Taken back: the entry was disqualified.", w.broker, clock.now())
    assert outcome.state == "reversed"
    db.session.expire_all()
    assert db.session.get(Payout, w.payout.id).state == "reversed"
    assert _escrow(w) == held + fee + GRANT and ledger.balance(ledger.payee(w.payout.id), "GBP") == 0
    reversal = db.session.scalars(db.select(LedgerTransaction).where(LedgerTransaction.kind == "reversal")).one()
    assert sorted(e.amount for e in reversal.entries) == [-GRANT, GRANT]
    assert ledger.unbalanced_transactions() == [] and reconcile(clock.now()) == []
    assert awards.available(w.challenge) == w.free_before


def test_a_disqualified_winners_prize_place_can_be_awarded_to_another_entry(world):
    """The cancelled award gives its place back (the database allows one award per place), and the broker's fee
    on it returns to the escrow, so the next winner is paid the advertised prize from the same pool."""
    w = world()
    prize = w.challenge.prizes[0]
    free_before = awards.available(w.challenge)
    [first] = awards.create_awards(w.challenge, [(w.sub_a, prize)], w.broker, clock.now())
    db.session.commit()
    assert first.place == 1
    services.disqualify(w.sub_a, w.broker, clock.now(), reason=REASON)
    db.session.commit()
    assert first.place is None and awards.available(w.challenge) == free_before
    [second] = awards.create_awards(w.challenge, [(w.sub_b, prize)], w.broker, clock.now())
    db.session.commit()
    assert (second.place, second.amount) == (1, prize.amount)
    [event] = _events("award.cancel")
    assert event.data["place"] == 1
    assert ledger.unbalanced_transactions() == [] and reconcile(clock.now()) == []


def test_a_team_award_waiting_for_its_split_is_cancelled_and_cannot_be_agreed(world, make_submission, make_user):
    w = world(fund=False)
    funding.set_funders(w.challenge, [(w.council, 10000)], w.seeker, clock.now(), stage_grants_budget=300_000)
    db.session.commit()
    fund_all(w)
    lead, mate = make_user("Lena Lead"), make_user("Matt Mate")
    entry = make_submission(w.challenge, lead, team=(mate,))
    [award] = awards.create_stage_grants(w.challenge, [entry], GRANT, "GBP", 1, w.broker, clock.now())
    splits.propose_split(award, [(lead.id, 5000), (mate.id, 5000)], lead, clock.now())
    db.session.commit()
    assert services.disqualify(entry, w.broker, clock.now(), reason=REASON) == ["1 award cancelled."]
    db.session.commit()
    with pytest.raises(DomainError, match="cancelled when the entry was disqualified"):
        splits.agree_split(award, mate, clock.now())
    db.session.rollback()
    assert award.payouts == []
    assert not can(lead, "award.split", award) and not can(mate, "award.agree_split", award)


def test_the_split_pages_of_a_cancelled_award_are_gone(client, login, world, make_submission, make_user):
    w = world(fund=False)
    funding.set_funders(w.challenge, [(w.council, 10000)], w.seeker, clock.now(), stage_grants_budget=300_000)
    db.session.commit()
    fund_all(w)
    lead, mate = make_user("Lena Lead"), make_user("Matt Mate")
    entry = make_submission(w.challenge, lead, team=(mate,))
    [award] = awards.create_stage_grants(w.challenge, [entry], GRANT, "GBP", 1, w.broker, clock.now())
    splits.propose_split(award, [(lead.id, 5000), (mate.id, 5000)], lead, clock.now())
    db.session.commit()
    login(lead)
    assert client.get(f"/awards/{award.id}/split").status_code == 200
    services.disqualify(entry, w.broker, clock.now(), reason=REASON)
    db.session.commit()
    assert client.get(f"/awards/{award.id}/split").status_code == 404
    login(mate)
    assert client.post(f"/awards/{award.id}/split/agree").status_code == 404


def test_while_a_payout_is_being_paid_the_disqualification_waits_for_its_outcome(granted):
    w = granted(payee_ready=True)
    w.payout.state = "processing"
    db.session.commit()
    with pytest.raises(InvalidTransition, match="being paid just now"):
        services.disqualify(w.sub_a, w.broker, clock.now(), reason=REASON)
    db.session.rollback()
    assert db.session.get(Submission, w.sub_a.id).state == "submitted"
    assert w.award.cancelled_at is None and _events("submission.disqualify") == []


def test_a_second_disqualification_from_a_stale_page_changes_nothing(granted):
    w = granted()
    services.disqualify(w.sub_a, w.broker, clock.now(), reason=REASON)
    db.session.commit()
    set_committed_value(w.sub_a, "state", "submitted")  # the second click's request read the entry before
    with pytest.raises(InvalidTransition, match="already been disqualified"):
        services.disqualify(w.sub_a, w.broker, clock.now(), reason="Again.")
    db.session.rollback()
    assert len(_events("submission.disqualify")) == 1 and len(_events("award.cancel")) == 1
    assert w.award.cancel_reason == REASON


def test_an_entry_without_awards_or_pool_is_disqualified_as_before(world):
    w = world(fund=False)
    assert services.disqualify(w.sub_b, w.broker, clock.now(), reason=REASON) == []
    db.session.commit()
    assert w.sub_b.state == "disqualified"


def test_the_broker_is_told_and_the_queue_shows_what_to_reverse(client, login, granted):
    w = granted(payee_ready=True)
    pay_out(w.payout.id, w.broker)
    login(w.broker)
    response = client.post(f"/submissions/{w.sub_a.reference}/disqualify", data={"reason": REASON},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "1 paid payout flagged for reversal on the payouts queue" in response.text
    queue = client.get("/admin/payouts").text
    assert "To be reversed: the entry was disqualified" in queue and f"To reverse: {REASON}" in queue
    money = client.get(f"/admin/payouts/challenges/{w.challenge.slug}").text
    assert f"{REASON}" in money and "Cancelled" in money
    # A double click: the second request is told, not shown an error page.
    again = client.post(f"/submissions/{w.sub_a.reference}/disqualify", data={"reason": REASON},
                        follow_redirects=True)
    assert again.status_code == 200 and "already been disqualified" in again.text
    response = client.post(f"/admin/payouts/{w.payout.id}/reverse", data={"rev-reason": REASON},
                           follow_redirects=True)
    assert "The payout has been reversed." in response.text
    assert db.session.get(Payout, w.payout.id).state == "reversed"


def test_the_winner_sees_the_award_cancelled(client, login, granted):
    w = granted()
    services.disqualify(w.sub_a, w.broker, clock.now(), reason=REASON)
    db.session.commit()
    login(w.winner)
    page = client.get("/my/payouts").text
    assert "the entry was disqualified" in page and "Cancelled" in page


# --- races ------------------------------------------------------------------------------------------

@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_two_brokers_disqualifying_at_once_cancel_the_award_once(app, granted):
    w = granted()
    sub_id, broker_id = w.sub_a.id, w.broker.id
    db.session.commit()

    def disqualify():
        said = services.disqualify(db.session.get(Submission, sub_id), db.session.get(User, broker_id), clock.now(),
                                   reason=REASON)
        db.session.commit()
        return said

    results = _in_threads(app, 3, disqualify)
    assert [r for r in results if not isinstance(r, Exception)] == [["1 award cancelled, 1 unpaid payout "
                                                                     "cancelled."]], results
    assert all(isinstance(r, InvalidTransition) for r in results if isinstance(r, Exception)), results
    db.session.expire_all()
    assert len(_events("submission.disqualify")) == 1 and len(_events("award.cancel")) == 1
    assert len(_events("payout.cancel")) == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
@pytest.mark.parametrize("attempt", range(3))
def test_a_release_and_a_disqualification_at_once_never_leave_a_disqualified_entry_paid(app, granted, attempt):
    w = granted(payee_ready=True)
    sub_id, broker_id, payout_id = w.sub_a.id, w.broker.id, w.payout.id
    db.session.commit()
    jobs = [lambda: release.release_payout(payout_id, db.session.get(User, broker_id), clock.now()),
            lambda: (services.disqualify(db.session.get(Submission, sub_id), db.session.get(User, broker_id),
                                         clock.now(), reason=REASON), db.session.commit())]
    results = _in_threads(app, 2, lambda: jobs.pop()())
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, InvalidTransition)]
    assert unexpected == [], results
    db.session.expire_all()
    state = db.session.get(Submission, sub_id).state
    payout = db.session.get(Payout, payout_id)
    if state == "disqualified":
        assert payout.state in ("cancelled", "reversal_due")
        assert db.session.get(Award, w.award.id).cancelled_at is not None
    else:  # the payout was being paid: the disqualification was refused, to be tried again
        assert payout.state in ("paid", "instructed")  # instructed: a manual payout's transfer is still to make
    assert ledger.unbalanced_transactions() == [] and ledger.negative_escrows() == []
    assert reconcile(clock.now()) == []


def _first_holds_its_locks_while_the_second_runs(app, first, second) -> list[Exception]:
    """Run `first()` and, once it has flushed (holding its row locks), `second()` in another thread; `first`
    commits a second later, so `second` runs while those locks are held."""
    import threading
    import time

    flushed, errors = threading.Event(), []

    def run_first():
        with app.app_context():
            try:
                first()
                flushed.set()
                time.sleep(1)
                db.session.commit()
            except Exception as exc:  # returned to the test
                errors.append(exc)
                flushed.set()
            finally:
                db.session.remove()

    def run_second():
        flushed.wait(30)
        with app.app_context():
            try:
                second()
                db.session.commit()
            except Exception as exc:  # returned to the test
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_bank_details_saved_while_the_entry_is_disqualified_leave_the_payout_cancelled(app, granted):
    w = granted()
    sub_id, broker_id, winner_id, payout_id = w.sub_a.id, w.broker.id, w.winner.id, w.payout.id
    db.session.commit()
    errors = _first_holds_its_locks_while_the_second_runs(
        app, lambda: services.disqualify(db.session.get(Submission, sub_id), db.session.get(User, broker_id),
                                         clock.now(), reason=REASON),
        lambda: bank_details(db.session.get(User, winner_id)))
    assert errors == []
    db.session.expire_all()
    assert db.session.get(Payout, payout_id).state == "cancelled"


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_a_split_agreed_while_the_entry_is_disqualified_leaves_no_payout_to_pay(app, world, make_submission,
                                                                                make_user):
    w = world(fund=False)
    funding.set_funders(w.challenge, [(w.council, 10000)], w.seeker, clock.now(), stage_grants_budget=300_000)
    db.session.commit()
    fund_all(w)
    lead, mate = make_user("Lena Lead"), make_user("Matt Mate")
    entry = make_submission(w.challenge, lead, team=(mate,))
    [award] = awards.create_stage_grants(w.challenge, [entry], GRANT, "GBP", 1, w.broker, clock.now())
    splits.propose_split(award, [(lead.id, 5000), (mate.id, 5000)], lead, clock.now())
    db.session.commit()
    ids = dict(award=award.id, mate=mate.id, entry=entry.id, broker=w.broker.id)
    errors = _first_holds_its_locks_while_the_second_runs(
        app, lambda: splits.agree_split(db.session.get(Award, ids["award"]), db.session.get(User, ids["mate"]),
                                        clock.now()),
        lambda: services.disqualify(db.session.get(Submission, ids["entry"]), db.session.get(User, ids["broker"]),
                                    clock.now(), reason=REASON))
    assert errors == []
    db.session.expire_all()
    assert db.session.get(Award, ids["award"]).cancelled_at is not None
    payouts = db.session.scalars(db.select(Payout).where(Payout.award_id == ids["award"])).all()
    assert len(payouts) == 2 and {p.state for p in payouts} == {"cancelled"}
