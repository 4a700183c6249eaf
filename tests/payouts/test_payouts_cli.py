"""`flask payouts retry` and `flask payouts reconcile`."""
from __future__ import annotations

from datetime import timedelta

from challenge import clock
from challenge.extensions import db
from challenge.payouts import awards, funding, release
from challenge.payouts.models import LedgerEntry, Payout
from tests.payouts.payouts_helpers import bank_details, fund_by_card, stripe_payee


def test_retry_releases_ready_payouts_and_reconcile_is_clean(runner, world):
    w = world()
    bank_details(w.winner)
    awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    result = runner.invoke(args=["payouts", "retry"])
    assert result.exit_code == 0 and ": instructed: Released: now transfer £10,000 to Wyn Winner" in result.output
    db.session.expire_all()
    payout = db.session.scalars(db.select(Payout)).one()
    assert payout.state == "instructed"
    result = runner.invoke(args=["payouts", "reconcile"])
    assert result.exit_code == 0 and "agree" in result.output
    release.record_bank_payment(payout.id, "FP-1", clock.now().date(), w.broker, clock.now())
    db.session.commit()
    assert db.session.scalars(db.select(Payout.state)).one() == "paid"
    result = runner.invoke(args=["payouts", "reconcile"])
    assert result.exit_code == 0 and "agree" in result.output


def test_retry_waits_for_the_delay_then_uses_the_same_key(runner, world, client, stripe_config, app):
    w, fake = world(fund=False), stripe_config
    fund_by_card(client, fake, w)
    stripe_payee(client, fake, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    payout_id = award.payouts[0].id
    fake.fail_next("/v1/transfers", 502)
    assert release.release_payout(payout_id, w.broker, clock.now()).state == "processing"
    result = runner.invoke(args=["payouts", "retry"])
    assert result.exit_code == 0 and result.output == ""  # attempted just now: not due yet
    assert len(fake.calls("POST", "/v1/transfers")) == 1
    mismatches = runner.invoke(args=["payouts", "reconcile"])
    assert mismatches.exit_code == 0  # processing for less than 15 minutes is not yet a mismatch
    clock.travel(timedelta(seconds=app.config["PAYOUTS_RETRY_AFTER_SECONDS"] + 1))
    result = runner.invoke(args=["payouts", "retry"])
    assert f"payout {payout_id}: paid" in result.output
    keys = [c.idempotency_key for c in fake.calls("POST", "/v1/transfers")]
    assert keys == [f"payout-{payout_id}-attempt-1"] * 2 and len(fake.transfers) == 1


def test_reconcile_reports_a_stuck_payout_and_exits_non_zero(runner, world, client, stripe_config):
    w, fake = world(fund=False), stripe_config
    fund_by_card(client, fake, w)
    stripe_payee(client, fake, w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    fake.fail_next("/v1/transfers", 500)
    release.release_payout(award.payouts[0].id, w.broker, clock.now())
    clock.travel(timedelta(hours=1))
    result = runner.invoke(args=["payouts", "reconcile"])
    assert result.exit_code == 1 and "outcome unknown" in result.output


def test_reconcile_finds_a_ledger_that_disagrees_with_the_payments(runner, world):
    w = world()
    funder = funding.funders_of(w.challenge)[0]
    # Simulate a payment recorded without its ledger transaction (as a bad manual fix might do).
    db.session.execute(db.delete(LedgerEntry).where(LedgerEntry.account == f"funder:{funder.id}"))
    db.session.commit()
    result = runner.invoke(args=["payouts", "reconcile"])
    assert result.exit_code == 1
    assert f"funder {funder.id}" in result.output and "unbalanced" not in result.output
    assert "entries do not sum to zero" in result.output
