"""`python -m bench.run`: load a platform's worth of data, serve it with gunicorn, measure each page.

    python -m bench.run [--db sqlite|postgresql] [--challenges 10000] [--duration 10] [--quick]

A command, not a test: loopback only, every wrk run bounded by --duration, the server and the
database removed at the end even on error. Prints the table and writes it to docs/benchmarks.md.
Exits 0 when it ran (targets missed are reported, not fatal; add --strict to fail on them).
"""
from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine

from bench import dataset, report, wrk
from bench.cases import CASES, discover
from bench.measure import Sessions, judge, probe, run_case
from bench.server import Gunicorn, app_env, fresh_database, migrate
from challenge import clock, create_app

HELLO_APP = "bench.hello:app"
CEILING = next(case for case in CASES if case.baseline)


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--challenges", type=int, default=None, help="default 10,000 (1,000 with --quick)")
    parser.add_argument("--submissions", type=int, default=None, help="default 10 per challenge")
    parser.add_argument("--duration", type=int, default=None, help="seconds per wrk run (default 10; 3 with --quick)")
    parser.add_argument("--small", type=int, default=100, help="challenges at the first query count (default 100)")
    parser.add_argument("--quick", action="store_true", help="1,000 challenges and 3 s runs: a smoke run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is not met")
    parser.add_argument("--cases", default="", help="only the cases whose name contains this, or one of its "
                        "|-separated parts (and the ceiling); implies --no-write")
    args = parser.parse_args(argv)
    args.challenges = args.challenges or (1_000 if args.quick else 10_000)
    args.submissions = args.submissions if args.submissions is not None else 10 * args.challenges
    args.duration = args.duration or (3 if args.quick else 10)
    args.no_write = args.no_write or bool(args.cases)  # a partial table must not replace the whole one
    if args.challenges < 1 or args.duration < 1 or args.duration > 120 or args.small < 1:
        parser.error("--challenges and --small must be positive; --duration between 1 and 120 s")
    return args


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    wrk.ensure_installed()
    started, t0 = datetime.now(timezone.utc), time.monotonic()
    plan = dataset.Plan(challenges=args.challenges, submissions=args.submissions, scores=50 * args.challenges)
    small = min(args.small, plan.challenges)
    routes = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})  # only its URL map, to skip absent routes
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp, fresh_database(args.db) as url:
        env = app_env(url, Path(tmp), RATELIMIT_AUTH="1000 per minute")
        print(f"Migrating a fresh {args.db} database…", flush=True)
        migrate(env)
        engine = create_engine(url)
        now = clock.now()
        try:
            t = time.monotonic()
            dataset.load_people(engine, plan, now)
            dataset.load_challenges(engine, plan, 0, small, now)
            # A panel a tenth the size, so the panel view's query count is compared too.
            entries, judges, criteria = plan.panel
            small_panel = dataset.Plan(panel=(max(3, entries // 10), judges, criteria), scores=1)
            small_extra = dataset.load_scores(engine, small_panel, now)
            dataset.after_bulk_load(engine)
            load_seconds = time.monotonic() - t
            with Gunicorn(env) as server:
                memory_at_start = server.booted_memory()
                sessions = Sessions(server)
                facts = discover(engine, now, small_extra)
                cases = [c for c in CASES if c.baseline or any(part in c.name for part in args.cases.split("|"))]
                counts = {c.name: probe(c, facts, routes, server, sessions)[0].queries for c in cases
                          if not c.baseline}
                print(f"Loading up to {plan.challenges:,} challenges and {plan.submissions:,} submissions…",
                      flush=True)
                t = time.monotonic()
                dataset.load_challenges(engine, plan, small, plan.challenges, now)
                extra = dataset.load_scores(engine, plan, now)
                dataset.after_bulk_load(engine)
                load_seconds += time.monotonic() - t
                print(f"Loaded in {load_seconds:.1f} s.", flush=True)
                facts = discover(engine, now, extra)
                results = []
                with Gunicorn(env, app=HELLO_APP, health="/", log=Path(tmp) / "hello.log") as hello:
                    for case in cases:
                        print(f"  {case.name}…", flush=True)
                        result = _measured(case, facts, routes, server, sessions, hello, args.duration)
                        result.queries_small = counts.get(case.name) if result.queries is not None else None
                        results.append(result)
                memory = server.worker_memory()
            rows = dataset.row_counts(engine)
            database = _database_name(engine)
        finally:
            engine.dispose()
    judge(results)
    run = report.Run(
        database=database,
        command=("python -m bench.run " + shlex.join(argv if argv is not None else sys.argv[1:])).strip(),
        started=started.strftime("%Y-%m-%d %H:%M UTC"),
        plan=f"{plan.challenges:,} challenges, {plan.submissions:,} submissions, {plan.scores:,} scores planned",
        small=small, rows=rows, load_seconds=load_seconds, duration=args.duration, results=results, memory=memory,
        memory_at_start=memory_at_start,
        total_seconds=time.monotonic() - t0,
        notes=([f"Scores: {extra.get('scores')}"] if "scores" in extra else []) + _ceiling_note(results, args.duration),
    )
    print()
    print(report.text_table(run))
    if not args.no_write:
        report.write_section(args.db, report.markdown(run))
        print(f"\nWritten to {report.DOC}")
    missed = [r for r in results if r.verdict.startswith("not met")]
    return 1 if args.strict and missed else 0


def _measured(case, facts, routes, server, sessions, hello, duration: int):
    """`case` under wrk: the ceiling against `hello` (the bare Flask hello-world of bench/hello.py, served by a
    gunicorn of its own exactly like the app), a page against `server`. A page whose target is a fraction of the
    ceiling has the ceiling measured again just before it (for half as long), and is judged against that: on a
    shared host the speed of the same code moved by a third within minutes (session 20), and a ceiling read at
    the start of a run is then a different machine's by the time the last page runs."""
    if case.baseline:
        return run_case(case, facts, routes, hello, Sessions(hello), duration)
    ceiling = None
    if case.target.min_fraction is not None and case.target.of is None:
        ceiling = run_case(CEILING, facts, routes, hello, Sessions(hello), max(3, duration // 2)).rps
    result = run_case(case, facts, routes, server, sessions, duration)
    result.ceiling_rps = ceiling
    return result


def _ceiling_note(results, duration: int) -> list[str]:
    readings = [r.ceiling_rps for r in results if r.ceiling_rps]
    if not readings:
        return []
    return [f"Each fraction of bare Flask is of the ceiling measured just before its case ({max(3, duration // 2)} s): "
            f"{len(readings)} readings, {min(readings):,.0f}–{max(readings):,.0f} req/s"]


def _database_name(engine) -> str:
    with engine.connect() as conn:
        version = conn.exec_driver_sql(
            "select sqlite_version()" if engine.dialect.name == "sqlite" else "show server_version").scalar()
    return f"{'SQLite' if engine.dialect.name == 'sqlite' else 'PostgreSQL'} {version}"


if __name__ == "__main__":
    sys.exit(main())
