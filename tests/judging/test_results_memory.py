"""A round's results are worked out without holding every score row at once (issue 13: the peak of a panel
view's request is memory each worker keeps)."""
from __future__ import annotations

import gc
import tracemalloc

from challenge import clock
from challenge.extensions import db
from challenge.judging import results
from challenge.judging.models import Round
from demo.panels import build_panel


def _load_peak(round_id: int) -> tuple[int, int]:
    """(what the results keep, the peak above the start) in bytes, for one computation of the round's results."""
    round_ = db.session.get(Round, round_id)
    results._load(round_)  # warm: statements compiled, modules imported
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        kept = results._load(round_)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept.entries
    return current - start, peak - start


def test_the_peak_of_computing_results_is_not_the_score_rows_held_together(app):
    # 200 entries × 8 criteria × 5 judges: 8,000 score rows. Measured above what the results keep (~1.2 MB): 3.9 MB
    # with the rows read as a list through the ORM and the bootstrap's draws copied, 1.7 MB read as they come,
    # dropped once read into the sheets, and the draws not copied.
    panel = build_panel(200, 8, 5, clock.now())
    db.session.commit()
    kept, peak = _load_peak(panel.round_id)
    assert peak - kept < 2_500_000, (kept, peak)
