"""References are unique under concurrency: the year's counter row is locked while incremented."""
import threading

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.submissions import services
from challenge.submissions.models import ReferenceCounter

THREADS = 8
EACH = 5


def test_references_are_unique_when_many_are_taken_at_once(app):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers, so it cannot show a race; run with TEST_DATABASE_URL=postgresql…")
    now = clock.now()
    taken, errors = [], []
    barrier = threading.Barrier(THREADS)

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(EACH):
                    reference = services.next_reference(now)
                    db.session.commit()
                    taken.append(reference)
                db.session.remove()
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len(taken) == len(set(taken)) == THREADS * EACH
    assert sorted(taken) == [f"CX-{now.year}-{n:05d}" for n in range(1, THREADS * EACH + 1)]
    assert db.session.get(ReferenceCounter, now.year, populate_existing=True).last == THREADS * EACH


def test_references_count_up_within_a_year(app):
    now = clock.now()
    assert [services.next_reference(now) for _ in range(3)] == [f"CX-{now.year}-{n:05d}" for n in (1, 2, 3)]
