"""The cluster's job worker killed with SIGKILL while it releases payouts through Stripe: after a new worker
takes over, every payout is paid by exactly one transfer, and the ledger and the provider agree.

The provider is the suite's fake Stripe server (tests/payouts/fake_stripe.py, the real `stripe` library talks to
it over HTTP on 127.0.0.1) with a small delay on each transfer, so the kill lands while a release is in flight.
The winners, their Connect accounts, the funded pool and the awards are made through the app's own services
(`prepare`), so each payout is `ready` exactly as a broker's award leaves it. Beat is played by this script: it
hands `payouts.retry` to the queue every few seconds, with PAYOUTS_RETRY_AFTER_SECONDS short enough that the
payout left `processing` by the killed worker is retried (with its same idempotency key) within the run.
"""
from __future__ import annotations

import logging
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.cluster import Cluster
from bench.cluster_jobs import JOBS_REDIS, enqueue, forget_redis, worker_process

PAYOUTS = 150
PRIZE = 100_000  # £1,000 to each winner
TRANSFER_DELAY = 0.1  # seconds the fake Stripe holds each transfer request before answering
STRIPE_KEY = "sk_test_bench_cluster"


@dataclass(frozen=True)
class PayoutRow:
    """A payout as the database has it after the run, with the Connect account it was to be paid to."""

    id: int
    state: str
    amount: int
    reference: str
    destination: str


@contextmanager
def fake_stripe(delay: float = TRANSFER_DELAY) -> Iterator:
    """The fake Stripe on a free port of 127.0.0.1, in threads of this process; each transfer waits `delay`."""
    from pytest_httpserver import HTTPServer

    from tests.payouts.fake_stripe import FakeStripe

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request would bury the result
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    try:
        fake = FakeStripe(server)
        fake.delay_next("/v1/transfers", delay, times=sys.maxsize, method="POST")
        yield fake
        fake.wait_idle(timeout=30)
        if server.handler_errors:
            raise server.handler_errors[0]
    finally:
        server.stop()


def stripe_config(fake) -> dict[str, str]:
    """The settings that point the app at the fake (the same names as the environment's)."""
    return {"PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": STRIPE_KEY, "STRIPE_API_BASE": fake.url,
            "STRIPE_WEBHOOK_SECRET": "whsec_bench_cluster"}


def prepare(fake, n: int, now: datetime) -> list[int]:
    """A judged challenge with one prize of `n` places, paid in full by its council's invoice, and `n` winners
    whose Stripe Express accounts can receive transfers; awarded, so each winner has a `ready` payout.

    Needs an app context configured with `stripe_config(fake)`; returns the payout ids. People, the challenge
    and the entries are plain rows (as the factories make them); the money goes through the services.
    """
    from challenge.accounts.models import Membership, Organisation, User
    from challenge.accounts.services import hash_password
    from challenge.challenges.models import Challenge, Prize
    from challenge.extensions import db
    from challenge.payouts import awards, funding, payees
    from challenge.payouts.providers import gateway
    from challenge.submissions.models import Submission

    tag = secrets.token_hex(3)
    digest = hash_password(secrets.token_hex(8))

    def person(name: str, broker: bool = False) -> User:
        user = User(name=name, email=f"{name.lower().replace(' ', '.')}.{tag}@bench.example.org", is_broker=broker,
                    password_hash=digest, session_token=secrets.token_hex(16), created_at=now, email_confirmed_at=now)
        db.session.add(user)
        return user

    broker, seeker = person("Payout Broker", broker=True), person("Payout Seeker")
    winners = [person(f"Winner {k}") for k in range(n)]
    council = Organisation(name=f"Payout Council {tag}", slug=f"payout-council-{tag}", kind="local_authority",
                           created_at=now)
    db.session.add(council)
    db.session.flush()
    db.session.add(Membership(user_id=seeker.id, organisation_id=council.id, role="owner", created_at=now))
    challenge = Challenge(organisation_id=council.id, created_by_id=seeker.id, title="Payouts after a worker dies",
                          slug=f"payouts-{tag}", summary="Many winners, one prize.", problem="Pay each one once.",
                          opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), state="judging",
                          created_at=now, updated_at=now, published_at=now - timedelta(days=31))
    prize = Prize(name="Shared prize", amount=PRIZE, winners=n, position=1)
    challenge.prizes.append(prize)
    db.session.add(challenge)
    db.session.flush()
    entries = [Submission(challenge_id=challenge.id, owner_id=w.id, reference=f"CX-PAY-{tag}-{k:04d}",
                          title=f"Entry {k}", summary="An idea.", description="It works.", eligibility_confirmed=True,
                          terms_accepted=True, state="submitted", submitted_at=now - timedelta(days=2),
                          created_at=now, updated_at=now) for k, w in enumerate(winners)]
    db.session.add_all(entries)
    db.session.flush()

    [funder] = funding.set_funders(challenge, [(council, 10_000)], seeker, now)
    invoice = funding.issue_invoice(funder, seeker, now)
    funding.record_bank_transfer(invoice, invoice.amount, invoice.currency, "BACS BENCH", broker, now)
    stripe = gateway("stripe")
    for winner in winners:  # Express onboarding finished: the account can receive transfers
        account = payees.create_stripe_account(winner, stripe, now)
        fake.activate_transfers(account.provider_account_id)
        payees.apply_status(account, True, now)
    made = awards.create_awards(challenge, [(entry, prize) for entry in entries], broker, now)
    db.session.commit()
    return [payout.id for award in made for payout in award.payouts]


