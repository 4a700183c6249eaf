"""Real concurrency for race tests: work started together in threads, each with its own app context and
database session. Races need PostgreSQL (SQLite serialises every writer), so such tests skip elsewhere."""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence

from challenge.extensions import db

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
SKIP_REASON = ("needs real concurrency, and the database is SQLite (which serialises every writer); "
               "runs when TEST_DATABASE_URL points at PostgreSQL")


def run_together(app, works: Sequence[Callable[[], object]]) -> list:
    """Run each of `works` in its own thread, all released at once; their results, or the exceptions they raised."""
    barrier, results = threading.Barrier(len(works)), []

    def run(work):
        with app.app_context():
            barrier.wait()
            try:
                results.append(work())
            except Exception as exc:  # collected and checked by the test
                db.session.rollback()
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def in_threads(app, count: int, work: Callable[[], object]) -> list:
    """`work()` run `count` times at once."""
    return run_together(app, [work] * count)
