"""The judge's queue runs the same number of queries for 3 entries as for 30 (no query per row; issue 13)."""
from __future__ import annotations

from challenge import clock
from challenge.accounts.models import User
from challenge.extensions import db
from demo.panels import build_panel
from tests.factories import counted_statements


def test_the_judges_queue_runs_the_same_number_of_queries_for_3_and_30_entries(app, client, login):
    counts = []
    for n in (3, 30):
        panel = build_panel(n, 3, 2, clock.now())
        db.session.commit()
        login(db.session.get(User, panel.judge_ids[-1]))
        with counted_statements() as statements:
            response = client.get(f"/judging/{panel.slug}/queue")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert page.count("Review<span class=\"visually-hidden\">") == n  # every entry listed, each scored
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