def observe(now: datetime) -> tuple[list[PayoutRow], list[str]]:
    """Every payout as recorded, and the reconciliation's mismatches (the ledger balances, each payout's ledger
    matches its state, the provider has the transfer recorded for each paid one). Needs an app context."""
    from challenge.extensions import db
    from challenge.payouts.models import Payout
    from challenge.payouts.reconcile import reconcile

    db.session.expire_all()
    rows = [PayoutRow(p.id, p.state, p.amount, p.provider_reference or "",
                      p.payee_account.provider_account_id if p.payee_account else "")
            for p in db.session.scalars(db.select(Payout).order_by(Payout.id))]
    mismatches = [str(m) for m in reconcile(now)]
    db.session.rollback()
    return rows, mismatches


def check(payouts: list[PayoutRow], transfers: list[dict], mismatches: list[str]) -> list[str]:
    """What is wrong, in words (nothing: every payout paid by exactly one transfer and the books agree).

    `transfers` are the transfer objects the provider created (not the requests: a retry with the same
    idempotency key gets the first answer back and creates nothing), each naming its payout in its metadata.
    """
    made: dict[str, list[dict]] = defaultdict(list)
    for transfer in transfers:
        made[str((transfer.get("metadata") or {}).get("payout_id", ""))].append(transfer)
    known = {str(p.id) for p in payouts}
    problems = []
    unknown = [t["id"] for key, ts in made.items() if key not in known for t in ts]
    if unknown:
        problems.append(f"{len(unknown)} transfers for no known payout: {unknown[:5]}")
    twice = [p.id for p in payouts if len(made[str(p.id)]) > 1]
    never = [p.id for p in payouts if not made[str(p.id)]]
    unpaid = [f"{p.id} ({p.state})" for p in payouts if p.state != "paid"]
    wrong = [p.id for p in payouts if len(made[str(p.id)]) == 1 and _differs(p, made[str(p.id)][0])]
    for count, what, ids in ((len(twice), "paid by more than one transfer", twice),
                             (len(never), "without a transfer", never), (len(unpaid), "not paid", unpaid),
                             (len(wrong), "whose transfer is not the one recorded (id, amount or account)", wrong)):
        if count:
            problems.append(f"{count} payouts {what}: {ids[:10]}")
    problems += [f"reconciliation: {m}" for m in mismatches]
    return problems


def _differs(payout: PayoutRow, transfer: dict) -> bool:
    return (transfer["id"], int(transfer["amount"]), transfer["destination"]) != (
        payout.reference, payout.amount, payout.destination)


@contextmanager
def _app(database_url: str, fake) -> Iterator:
    """The app in this process, on the cluster's database and the fake Stripe (to prepare and to check)."""
    from challenge import create_app
    from challenge.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **stripe_config(fake)})
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()  # before the cluster drops its database


