"""`python -m bench.rush`: 200 creators submit in the last minute before a challenge closes.

    python -m bench.rush [--db sqlite|postgresql] [--creators 200] [--close-in 60] [--late 0.15]

A fresh database, one published challenge, gunicorn with 2 workers and CSRF on as in production. Every
creator signs in first (through the login form); then the challenge is set to close --close-in seconds
later (real time: the server's own clock) and one thread per creator opens the submit form, creates the
draft, uploads a PDF and submits, spread over that last minute and bunched at its end; some press
submit deliberately after the close. Then the database is checked: every success answer is a
submitted row with its file on disk and the right sha256; no answer was a 5xx; every late one was refused
cleanly and left no submitted row. Exits 1 on any violation, 2 when the submission routes are missing.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, update

from bench import dataset, report
from bench.measure import route_present
from demo.submissions import tiny_pdf
from bench.rush_check import check, summary
from bench.rush_client import Outcome, SubmissionClient
from bench.server import Gunicorn, app_env, fresh_database, migrate
from challenge import create_app

SLUG = "warm-homes-rush"


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.rush", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--creators", type=int, default=200)
    parser.add_argument("--close-in", type=int, default=60, help="seconds from the end of the sign-ins to the close")
    parser.add_argument("--late", type=float, default=0.15, help="share of creators who submit after the close")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    if not 1 <= args.creators <= 1000 or not 15 <= args.close_in <= 300 or not 0 <= args.late < 1:
        parser.error("--creators 1..1000, --close-in 15..300 s, --late in [0, 1)")
    return args


def missing_routes() -> list[str]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    wanted = [("GET", SubmissionClient.START.format(slug="x")), ("POST", SubmissionClient.START.format(slug="x")),
              ("POST", SubmissionClient.ATTACH.format(ref="CX-2026-00001")),
              ("POST", SubmissionClient.SUBMIT.format(ref="CX-2026-00001"))]
    return [f"{method} {path}" for method, path in wanted if not route_present(app, path, method)]


def load(engine, creators: int, now: datetime) -> None:
    plan = dataset.Plan(challenges=1, submissions=0, creators=creators, organisations=1)
    dataset.load_people(engine, plan, now)
    row, prizes = dataset.challenge_row(0, plan, now)
    row.update(slug=SLUG, title="Warm homes before winter", state="published",
               opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=1))
    with engine.begin() as conn:
        dataset.insert(conn, "challenges", [row])
        dataset.insert(conn, "prizes", prizes)
    dataset.after_bulk_load(engine)


@dataclass(frozen=True)
class Timing:
    """When one creator opens the form to prepare the draft, and when they press submit (epoch seconds)."""

    draft: float
    submit: float
    late: bool


def schedule(args, start: float, close: float, rng: random.Random) -> list[Timing]:
    """Drafts spread over the last minute, submits bunched against the deadline, as real creators do.

    The late ones have their draft ready in time and press submit up to five seconds after the close.
    """
    plan = []
    for n in range(args.creators):
        late = n < round(args.creators * args.late)
        draft = rng.uniform(start, close - 8)
        submit = close + rng.uniform(0.3, 5.0) if late else close - 1 - (close - 1 - draft) * rng.random() ** 2
        plan.append(Timing(draft, submit, late))
    rng.shuffle(plan)
    return plan


def sign_in_all(base: str, outcomes: list[Outcome], kind: type[SubmissionClient] = SubmissionClient
                ) -> list[SubmissionClient]:
    """Everyone signs in before the last minute (each sign-in is a deliberately slow argon2 check)."""
    clients = [kind(base, o) for o in outcomes]
    with ThreadPoolExecutor(max_workers=4) as pool:
        signed = list(pool.map(lambda c: c.log_in(f"creator{c.outcome.creator}@bench.example.org",
                                                  dataset.PASSWORD), clients))
    for client, ok in zip(clients, signed):
        if not ok:
            client.outcome.refused = client.outcome.refused or "could not sign in"
    return [c for c, ok in zip(clients, signed) if ok]


def _at(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def creator(client: SubmissionClient, when: Timing, rng: random.Random) -> None:
    _at(when.draft)
    if not client.start_draft(SLUG):
        return
    n = client.outcome.creator
    data = tiny_pdf([f"Warm coats library: solution from creator {n} ({rng.random():.12f})"])
    client.outcome.sha256 = hashlib.sha256(data).hexdigest()
    if not client.upload(f"solution-{n}.pdf", data):
        return
    _at(when.submit)
    client.submit()


def rush(server: Gunicorn, engine, args, rng: random.Random, kind: type[SubmissionClient] = SubmissionClient,
         midway=None) -> tuple[list[Outcome], datetime, int, float]:
    """Sign everyone in, set the close --close-in seconds ahead, and let the creators go.

    `midway`, when given, is called once half-way between the start and the close (a fault to inject)."""
    outcomes = [Outcome(creator=n) for n in range(args.creators)]
    started = time.monotonic()
    clients = sign_in_all(server.url, outcomes, kind)
    signing = time.monotonic() - started
    closes_at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=args.close_in)
    with engine.begin() as conn:
        conn.execute(update(dataset.table("challenges")).values(closes_at=closes_at))
    print(f"{len(clients)} creators signed in ({signing:.0f} s); {SLUG} closes at {closes_at:%H:%M:%S} UTC…",
          flush=True)
    timings = schedule(args, time.time(), closes_at.timestamp(), rng)
    threads = [threading.Thread(target=creator, args=(c, when, random.Random(rng.random())), daemon=True)
               for c, when in zip(clients, timings)]
    for t in threads:
        t.start()
    if midway is not None:
        _at(time.time() + args.close_in / 2)
        midway()
    deadline = time.monotonic() + args.close_in + 90
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()))
    return outcomes, closes_at, sum(t.is_alive() for t in threads), signing


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    missing = missing_routes()
    if missing:
        print("The submission routes are missing, so there is nothing to rush: " + ", ".join(missing))
        print("Adjust bench/rush_client.py:SubmissionClient when they land under other paths.")
        return 2
    rng, t0 = random.Random(args.seed), time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-rush-") as tmp, fresh_database(args.db, "bench_rush") as url:
        env = app_env(url, Path(tmp), RATELIMIT_AUTH="100000 per minute")
        migrate(env)
        engine = create_engine(url)
        try:
            load(engine, args.creators, datetime.now(timezone.utc).replace(microsecond=0))
            with Gunicorn(env) as server:
                outcomes, closes_at, stuck, signing = rush(server, engine, args, rng)
            violations, facts = check(engine, outcomes, closes_at, Path(env["UPLOAD_FOLDER"]), stuck)
        finally:
            engine.dispose()
    facts["signing"] = signing
    text = summary(outcomes, violations, facts, args, time.monotonic() - t0)
    print(text)
    if not args.no_write:
        report.write_section(f"rush-{args.db}", text_to_markdown(text, args))
    return 1 if violations else 0


def text_to_markdown(text: str, args) -> str:
    command = "python -m bench.rush" + "".join(f" {a}" for a in sys.argv[1:])
    database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(args.db, args.db)
    return f"## Deadline rush: {database}\n\nCommand: `{command}`\n\n```\n{text}\n```\n"


if __name__ == "__main__":
    sys.exit(main())
