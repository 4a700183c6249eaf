"""Manual payouts record what really happened (issue 11 point 13): a release is confirmed on a page showing the
payee's account masked, moves the payout to "instructed" (no money moves yet), and a broker then records
the bank's reference and the date of the transfer, once, which moves the money and tells the winner."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.payouts import awards, funding, ledger, release
from challenge.payouts.models import LedgerTransaction, Payout
from challenge.payouts.reconcile import reconcile
from challenge.payouts.states import PayoutState
from challenge.platform.models import AuditEvent, OutboxMessage
from challenge.submissions import services as submissions
from tests.payouts.payouts_helpers import bank_details, fund_all
from tests.races import ON_POSTGRES, SKIP_REASON, run_together


@pytest.fixture
def ready(world):
    """A decided, funded challenge; the winner's prize payout is ready (UK bank details ending 5678)."""
    w = world(state="decided")
    bank_details(w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    w.award, w.payout_id = award, award.payouts[0].id
    return w


def _payout(w) -> Payout:
    db.session.expire_all()
    return db.session.get(Payout, w.payout_id)


def _payout_transactions(w) -> int:
    return db.session.scalar(db.select(db.func.count(LedgerTransaction.id)).where(
        LedgerTransaction.kind == "payout", LedgerTransaction.challenge_id == w.challenge.id))


def _record(client, w, reference="FP-20931", day=None):
    day = day or clock.now().date()
    return client.post(f"/admin/payouts/{w.payout_id}/paid",
                       data={"paid-reference": reference, "paid-paid_on": day.isoformat()})


def test_the_release_is_confirmed_with_the_masked_account(client, login, ready):
    w = ready
    login(w.broker)
    queue = client.get("/admin/payouts").text
    assert f'href="/admin/payouts/{w.payout_id}/release"' in queue  # a link to the confirmation, not a post
    page = client.get(f"/admin/payouts/{w.payout_id}/release")
    assert page.status_code == 200
    assert "•••• 5678, sort code ••-••-50" in page.text and "£10,000" in page.text and "Wyn Winner" in page.text
    assert "12345678" not in page.text and "30-99-50" not in page.text
    assert _payout(w).state == PayoutState.READY  # looking changes nothing


def test_release_then_record_as_paid_with_the_banks_reference(client, login, ready):
    w = ready
    login(w.broker)
    response = client.post(f"/admin/payouts/{w.payout_id}/release", follow_redirects=True)
    assert "Released: now transfer £10,000 to Wyn Winner" in response.text
    payout = _payout(w)
    assert payout.state == PayoutState.INSTRUCTED and clock.now() - payout.instructed_at < timedelta(minutes=1)
    assert _payout_transactions(w) == 0 and ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 1_000_000
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(OutboxMessage.kind == "payout_paid")) == 0
    page = client.get(f"/admin/payouts/{w.payout_id}/paid").text
    assert "30-99-50" in page and "12345678" in page and "Record as paid" in page  # what to type into the bank
    [seen] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "payee.bank_details_viewed")).all()
    assert (seen.actor_id, seen.data["path"]) == (w.broker.id, f"/admin/payouts/{w.payout_id}/paid")
    client.get(f"/admin/payouts/{w.payout_id}/paid")  # every view is kept, not only the first
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "payee.bank_details_viewed")) == 2
    response = _record(client, w)
    assert response.status_code == 302
    payout = _payout(w)
    assert (payout.state, payout.bank_reference, payout.paid_on) == (PayoutState.PAID, "FP-20931", clock.now().date())
    assert _payout_transactions(w) == 1 and ledger.balance(ledger.payee(w.payout_id), "GBP") == 1_000_000
    assert db.session.scalars(db.select(OutboxMessage.to_email).where(OutboxMessage.kind == "payout_paid")).all() == [
        w.winner.email]
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "payout.paid")).all()
    assert (event.from_state, event.to_state, event.data["reference"]) == ("instructed", "paid", "FP-20931")
    assert reconcile(clock.now()) == []


def test_recording_twice_records_once_and_says_so_calmly(client, login, ready):
    w = ready
    release.release_payout(w.payout_id, w.broker, clock.now())
    login(w.broker)
    _record(client, w)
    response = _record(client, w, reference="FP-OTHER")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "already recorded as paid" in page and "FP-20931" in page
    assert _payout(w).bank_reference == "FP-20931" and _payout_transactions(w) == 1