def _states(app) -> dict[str, list[int]]:
    """The payout ids in each state, as the database has them now."""
    from challenge.extensions import db
    from challenge.payouts.models import Payout

    found: dict[str, list[int]] = defaultdict(list)
    with app.app_context():
        for payout_id, state in db.session.execute(db.select(Payout.id, Payout.state).order_by(Payout.id)):
            found[state].append(payout_id)
        db.session.rollback()
    return found


def _at_kill(states: dict[str, list[int]], transfers: list[dict]) -> str:
    """The payouts by state when the worker died, and whether those left processing had their transfer made
    (the provider answered and the answer died with the worker) or not (the request never arrived)."""
    made = {str((t.get("metadata") or {}).get("payout_id")) for t in transfers}
    processing = states.get("processing", [])
    answered = sum(1 for payout_id in processing if str(payout_id) in made)
    words = ", ".join(f"{state} {len(ids)}" for state, ids in sorted(states.items()))
    return (f"{words} (of the processing: {answered} with its transfer made and not yet recorded, "
            f"{len(processing) - answered} without)")


def kill_worker_payouts(args) -> tuple[str, bool]:
    """Release `args.payouts` payouts on a worker, SIGKILL it after a quarter of the transfers, finish on another."""
    n, t0 = getattr(args, "payouts", PAYOUTS), time.monotonic()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp, Cluster(Path(tmp)) as cluster, \
            fake_stripe() as fake, _app(cluster.database_url, fake) as app:
        with app.app_context():
            payout_ids = prepare(fake, n, now)
        env = dict(cluster.env, **stripe_config(fake), JOBS_BROKER_URL=JOBS_REDIS,
                   JOBS_QUEUE=f"cx-bench-payouts-{int(time.time())}", PAYOUTS_RETRY_AFTER_SECONDS="5")
        try:
            with worker_process(env, Path(tmp) / "worker-1.log") as worker:  # stopped on the way out if need be
                enqueue(env, "payouts.retry")
                deadline = time.monotonic() + 60
                while len(fake.transfers) < n // 4 and time.monotonic() < deadline:
                    time.sleep(0.01)
                worker.kill()  # SIGKILL, mid-release
                at_kill = len(fake.transfers)
            fake.wait_idle(timeout=30)  # a request the worker sent just before it died is still answered
            states_at_kill = _at_kill(_states(app), list(fake.transfers.values()))
            with worker_process(env, Path(tmp) / "worker-2.log"):
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    enqueue(env, "payouts.retry")  # as beat would, at its interval
                    time.sleep(4)
                    if len(_states(app)["paid"]) == len(payout_ids):
                        break
            fake.wait_idle(timeout=30)
            with app.app_context():
                payouts, mismatches = observe(datetime.now(timezone.utc))
            transfers = list(fake.transfers.values())
            posts = fake.calls("POST", "/v1/transfers")
        finally:
            forget_redis(env["JOBS_QUEUE"])
    problems = check(payouts, transfers, mismatches)
    replayed = sum(1 for r in posts if r.replayed)
    keys_again = len(posts) - len({r.idempotency_key for r in posts})
    text = "\n".join([
        f"Payouts ready: {len(payout_ids)} (Stripe Connect, fake Stripe on 127.0.0.1, {TRANSFER_DELAY:.1f} s per "
        f"transfer); the worker was killed with SIGKILL after {at_kill} transfers; payouts then: {states_at_kill}",
        f"A new worker took over (payouts left processing are retried after 5 s with the same idempotency key): "
        f"{len(posts)} transfer requests, {keys_again} repeating a key, {replayed} answered from the stored result",
        f"Transfers created: {len(transfers)}; payouts paid: {sum(1 for p in payouts if p.state == 'paid')}; "
        f"reconciliation (ledger balanced, each payout's ledger and transfer as recorded): "
        f"{len(mismatches)} mismatches",
        *(f"PROBLEM: {p}" for p in problems),
        f"Whole run {time.monotonic() - t0:.0f} s",
        "RESULT: " + ("every payout paid by exactly one transfer" if not problems else "FAILED"),
    ])
    return text, not problems
