"""The payout jobs under at-least-once delivery: a worker killed mid-release and the job run again sends one
transfer (the same idempotency key); reconciliation alerts the brokers once per mismatch."""
from __future__ import annotations

from datetime import timedelta

import pytest

from challenge import clock, jobs
from challenge.extensions import db
from challenge.notifications.services import NOTIFIED
from challenge.payouts import awards, funding, release
from challenge.payouts.models import LedgerEntry, Payout
from challenge.platform.models import AuditEvent, OutboxMessage, RaisedAlert
from tests.payouts.payouts_helpers import fund_by_card, stripe_payee


class Killed(BaseException):
    """The worker dies here."""


def die(*args, **kwargs):
    raise Killed()


@pytest.mark.parametrize("step", ["_call_provider", "_record"])
def test_a_worker_killed_mid_release_and_rerun_sends_one_transfer(world, client, stripe_config, app, monkeypatch, step):
    w, fake = world(fund=False), stripe_config
    fund_by_card(client, fake, w)
    stripe_payee(client, fake, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    payout_id = award.payouts[0].id
    with monkeypatch.context() as m:
        m.setattr(release, step, die)  # before the provider is called, or after it answered
        with pytest.raises(Killed):
            jobs.run("payouts.retry")
    db.session.rollback()
    assert db.session.get(Payout, payout_id).state == "processing"
    assert jobs.run("payouts.retry").lines == []  # delivered again at once: not yet stale, left alone
    clock.travel(timedelta(seconds=app.config["PAYOUTS_RETRY_AFTER_SECONDS"] + 1))
    assert jobs.run("payouts.retry").lines[0].startswith(f"payout {payout_id}: paid")
    jobs.run("payouts.retry")
    keys = [c.idempotency_key for c in fake.calls("POST", "/v1/transfers")]
    assert set(keys) == {f"payout-{payout_id}-attempt-1"} and len(fake.transfers) == 1
    db.session.expire_all()
    assert db.session.get(Payout, payout_id).state == "paid"


def alerts_to(user) -> tuple[int, int]:
    """(notifications, emails) about reconciliation that `user` has had."""
    notes = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == NOTIFIED, AuditEvent.object_id == user.id, AuditEvent.object_type == "user"))
    mails = db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "reconcile.mismatch", OutboxMessage.to_email == user.email))
    return notes, mails


def test_reconciliation_alerts_each_broker_once_per_mismatch(world, runner, make_user):
    w = world()
    other_broker = make_user("Second Broker", broker=True)
    funder = funding.funders_of(w.challenge)[0]
    db.session.execute(db.delete(LedgerEntry).where(LedgerEntry.account == f"funder:{funder.id}"))
    db.session.commit()
    report = jobs.run("payouts.reconcile")
    assert not report.ok and report.lines[-1] == "Brokers alerted of 2 new mismatches."
    for broker in (w.broker, other_broker):  # a notification per mismatch, one email listing both
        assert alerts_to(broker) == (2, 1)
    [mail] = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_email == w.broker.email,
                                                               OutboxMessage.kind == "reconcile.mismatch"))
    assert f"funder {funder.id}" in mail.body and "do not sum to zero" in mail.body and "/finance" in mail.body
    result = runner.invoke(args=["payouts", "reconcile"])  # the same mismatch again: reported, not re-alerted
    assert result.exit_code == 1 and f"funder {funder.id}" in result.output and "alerted" not in result.output
    jobs.run("payouts.reconcile")
    assert alerts_to(w.broker) == (2, 1) and alerts_to(other_broker) == (2, 1)
    assert db.session.scalar(db.select(db.func.count()).select_from(RaisedAlert)) == 2


def test_a_clean_reconciliation_alerts_no_one(world):
    w = world()
    report = jobs.run("payouts.reconcile")
    assert report.ok and report.lines == [] and alerts_to(w.broker) == (0, 0)