@pytest.mark.parametrize("day,said", [
    (1, "cannot be in the future"),
    (-1, "before the payout was released"),
])
def test_a_date_in_the_future_or_before_the_release_is_refused(client, login, ready, day, said):
    w = ready
    release.release_payout(w.payout_id, w.broker, clock.now())
    login(w.broker)
    response = _record(client, w, day=clock.now().date() + timedelta(days=day))
    assert response.status_code == 400 and said in response.text
    assert _payout(w).state == PayoutState.INSTRUCTED and _payout_transactions(w) == 0


def test_an_empty_reference_or_date_is_refused_on_its_field(client, login, ready):
    w = ready
    release.release_payout(w.payout_id, w.broker, clock.now())
    login(w.broker)
    response = client.post(f"/admin/payouts/{w.payout_id}/paid", data={"paid-reference": " ", "paid-paid_on": ""})
    assert response.status_code == 400
    assert "Enter the bank&#39;s reference" in response.text and "Enter the date of the transfer" in response.text
    assert _payout(w).state == PayoutState.INSTRUCTED


def test_paid_before_it_is_released_is_refused(client, login, ready):
    w = ready
    login(w.broker)
    response = _record(client, w)
    assert response.status_code == 409 and "Release this payout first" in response.text
    assert _payout(w).state == PayoutState.READY and _payout_transactions(w) == 0
    with pytest.raises(InvalidTransition, match="Release this payout first"):
        release.record_bank_payment(w.payout_id, "FP-1", clock.now().date(), w.broker, clock.now())


@pytest.mark.parametrize("role", ["winner", "seeker", "funder", "outsider", "judge"])
def test_only_a_broker_confirms_releases_and_records_payments(client, login, ready, make_user, role):
    w = ready
    release.release_payout(w.payout_id, w.broker, clock.now())
    who = {"winner": w.winner, "seeker": w.seeker, "funder": w.trust_member, "outsider": w.outsider,
           "judge": make_user("Jude Judge")}[role]
    login(who)
    assert client.get(f"/admin/payouts/{w.payout_id}/release").status_code == 404
    assert client.get(f"/admin/payouts/{w.payout_id}/paid").status_code == 404
    assert _record(client, w).status_code == 404
    assert _payout(w).state == PayoutState.INSTRUCTED
    with pytest.raises(NotAllowed):
        release.record_bank_payment(w.payout_id, "FP-1", clock.now().date(), who, clock.now())


def test_a_disqualification_cancels_an_instructed_payout(world):
    """An instructed payout has not left the escrow: disqualifying its entry (during judging, a stage grant)
    cancels it, and it can no longer be recorded as paid."""
    w = world(fund=False)
    funding.set_funders(w.challenge, [(w.council, 6000), (w.trust, 4000)], w.seeker, clock.now(),
                        stage_grants_budget=300_000)
    db.session.commit()
    fund_all(w)
    bank_details(w.winner)
    [award] = awards.create_stage_grants(w.challenge, [w.sub_a], 150_000, "GBP", 1, w.broker, clock.now())
    db.session.commit()
    payout_id = award.payouts[0].id
    held = ledger.balance(ledger.escrow(w.challenge.id), "GBP")
    assert release.release_payout(payout_id, w.broker, clock.now()).state == PayoutState.INSTRUCTED
    said = submissions.disqualify(w.sub_a, w.broker, clock.now(), reason="Plagiarised from a published report")
    db.session.commit()
    assert "1 unpaid payout cancelled" in " ".join(said)
    db.session.expire_all()
    assert db.session.get(Payout, payout_id).state == PayoutState.CANCELLED
    with pytest.raises(InvalidTransition):
        release.record_bank_payment(payout_id, "FP-1", clock.now().date(), w.broker, clock.now())
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") >= held and reconcile(clock.now()) == []


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
@pytest.mark.parametrize("attempt", range(3))
def test_two_brokers_recording_at_once_pay_once(app, ready, make_user, attempt):
    w = ready
    other = make_user("Bea Broker", broker=True)
    release.release_payout(w.payout_id, w.broker, clock.now())
    brokers, payout_id = [w.broker.id, other.id], w.payout_id
    db.session.commit()

    def record(n):
        def work():
            payout = release.record_bank_payment(payout_id, f"FP-{n}", clock.now().date(),
                                                 db.session.get(User, brokers[n]), clock.now())
            db.session.commit()
            return payout.bank_reference
        return work

    results = run_together(app, [record(0), record(1)])
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], InvalidTransition), results
    assert "already recorded as paid" in refused[0].message
    assert _payout(w).bank_reference in results and _payout_transactions(w) == 1
    assert ledger.balance(ledger.payee(payout_id), "GBP") == 1_000_000 and reconcile(clock.now()) == []
