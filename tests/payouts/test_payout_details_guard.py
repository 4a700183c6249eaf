"""Payout details are guarded: changing the bank details or the payout email needs the current password,
emails the account holder, and a ready payout waits a cooling-off period before it goes to the new account."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.payouts import awards, payees, release
from challenge.payouts.gateways import ManualGateway
from challenge.payouts.models import PayeeAccount, Payout
from challenge.payouts.states import PayoutState
from challenge.platform.models import AuditEvent, OutboxMessage
from tests.factories import PASSWORD
from tests.payouts.payouts_helpers import bank_details, pay_out
from tests.races import ON_POSTGRES, SKIP_REASON, run_together

NEW = {"holder": "Wyn Winner", "sort_code": "40-11-62", "account_number": "87654321"}


@pytest.fixture
def ready(world, login):
    """The winner's first bank details are saved (no password needed) and the payout is ready to release."""
    w = world()
    bank_details(w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    w.payout_id = award.payouts[0].id
    assert db.session.get(Payout, w.payout_id).state == "ready"
    login(w.winner)
    return w


def _account(user) -> PayeeAccount:
    db.session.expire_all()
    return payees.account_for(user, "manual")


def _changed_mail() -> list[str]:
    return sorted(db.session.scalars(db.select(OutboxMessage.to_email)
                                     .where(OutboxMessage.kind == "payout_details_changed")))


def test_the_first_details_need_no_password_and_do_not_hold_payouts(ready):
    w = ready
    account = _account(w.winner)
    assert account.details_changed_at is None and payees.held_until(account) is None
    assert release.release_payout(w.payout_id, w.broker, clock.now()).state == PayoutState.INSTRUCTED


@pytest.mark.parametrize("password, message", [("", "Enter your current password"),
                                               ("not my password", "current password is not right")])
def test_changing_bank_details_without_the_right_password_is_refused(client, ready, password, message):
    w = ready
    page = client.get("/my/payouts/bank-details").text
    assert "Your current password" in page and "24 hours later" in page
    response = client.post("/my/payouts/bank-details", data={**NEW, "password": password})
    assert response.status_code == 400 and message in response.text
    account = _account(w.winner)
    assert (account.last4, account.details_changed_at) == ("5678", None)
    assert payees.decrypt_bank_details(account)["account_number"] == "12345678"
    assert _changed_mail() == []


def test_a_change_emails_the_holder_and_holds_the_ready_payout_for_24_hours(client, ready):
    w = ready
    response = client.post("/my/payouts/bank-details", data={**NEW, "password": PASSWORD}, follow_redirects=True)
    assert response.status_code == 200 and "payouts can be released to them from" in response.text
    account = _account(w.winner)
    assert account.last4 == "4321" and account.details_changed_at is not None
    assert _changed_mail() == [w.winner.email]
    mail = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "payout_details_changed"))
    assert "ending 4321" in mail.body and "If you did not make this change" in mail.body
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "payee.details_changed")) == 1
    # the broker cannot release it yet, by the service or the button, and the nightly retry leaves it alone
    with pytest.raises(DomainError, match="changed their payment details"):
        release.release_payout(w.payout_id, w.broker, clock.now() + timedelta(hours=23, minutes=59))
    [outcome] = release.retry_due(clock.now() + timedelta(hours=1), timedelta(minutes=5))
    assert outcome.state == "ready" and "can be released from" in outcome.message
    assert db.session.get(Payout, w.payout_id).state == "ready"
    # a day later it goes, to the new account
    outcome = release.release_payout(w.payout_id, w.broker, account.details_changed_at + timedelta(hours=24))
    assert outcome.state == PayoutState.INSTRUCTED
    assert db.session.get(Payout, w.payout_id).payee_account.last4 == "4321"


def test_the_broker_is_told_why_the_release_waits(client, login, ready):
    w = ready
    client.post("/my/payouts/bank-details", data={**NEW, "password": PASSWORD})
    login(w.broker)
    response = client.post(f"/admin/payouts/{w.payout_id}/release", follow_redirects=True)
    assert "For their safety this payout can be released from" in response.text
    db.session.expire_all()
    assert db.session.get(Payout, w.payout_id).state == "ready"


