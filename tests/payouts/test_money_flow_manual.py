"""The whole life of a prize with the manual provider: fund, hold, award, pay, reverse, refund."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.errors import DomainError, InvalidTransition, NotAllowed
from challenge.extensions import db
from challenge.payouts import awards, funding, ledger, payees, refunds, release, splits
from challenge.payouts.gateways import ManualGateway
from challenge.payouts.models import Payout, Refund
from challenge.payouts.reconcile import reconcile
from challenge.payouts.states import PayoutState
from tests.payouts.payouts_helpers import bank_details, fund_all, pay_out


def test_a_co_funded_pool_is_pledged_by_share_and_held_when_paid(world):
    w = world(fund=False)
    status = funding.pool_status(w.challenge)
    # £10,000 prize, 5 % broker's fee on top.
    assert (status.prizes, status.fee, status.required) == (1_000_000, 50_000, 1_050_000)
    pledges = funding.pledges(w.challenge)
    assert [pledges[f.id] for f in w.funders] == [630_000, 420_000]
    assert not funding.is_fully_funded(w.challenge)
    with pytest.raises(DomainError, match="not fully funded yet"):
        funding.assert_publishable(w.challenge)

    council, trust = w.funders
    invoice = funding.issue_invoice(council, w.seeker, clock.now())
    assert funding.issue_invoice(council, w.seeker, clock.now()) is invoice  # one open invoice, not two
    assert invoice.amount == 630_000 and invoice.reference.startswith("CXF-")
    funding.record_bank_transfer(invoice, 630_000, "GBP", "BACS 1", w.broker, clock.now())
    db.session.commit()
    assert funding.pool_status(w.challenge).held == 630_000
    with pytest.raises(DomainError, match="already paid"):
        funding.issue_invoice(council, w.seeker, clock.now())

    # A short payment is recorded as received; the rest stays owed and gets its own invoice.
    first = funding.issue_invoice(trust, w.trust_member, clock.now())
    funding.record_bank_transfer(first, 400_000, "GBP", "", w.broker, clock.now())
    second = funding.issue_invoice(trust, w.trust_member, clock.now())
    assert second.amount == 20_000
    funding.record_bank_transfer(second, 20_000, "GBP", "", w.broker, clock.now())
    db.session.commit()
    assert funding.is_fully_funded(w.challenge)
    funding.assert_publishable(w.challenge)
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 1_050_000


@pytest.mark.parametrize("shares, message", [
    ([], "at least one funder"),
    ([("council", 6000), ("trust", 3000)], "add up to 90 %; they must add up to exactly 100 %"),
    ([("council", 6000), ("trust", 6000)], "add up to 120 %"),
    ([("council", 10000), ("council", 0)], "only once"),
    ([("council", 0), ("trust", 10000)], "more than 0 %"),
    ([("council", -100), ("trust", 10100)], "more than 0 %"),
    ([("trust", 10000)], "lead organisation must be one of the funders"),
])
def test_shares_must_be_sound(world, shares, message):
    w = world(fund=False)
    orgs = {"council": w.council, "trust": w.trust}
    with pytest.raises(DomainError, match=message):
        funding.set_funders(w.challenge, [(orgs[o], bp) for o, bp in shares], w.seeker, clock.now())


def test_shares_freeze_once_an_invoice_is_issued(world):
    w = world(fund=False)
    funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    with pytest.raises(NotAllowed, match="can no longer change"):
        funding.set_funders(w.challenge, [(w.council, 10000)], w.seeker, clock.now())


@pytest.mark.parametrize("amount, currency, message", [
    (-100, "GBP", "more than zero"), (0, "GBP", "more than zero"), (12.5, "GBP", "more than zero"),
    ("100", "GBP", "more than zero"), (630_001, "GBP", "more than the £6,300 this payment was for"),
    (100, "EUR", "held in GBP"),
])
def test_bank_transfers_refuse_bad_amounts(world, amount, currency, message):
    w = world(fund=False)
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    with pytest.raises(DomainError, match=message):
        funding.record_bank_transfer(invoice, amount, currency, "", w.broker, clock.now())
    assert invoice.state == "pending"


def test_only_brokers_record_transfers_waive_and_set_fees(world):
    w = world(fund=False)
    invoice = funding.issue_invoice(w.funders[0], w.seeker, clock.now())
    with pytest.raises(NotAllowed):
        funding.record_bank_transfer(invoice, invoice.amount, "GBP", "", w.seeker, clock.now())
    with pytest.raises(NotAllowed):
        funding.waive_funding(w.challenge, "Council pays on contract signature", w.seeker, clock.now())
    with pytest.raises(NotAllowed):
        funding.set_fee(w.challenge, 0, w.seeker, clock.now())
    with pytest.raises(DomainError, match="reason"):
        funding.waive_funding(w.challenge, "  ", w.broker, clock.now())
    funding.waive_funding(w.challenge, "Council pays on contract signature", w.broker, clock.now())
    funding.assert_publishable(w.challenge)
    with pytest.raises(DomainError, match="between 0 % and 50 %"):
        funding.set_fee(w.challenge, 6000, w.broker, clock.now())


def _award_first_prize(w):
    prize = w.challenge.prizes[0]
    return awards.create_awards(w.challenge, [(w.sub_a, prize)], w.broker, clock.now())


def test_award_takes_the_fee_and_waits_for_the_payee(world):
    w = world()
    [award] = _award_first_prize(w)
    db.session.commit()
    [payout] = award.payouts
    assert (payout.state, payout.amount, payout.user_id) == ("awaiting_payee", 1_000_000, w.winner.id)
    assert ledger.balance(ledger.FEE, "GBP") == 50_000
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 1_000_000
    assert awards.available(w.challenge) == 0
    with pytest.raises(DomainError, match="waiting for the winner"):
        release.release_payout(payout.id, w.broker, clock.now())
    bank_details(w.winner)
    assert db.session.get(Payout, payout.id).state == "ready"


def test_release_pays_once_and_a_second_release_is_refused(world):
    """A manual release is an instruction (the money stays in the escrow); recording the bank transfer pays."""
    w = world()
    bank_details(w.winner)
    [award] = _award_first_prize(w)
    db.session.commit()
    payout_id = award.payouts[0].id
    outcome = release.release_payout(payout_id, w.broker, clock.now())
    assert outcome.state == PayoutState.INSTRUCTED
    payout = db.session.get(Payout, payout_id)
    assert payout.provider_reference.startswith("manual-tr-") and payout.paid_at is None
    assert ledger.balance(ledger.payee(payout_id), "GBP") == 0
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 1_000_000
    with pytest.raises(InvalidTransition, match="already been released"):
        release.release_payout(payout_id, w.broker, clock.now())
    release.record_bank_payment(payout_id, "FP-778812", clock.now().date(), w.broker, clock.now())
    db.session.commit()
    payout = db.session.get(Payout, payout_id)
    assert (payout.state, payout.bank_reference) == (PayoutState.PAID, "FP-778812")
    assert ledger.balance(ledger.payee(payout_id), "GBP") == 1_000_000
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 0
    with pytest.raises(InvalidTransition, match="already been paid"):
        release.release_payout(payout_id, w.broker, clock.now())
    with pytest.raises(InvalidTransition):
        release.retry_payout(payout_id, w.broker, clock.now())
    with pytest.raises(NotAllowed):
        release.release_payout(payout_id, w.winner, clock.now())
    assert reconcile(clock.now()) == []


def test_reversal_needs_a_reason_and_returns_money_to_escrow(world):
    w = world()
    bank_details(w.winner)
    [award] = _award_first_prize(w)
    db.session.commit()
    payout_id = award.payouts[0].id
    with pytest.raises(InvalidTransition, match="Only a paid payout"):
        release.reverse_payout(payout_id, "Paid to the wrong account", w.broker, clock.now())
    pay_out(payout_id, w.broker)
    with pytest.raises(DomainError, match="reason"):
        release.reverse_payout(payout_id, "", w.broker, clock.now())
    with pytest.raises(NotAllowed):
        release.reverse_payout(payout_id, "Paid to the wrong account", w.seeker, clock.now())
    outcome = release.reverse_payout(payout_id, "Paid to the wrong account", w.broker, clock.now())
    assert outcome.state == "reversed"
    payout = db.session.get(Payout, payout_id)
    assert payout.reversal_reason == "Paid to the wrong account"
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 1_000_000
    assert ledger.balance(ledger.payee(payout_id), "GBP") == 0
    assert reconcile(clock.now()) == []


def test_awards_beyond_the_pool_are_refused(world):
    w = world(prizes=((1_000_000, 1), (500_000, 1)), fund=False)
    council, trust = w.funders
    invoice = funding.issue_invoice(council, w.seeker, clock.now())
    funding.record_bank_transfer(invoice, invoice.amount, "GBP", "", w.broker, clock.now())
    db.session.commit()
    first, second = w.challenge.prizes
    with pytest.raises(DomainError, match="pool cannot cover this"):
        awards.create_awards(w.challenge, [(w.sub_a, first)], w.broker, clock.now())
    awards.create_awards(w.challenge, [(w.sub_a, second)], w.broker, clock.now())
    with pytest.raises(DomainError, match="already been awarded"):
        awards.create_awards(w.challenge, [(w.sub_a, second)], w.broker, clock.now())
    with pytest.raises(DomainError, match="1 place"):
        awards.create_awards(w.challenge, [(w.sub_b, second)], w.broker, clock.now())
    with pytest.raises(DomainError, match="at least one"):
        awards.create_awards(w.challenge, [], w.broker, clock.now())


def test_awards_refuse_open_challenges_and_ineligible_entries(world, make_submission, make_user):
    w = world(state="open", fund=False)
    with pytest.raises(DomainError, match="once the challenge has closed"):
        awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    w2 = world()
    withdrawn = make_submission(w2.challenge, make_user(), state="withdrawn")
    with pytest.raises(DomainError, match="withdrawn"):
        awards.create_awards(w2.challenge, [(withdrawn, w2.challenge.prizes[0])], w2.broker, clock.now())
    with pytest.raises(DomainError, match="not an entry to this challenge"):
        awards.create_awards(w2.challenge, [(w.sub_a, w2.challenge.prizes[0])], w2.broker, clock.now())


def test_stage_grants_are_paid_like_prizes_and_refused_beyond_the_pool(world):
    w = world(fund=False)
    finance = funding.finance_for(w.challenge, clock.now())
    funding.set_funders(w.challenge, [(w.council, 6000), (w.trust, 4000)], w.seeker, clock.now(),
                        stage_grants_budget=300_000)
    db.session.commit()
    fund_all(w)
    assert finance.stage_grants_budget == 300_000
    assert funding.pool_status(w.challenge).required == 1_365_000
    for bad, message in [(0, "more than zero"), (-5, "more than zero"), (1.5, "more than zero")]:
        with pytest.raises(DomainError, match=message):
            awards.create_stage_grants(w.challenge, [w.sub_a], bad, "GBP", 1, w.broker, clock.now())
    with pytest.raises(DomainError, match="held in GBP"):
        awards.create_stage_grants(w.challenge, [w.sub_a], 150_000, "USD", 1, w.broker, clock.now())
    with pytest.raises(DomainError, match="only £3,000 is left of the stage-grant budget"):
        awards.create_stage_grants(w.challenge, [w.sub_a, w.sub_b], 1_000_000, "GBP", 1, w.broker, clock.now())
    grants = awards.create_stage_grants(w.challenge, [w.sub_a, w.sub_b], 150_000, "GBP", 1, w.broker, clock.now())
    assert [g.label for g in grants] == ["Stage grant (round 1)"] * 2
    with pytest.raises(DomainError, match="already has a stage grant"):
        awards.create_stage_grants(w.challenge, [w.sub_a], 150_000, "GBP", 1, w.broker, clock.now())
    db.session.commit()
    bank_details(w.winner)
    outcome = pay_out(grants[0].payouts[0].id, w.broker)
    assert outcome.state == "paid"
    # The prize can still be awarded: the grants only used their own budget.
    awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())


def test_team_award_waits_for_an_agreed_split(world, make_submission, make_user):
    w = world()
    alice, bob = make_user("Alice Member"), make_user("Bob Member")
    lead = make_user("Lena Lead")
    team_entry = make_submission(w.challenge, lead, team=(alice, bob))
    [award] = awards.create_awards(w.challenge, [(team_entry, w.challenge.prizes[0])], w.broker, clock.now())
    assert award.payouts == []
    with pytest.raises(NotAllowed):
        splits.propose_split(award, [(lead.id, 10000)], alice, clock.now())
    with pytest.raises(DomainError, match="every member"):
        splits.propose_split(award, [(lead.id, 10000)], lead, clock.now())
    with pytest.raises(DomainError, match="add up to 99 %"):
        splits.propose_split(award, [(lead.id, 3300), (alice.id, 3300), (bob.id, 3300)], lead, clock.now())
    with pytest.raises(DomainError, match="negative"):
        splits.propose_split(award, [(lead.id, 10100), (alice.id, -100), (bob.id, 0)], lead, clock.now())
    splits.propose_split(award, [(lead.id, 3334), (alice.id, 3333), (bob.id, 3333)], lead, clock.now())
    with pytest.raises(NotAllowed):
        splits.agree_split(award, w.outsider, clock.now())
    splits.agree_split(award, alice, clock.now())
    assert award.payouts == [] and award.split_state == "proposed"
    splits.agree_split(award, bob, clock.now())
    db.session.commit()
    assert award.split_state == "agreed"
    amounts = sorted(p.amount for p in award.payouts)
    assert sum(amounts) == 1_000_000 and amounts == [333_300, 333_300, 333_400]
    with pytest.raises(DomainError, match="no longer change"):
        splits.propose_split(award, [(lead.id, 10000), (alice.id, 0), (bob.id, 0)], lead, clock.now())


def test_refund_remainder_goes_back_pro_rata_to_the_penny(world, make_org, make_user):
    # £1,000.01 held, no fee, three funders with awkward shares; nothing awarded.
    w = world(state="decided", prizes=((100_001, 1),), fund=False, fee_percent=0)
    third_member = make_user("Thea Third")
    third = make_org(third_member, name="Third Sector Trust", kind="charity")
    funders = funding.set_funders(w.challenge, [(w.council, 3334), (w.trust, 3333), (third, 3333)], w.broker,
                                  clock.now())
    funding.accept_funding(funders[1].id, w.trust_member, clock.now())  # new shares are asked for again
    funding.accept_funding(funders[2].id, third_member, clock.now())
    db.session.commit()
    fund_all(w)
    assert funding.pool_status(w.challenge).funded == 100_001
    with pytest.raises(NotAllowed):
        refunds.plan_refunds(w.challenge, w.seeker, clock.now())
    with pytest.raises(DomainError, match="larger than the £1,000.01 left"):
        refunds.plan_refunds(w.challenge, w.broker, clock.now(), amount=100_002)
    with pytest.raises(DomainError, match="more than zero"):
        refunds.plan_refunds(w.challenge, w.broker, clock.now(), amount=0)
    with pytest.raises(DomainError, match="more than zero"):
        refunds.plan_refunds(w.challenge, w.broker, clock.now(), amount=-5)
    with pytest.raises(DomainError, match="held in GBP"):
        refunds.plan_refunds(w.challenge, w.broker, clock.now(), amount=100, currency="EUR")
    planned = refunds.plan_refunds(w.challenge, w.broker, clock.now())
    ids = [r.id for r in planned]
    db.session.commit()
    done = refunds.process_refunds(ids, w.broker, clock.now())
    assert [r.state for r in done] == ["succeeded"] * 3
    assert [r.amount for r in done] == [33_341, 33_330, 33_330]
    assert sum(r.amount for r in done) == 100_001
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 0
    with pytest.raises(DomainError, match="Nothing is left"):
        refunds.plan_refunds(w.challenge, w.broker, clock.now())
    assert reconcile(clock.now()) == []


def test_refunds_wait_for_the_decision(world):
    w = world(state="judging")
    with pytest.raises(DomainError, match="once the prizes are decided"):
        refunds.plan_refunds(w.challenge, w.broker, clock.now())


def test_refunds_leave_awarded_money_alone(world):
    w = world(state="decided", prizes=((1_000_000, 1), (500_000, 1)))
    awards.create_awards(w.challenge, [(w.sub_a, w.challenge.prizes[0])], w.broker, clock.now())
    db.session.commit()
    # Left: the unawarded £5,000 and its unused £250 fee.
    assert awards.available(w.challenge) == 525_000
    planned = refunds.plan_refunds(w.challenge, w.broker, clock.now())
    assert sorted(r.amount for r in planned) == [210_000, 315_000]
    with pytest.raises(DomainError, match="left after awards"):
        refunds.plan_refunds(w.challenge, w.broker, clock.now(), amount=1)
    db.session.commit()
    refunds.process_refunds([r.id for r in planned], w.broker, clock.now())
    assert ledger.balance(ledger.escrow(w.challenge.id), "GBP") == 1_000_000
    bank_details(w.winner)
    payout = db.session.scalars(db.select(Payout)).one()
    assert pay_out(payout.id, w.broker).state == "paid"
    assert db.session.scalars(db.select(Refund)).all()[0].state == "succeeded"


def test_bank_details_are_validated_encrypted_and_masked(world):
    w = world(fund=False)
    gateway = ManualGateway()
    for args, message in [(("", "309950", "12345678"), "name on the account"),
                          (("W", "3099", "12345678"), "sort code"),
                          (("W", "30-99-50", "1234"), "account number"),
                          (("W", "30-99-5a", "12345678"), "sort code"),
                          (("W", "309950", "1234567８"), "account number")]:
        with pytest.raises(DomainError, match=message):
            payees.save_bank_details(w.winner, *args, gateway, clock.now())
    account = payees.save_bank_details(w.winner, "Wyn Winner", "30-99-50", "12345678", gateway, clock.now())
    assert account.last4 == "5678" and account.state == "ready"
    assert "12345678" not in account.bank_details_encrypted
    assert payees.decrypt_bank_details(account) == {"sort_code": "309950", "account_number": "12345678"}
