"""`python -m bench.profile`: where one signed-in request spends its time, in-process, without wrk.

    python -m bench.profile [--db /tmp/bench-profile.db | --postgresql bench_profile] [--cases judge]
                            [--requests 20] [--top 25] [--sql]

Loads the benchmark's data set into a SQLite file, or with --postgresql into a PostgreSQL database of that
name on the bench's server, once (kept for the next run; --fresh reloads it, and `--drop` removes the
PostgreSQL database and stops), then
for each case in bench/cases.py that has a login, and each anonymous case rendered in full ("…, rendered"): signs
in through the session (as Flask-Login would),
warms up, and reports the CPU time of one request (`time.process_time`, median of --requests) and its
query count. `--top N` prints cProfile's N most expensive functions (cumulative) for each case. CPU
time, not wall-clock, because the machine is shared: what another process does does not count.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

from bench import dataset
from bench.cases import CASES, discover
from bench.server import POSTGRES_SERVER, SECRET_KEY, app_env, migrate
from challenge import clock, create_app
from challenge.diagnostics import FRESH_HEADER


def load(url: str, facts_file: Path, challenges: int) -> dict:
    """The data set in the database at `url` (loaded now unless its facts file is there); the facts the
    cases need."""
    if not facts_file.exists():
        plan = dataset.Plan(challenges=challenges, submissions=10 * challenges, scores=50 * challenges)
        with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
            migrate(app_env(url, Path(tmp)))
        engine = create_engine(url)
        now = clock.now()
        dataset.load_people(engine, plan, now)
        dataset.load_challenges(engine, plan, 0, plan.challenges, now)
        extra = dataset.load_scores(engine, plan, now)
        engine.dispose()
        facts_file.write_text(repr(extra))
    return eval(facts_file.read_text())  # noqa: S307 (our own file, written just above)


def _postgresql(name: str, fresh: bool, drop: bool = False) -> tuple[str, Path]:
    """The URL of the kept PostgreSQL database `name` (created when missing; dropped first if `fresh`; with
    `drop`, only dropped) and its facts file."""
    from sqlalchemy import make_url, text
    from sqlalchemy.pool import NullPool

    facts_file = Path(tempfile.gettempdir()) / f"{name}.pg-facts"
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists and fresh:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                         {"n": name})
            conn.execute(text(f'DROP DATABASE "{name}"'))
            facts_file.unlink(missing_ok=True)
            exists = None
        if not exists and not drop:
            facts_file.unlink(missing_ok=True)
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False), facts_file


def loaded(db: Path, postgresql: str, challenges: int) -> tuple[str, Any]:
    """The URL of the profiling data set (the SQLite file `db`, or the PostgreSQL database named `postgresql`),
    loaded when missing, and the facts the cases need."""
    if postgresql:
        url, facts_file = _postgresql(postgresql, fresh=False)
    else:
        url, facts_file = f"sqlite:///{db}", db.with_suffix(".facts")
    return url, discover(create_engine(url), clock.now(), load(url, facts_file, challenges))


def signed_in_cases(app, facts, only: str = ""):
    """(case, a test client signed in as its person, its paths) for each signed-in case whose name contains
    `only` and whose data is loaded; and the anonymous "rendered" cases, with a client signed in as nobody."""
    for case in CASES:
        if only not in case.name or case.baseline:
            continue
        email, paths = case.login(facts), case.paths(facts)
        if not paths or not (email or not case.page_cache):
            continue
        client = app.test_client()
        if email:
            sign_in(client, app, email)
        yield case, client, paths


def sign_in(client, app, email: str) -> None:
    from challenge.accounts.models import User
    from challenge.extensions import db

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        ident = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = ident, True


AREAS = [  # where a function's own time goes, by the file it is in (the first match wins)
    ("query", ("sqlite3", "psycopg")), ("ORM", ("sqlalchemy",)), ("permissions", ("permissions.py", "rules.py")),
    ("Jinja", ("jinja2", "markupsafe", "templates/", "wtforms", "filters.py", "dates.py")), ("charts", ("pygal",)),
]


def areas(stats: pstats.Stats) -> dict[str, float]:
    """The profile's own time (not cumulative, so nothing is counted twice) per area, in per cent."""
    spent: dict[str, float] = {}
    for (filename, _, name), (_, _, own, _, _) in stats.stats.items():
        where = f"{filename}:{name}"
        area = next((a for a, marks in AREAS if any(m in where for m in marks)), "Flask and the app")
        spent[area] = spent.get(area, 0.0) + own
    total = sum(spent.values()) or 1.0
    return {area: 100 * t / total for area, t in sorted(spent.items(), key=lambda kv: -kv[1])}