def test_the_cooling_off_period_is_configurable(app, ready):
    w = ready
    app.config["PAYOUT_DETAILS_COOLING_OFF_HOURS"] = 2
    try:
        payees.save_bank_details(w.winner, **NEW, gateway=ManualGateway(), now=clock.now(), password=PASSWORD)
        db.session.commit()
        changed = _account(w.winner).details_changed_at
        with pytest.raises(DomainError, match="changed their payment details"):
            release.release_payout(w.payout_id, w.broker, changed + timedelta(hours=1, minutes=59))
        assert release.release_payout(w.payout_id, w.broker, changed + timedelta(hours=2)).state == PayoutState.INSTRUCTED
    finally:
        app.config["PAYOUT_DETAILS_COOLING_OFF_HOURS"] = 24


def test_changing_only_the_payout_email_is_guarded_too(client, ready):
    w = ready
    same = {"holder": "Wyn Winner", "sort_code": "30-99-50", "account_number": "12345678"}
    response = client.post("/my/payouts/bank-details", data={**same, "payout_email": "thief@example.net"})
    assert response.status_code == 400 and "Enter your current password" in response.text
    assert _account(w.winner).payout_email == ""
    response = client.post("/my/payouts/bank-details", data={**same, "payout_email": "not an email",
                                                             "password": PASSWORD})
    assert response.status_code == 400 and "like name@example.org" in response.text
    client.post("/my/payouts/bank-details", data={**same, "payout_email": "wyn.pay@example.org", "password": PASSWORD})
    account = _account(w.winner)
    assert account.payout_email == "wyn.pay@example.org" and account.details_changed_at is not None
    assert _changed_mail() == [w.winner.email]  # told at the address we used until now
    # the next change is told to both the account's email and the payout email in use until then
    client.post("/my/payouts/bank-details", data={**same, "payout_email": "", "password": PASSWORD})
    assert _changed_mail() == sorted([w.winner.email, w.winner.email, "wyn.pay@example.org"])


def test_saving_the_same_details_again_needs_no_password_and_holds_nothing(client, ready):
    w = ready
    response = client.post("/my/payouts/bank-details", data={"holder": "Wyn Winner", "sort_code": "309950",
                                                             "account_number": "12345678"})
    assert response.status_code == 302
    assert _account(w.winner).details_changed_at is None and _changed_mail() == []
    assert release.release_payout(w.payout_id, w.broker, clock.now()).state == PayoutState.INSTRUCTED


def test_payout_notices_go_to_the_payout_email(ready):
    w = ready
    payees.save_bank_details(w.winner, "Wyn Winner", "30-99-50", "12345678", ManualGateway(), clock.now(),
                             payout_email="wyn.pay@example.org", password=PASSWORD)
    db.session.commit()
    clock.travel(timedelta(days=1))
    pay_out(w.payout_id, w.broker)
    assert db.session.scalars(db.select(OutboxMessage.to_email)
                              .where(OutboxMessage.kind == "payout_paid")).all() == ["wyn.pay@example.org"]


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason=SKIP_REASON)
def test_a_release_racing_a_change_of_details_waits_for_it_and_then_holds_the_payout(app, ready):
    """The claim step locks the payee account before it reads the cooling-off: a release that starts while a
    change of details is being saved waits for it, then sees the new details and holds the payout (read
    without the lock, it would pay on the old, committed row while the change was about to land)."""
    w = ready
    winner_id, broker_id, payout_id = w.winner.id, w.broker.id, w.payout_id
    saving = threading.Event()

    def change_details():
        winner = db.session.get(User, winner_id)
        payees.save_bank_details(winner, NEW["holder"], NEW["sort_code"], NEW["account_number"], ManualGateway(),
                                 clock.now(), password=PASSWORD)
        db.session.flush()  # the account row is updated and locked by this transaction
        saving.set()
        time.sleep(0.5)  # the release starts meanwhile
        db.session.commit()
        return "saved"

    def release_it():
        saving.wait(10)
        return release.release_payout(payout_id, db.session.get(User, broker_id), clock.now())

    results = run_together(app, [change_details, release_it])
    assert "saved" in results
    [refused] = [r for r in results if isinstance(r, Exception)]
    assert isinstance(refused, DomainError) and "For their safety" in refused.message
    db.session.expire_all()
    assert db.session.get(Payout, payout_id).state == PayoutState.READY
