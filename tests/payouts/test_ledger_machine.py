"""A random life of a prize pool (Hypothesis state machine): funding, awards, payouts, provider failures,
retries, reversals and refunds, through the Stripe gateway against the fake server; transfers recorded
twice (the second from a page read before the first was saved) and prize places awarded twice. After
every step every ledger transaction balances, no escrow is below zero, what is held covers what is
promised, the escrow received exactly what the funders are recorded as paying, and no prize has more
awards than places."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy.orm.attributes import set_committed_value

from challenge import clock
from challenge.errors import DomainError, InvalidTransition
from challenge.extensions import db
from challenge.payouts import awards, funding, ledger, payees, refunds, release
from challenge.payouts.models import Award, Funding, Payout
from challenge.payouts.reconcile import escrow_received_checks
from challenge.payouts.providers import gateway
from challenge.platform import tx
from tests.conftest import _empty_tables
from tests.payouts.fake_stripe import FakeStripe

FAULTS = st.sampled_from([None, None, 500, 400])


def test_every_transaction_balances_and_no_escrow_goes_negative(app, stripe_config, fake_stripe_server, world):
    class PrizePool(RuleBasedStateMachine):
        @initialize(percent=st.sampled_from([40, 80, 100, 100]))
        def setup(self, percent):
            tx.rollback()
            _empty_tables()
            self.fake = FakeStripe(fake_stripe_server)
            app.config["STRIPE_API_BASE"] = self.fake.url
            self.w = world(state="decided", prizes=((300_000, 1), (200_000, 2)), fund=False)
            self.now = clock.now()
            for user in (self.w.winner, self.w.runner_up):
                payees.start_stripe_onboarding(user, gateway("stripe"), "https://x/r", "https://x/f", self.now)
                account = payees.account_for(user, "stripe")
                self.fake.activate_transfers(account.provider_account_id)
                payees.apply_status(account, True, self.now)
            tx.commit()
            for f in funding.funders_of(self.w.challenge):  # start with some or all of the pool held
                invoice = funding.issue_invoice(f, self.w.seeker, self.now)
                funding.record_bank_transfer(invoice, invoice.amount * percent // 100, "GBP", "", self.w.broker,
                                             self.now)
            tx.commit()

        def _try(self, action):
            try:
                action()
                tx.commit()
            except DomainError:
                tx.rollback()

        @rule(funder=st.integers(0, 1), percent=st.integers(1, 100))
        def fund(self, funder, percent):
            f = funding.funders_of(self.w.challenge)[funder]
            owed = funding.outstanding_for(f)
            invoice = next((x for x in f.fundings if x.state == "pending"), None)
            if invoice is None and owed <= 0:
                return
            if invoice is None:
                invoice = funding.issue_invoice(f, self.w.seeker, self.now)
            amount = max(1, invoice.amount * percent // 100)
            self._try(lambda: funding.record_bank_transfer(invoice, amount, "GBP", "", self.w.broker, self.now))

        @rule(funder=st.integers(0, 1), percent=st.integers(1, 100))
        def record_twice(self, funder, percent):
            """A double click: the second request read the invoice before the first was saved."""
            f = funding.funders_of(self.w.challenge)[funder]
            invoice = next((x for x in f.fundings if x.state == "pending" and x.provider == "manual"), None)
            if invoice is None and funding.outstanding_for(f) <= 0:
                return
            invoice = invoice or funding.issue_invoice(f, self.w.seeker, self.now)
            tx.commit()
            invoice_id, amount = invoice.id, max(1, invoice.amount * percent // 100)
            self._try(lambda: funding.record_bank_transfer(invoice, amount, "GBP", "", self.w.broker, self.now))
            stale = db.session.get(Funding, invoice_id)
            if stale.state != "paid":
                return
            set_committed_value(stale, "state", "pending")
            try:
                funding.record_bank_transfer(stale, amount, "GBP", "", self.w.broker, self.now)
            except InvalidTransition:
                tx.rollback()
            else:
                raise AssertionError("a transfer was recorded twice")

        @rule(prize=st.integers(0, 2))
        def award_twice(self, prize):
            """Two brokers award the same place, one entry each."""
            prizes = self.w.challenge.prizes
            chosen = prizes[min(prize, len(prizes) - 1)]
            for sub in (self.w.sub_a, self.w.sub_b):
                self._try(lambda: awards.create_awards(self.w.challenge, [(sub, chosen)], self.w.broker, self.now))

        @rule(prize=st.integers(0, 2), entry=st.integers(0, 1))
        def award(self, prize, entry):
            prizes = self.w.challenge.prizes
            chosen = prizes[min(prize, len(prizes) - 1)]
            sub = (self.w.sub_a, self.w.sub_b)[entry]
            self._try(lambda: awards.create_awards(self.w.challenge, [(sub, chosen)], self.w.broker, self.now))

        def _payout(self, n, state):
            ids = list(db.session.scalars(db.select(Payout.id).where(Payout.state == state).order_by(Payout.id)))
            return ids[n % len(ids)] if ids else None

        @rule(n=st.integers(0, 3), fault=FAULTS)
        def release_one(self, n, fault):
            payout_id = self._payout(n, "ready")
            if payout_id is None:
                return
            if fault:
                self.fake.fail_next("/v1/transfers", fault)
            self._try(lambda: release.release_payout(payout_id, self.w.broker, self.now))

        @rule(n=st.integers(0, 3), fault=FAULTS, failed=st.booleans())
        def retry_one(self, n, fault, failed):
            payout_id = self._payout(n, "failed" if failed else "processing")
            if payout_id is None:
                return
            if fault:
                self.fake.fail_next("/v1/transfers", fault)
            self._try(lambda: release.retry_payout(payout_id, self.w.broker, self.now))

        @rule(n=st.integers(0, 3))
        def reverse_one(self, n):
            payout_id = self._payout(n, "paid")
            if payout_id is not None:
                self._try(lambda: release.reverse_payout(payout_id, "Random reversal", self.w.broker, self.now))

        @rule(percent=st.integers(1, 100))
        def refund(self, percent):
            left = awards.available(self.w.challenge)
            if left <= 0:
                return
            try:
                planned = refunds.plan_refunds(self.w.challenge, self.w.broker, self.now,
                                               amount=max(1, left * percent // 100))
                ids = [r.id for r in planned]
                tx.commit()
            except DomainError:
                tx.rollback()
                return
            refunds.process_refunds(ids, self.w.broker, self.now)

        @rule()
        def cli_retry(self):
            release.retry_due(self.now + timedelta(hours=1), timedelta(minutes=5))

        @invariant()
        def books_balance(self):
            assert ledger.unbalanced_transactions() == []
            assert ledger.negative_escrows() == []
            assert awards.available(self.w.challenge) >= 0
            paid = sum(p.amount for p in db.session.scalars(db.select(Payout).where(Payout.state == "paid")))
            assert ledger.balance("fee:broker", "GBP") + paid + ledger.balance(
                ledger.escrow(self.w.challenge.id), "GBP") + sum(
                ledger.balance(ledger.refund(f.id), "GBP") for f in funding.funders_of(self.w.challenge)
            ) == sum(funding.funded_by(f) for f in funding.funders_of(self.w.challenge))

        @invariant()
        def escrow_received_what_funders_paid(self):
            assert escrow_received_checks() == []

        @invariant()
        def each_place_awarded_once(self):
            for prize in self.w.challenge.prizes:
                places = list(db.session.scalars(db.select(Award.place).where(Award.prize_id == prize.id)))
                assert len(places) == len(set(places)) <= prize.winners
                assert set(places) <= set(range(1, prize.winners + 1))

        def teardown(self):
            self.fake.wait_idle()
            tx.rollback()

    run_state_machine_as_test(PrizePool, settings=settings(
        max_examples=15, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