def measure(client, path: str, requests: int, top: int, headers: dict | None = None) -> tuple[float, int, str]:
    """Median CPU ms of one request, its query count, where its time goes and (with top) the profile's top
    functions. `headers` {FRESH_HEADER: "1"} renders in full (no kept page or shared part)."""
    for _ in range(3):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, f"{path}: HTTP {answer.status_code}"
    times = []
    for _ in range(requests):
        started = time.process_time()
        answer = client.get(path, headers=headers)
        times.append((time.process_time() - started) * 1000)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path, headers=headers)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    report = "    " + ", ".join(f"{area} {share:.0f}%" for area, share in areas(stats).items())
    if top:
        stats.sort_stats("cumulative").print_stats(top)
        report += "\n" + out.getvalue()
    return statistics.median(times), int(answer.headers.get("X-Query-Count", -1)), report


def statements(app, client, path: str) -> str:
    """The SQL one request runs, grouped: a statement repeated per row is an N+1."""
    from collections import Counter

    from sqlalchemy import event

    from challenge.extensions import db

    seen: Counter = Counter()
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, *args):
        seen[" ".join(statement.split())[:160]] += 1

    event.listen(engine, "before_cursor_execute", note)
    try:
        client.get(path, headers={FRESH_HEADER: "1"})
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return "\n".join(f"  {n:4d} × {sql}" for sql, n in seen.most_common())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench-profile.db"))
    parser.add_argument("--postgresql", metavar="NAME", default="",
                        help="a PostgreSQL database of this name on the bench's server instead of SQLite")
    parser.add_argument("--drop", action="store_true", help="with --postgresql: remove that database and stop")
    parser.add_argument("--challenges", type=int, default=10_000)
    parser.add_argument("--fresh", action="store_true", help="reload the data set")
    parser.add_argument("--cases", default="", help="only cases whose name contains this")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", type=int, default=0, help="print cProfile's top N functions per case")
    parser.add_argument("--kept", action="store_true",
                        help="time requests as wrk sends them (shared parts kept); the default renders in full")
    parser.add_argument("--sql", action="store_true", help="print each case's statements, most repeated first")
    args = parser.parse_args(argv)
    if args.fresh and not args.postgresql:
        for suffix in ("", "-wal", "-shm", ".facts"):
            Path(f"{args.db}{suffix}" if suffix != ".facts" else args.db.with_suffix(".facts")).unlink(missing_ok=True)
    if args.postgresql:
        url, facts_file = _postgresql(args.postgresql, fresh=args.fresh or args.drop, drop=args.drop)
        if args.drop:
            return 0
    else:
        url, facts_file = f"sqlite:///{args.db}", args.db.with_suffix(".facts")
    extra = load(url, facts_file, args.challenges)
    facts = discover(create_engine(url), clock.now(), extra)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "QUERY_COUNT_HEADER": True,
                      "SECRET_KEY": SECRET_KEY, "WTF_CSRF_ENABLED": True})
    for case, client, paths in signed_in_cases(app, facts, args.cases):
        fresh = {FRESH_HEADER: "1"}
        ms, queries, report = measure(client, paths[0], args.requests, args.top, None if args.kept else fresh)
        line = f"{case.name:40} {ms:7.1f} ms CPU  {queries:3d} queries"
        if args.kept:  # as wrk sees it: kept pages and shared parts answer
            line += f" (rendered in full: {measure(client, paths[0], args.requests, 0, fresh)[0]:.1f} ms CPU)"
        print(f"{line}  {paths[0]}", flush=True)
        if report:
            print(report)
        if args.sql:
            print(statements(app, client, paths[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
