"""The money parts of issue 11 points 4 and 13: reconciliation run and read from the finance page, the review
queue's funding column, and the refund form offered only where a refund can succeed."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.payouts import awards, funding
from challenge.payouts.models import Funding, LedgerEntry, LedgerTransaction
from challenge.platform.models import AuditEvent
from tests.payouts.payouts_helpers import bank_details, pay_out


def test_a_broker_runs_the_reconciliation_from_the_finance_page(client, login, world):
    w = world(state="decided")
    bank_details(w.winner)
    [award] = awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    pay_out(award.payouts[0].id, w.broker)
    login(w.broker)
    page = client.get("/finance").text
    assert "Run the reconciliation" in page and "All 4 checks agree" not in page
    response = client.post("/finance/reconcile")
    assert response.status_code == 200
    assert "All 4 checks agree." in response.text and response.text.count("Agrees") == 4
    assert "table-danger" not in response.text
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "finance.reconcile")).all()
    assert (event.actor_id, event.data["mismatches"]) == (w.broker.id, 0)


def test_a_mismatch_is_highlighted(client, login, world):
    w = world()
    # a payment booked into the escrow twice: the ledger still balances, the escrow check does not agree
    paid = db.session.scalars(db.select(Funding).where(Funding.state == "paid")).first()
    tx_ = LedgerTransaction(kind="funding", challenge_id=w.challenge.id, memo="booked again", created_at=clock.now())
    tx_.entries = [LedgerEntry(account=f"escrow:{w.challenge.id}", amount=paid.amount, currency="GBP"),
                   LedgerEntry(account=f"funder:{paid.funder_id}", amount=-paid.amount, currency="GBP")]
    db.session.add(tx_)
    db.session.commit()
    login(w.broker)
    page = client.post("/finance/reconcile").text
    assert "checks found mismatches" in page and 'class="table-danger"' in page
    assert f"challenge {w.challenge.id}" in page and "recorded as paid by the funders" in page
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "finance.reconcile")).all()
    assert event.data["mismatches"] >= 1 and event.data["failing"]


@pytest.mark.parametrize("role", ["seeker", "funder", "winner", "outsider"])
def test_only_a_broker_runs_it(client, login, world, role):
    w = world()
    login({"seeker": w.seeker, "funder": w.trust_member, "winner": w.winner, "outsider": w.outsider}[role])
    assert client.post("/finance/reconcile").status_code == 404
    if role in ("seeker", "funder"):
        assert "Run the reconciliation" not in client.get("/finance").text
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "finance.reconcile")) == 0


def test_the_review_queue_shows_each_challenges_funding(client, login, world, make_challenge):
    funded = world(state="in_review")
    unfunded = world(state="in_review", fund=False)
    waived = world(state="in_review", fund=False)
    funding.waive_funding(waived.challenge, "The council pays on award, by its standing orders.", waived.broker,
                          clock.now())
    council, _ = sorted(funding.funders_of(unfunded.challenge), key=lambda f: f.share_bp, reverse=True)
    invoice = funding.issue_invoice(council, unfunded.seeker, clock.now())
    funding.record_bank_transfer(invoice, 400_000, "GBP", "BACS 1", unfunded.broker, clock.now())
    db.session.commit()
    required = funding.pool_status(unfunded.challenge).required
    login(funded.broker)
    page = client.get("/admin/review").text
    assert '<th scope="col">Funding</th>' in page
    assert ">Funded</a>" in page
    assert f"£4,000 of £{required // 100:,} received" in page
    assert f"Waived: £0 of £{required // 100:,} received" in page


def test_the_refund_form_is_not_offered_on_a_merely_closed_challenge(client, login, world):
    w = world(state="closed")
    login(w.broker)
    page = client.get(f"/admin/payouts/challenges/{w.challenge.slug}").text
    assert "Refund funders" not in page and 'action="/admin/payouts/challenges/' + w.challenge.slug + '/refund"' not in page
    assert "Refunds can be made once the winners are decided, or if the challenge is cancelled" in page


def test_the_refund_form_is_offered_once_decided(client, login, world):
    w = world(state="decided")
    login(w.broker)
    page = client.get(f"/admin/payouts/challenges/{w.challenge.slug}").text
    assert "Refund funders" in page and "Refunds can be made once" not in page
