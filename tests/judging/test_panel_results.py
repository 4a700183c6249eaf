"""The panel view: its numbers against independent implementations, its queries, who sees it, and its CSV."""
from __future__ import annotations

import csv
import io
import warnings

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import results, scoring
from challenge.judging.models import Round
from demo.panels import build_panel
from tests.factories import counted_statements
from tests.judging.judging_helpers import open_round, score_all

# Scores per judge (rows) and entry (columns), as (Impact, Feasibility) on 0-4; weights 60/40.
SHEETS = [
    [(4, 3), (2, 2), (1, 0), (3, 4)],
    [(3, 3), (3, 1), (0, 1), (4, 4)],
    [(4, 4), (1, 2), (2, 2), (2, 3)],
]


def _weighted(pair):
    return (pair[0] * 60 + pair[1] * 40) / 100


def _world_scored(make_world, sheets=SHEETS, **kw):
    world = make_world(judges=len(sheets), entries=len(sheets[0]), **kw)
    round_ = open_round(world)
    index = {s.id: i for i, s in enumerate(world.subs)}
    order = {m.id: i for i, m in enumerate(world.members)}
    score_all(world, round_, lambda m, s: sheets[order[m.id]][index[s.id]])
    return world, round_


def test_numbers_match_pingouin_and_the_arithmetic(make_world):
    world, round_ = _world_scored(make_world)
    res = results.load(round_)
    matrix = [[_weighted(p) for p in row] for row in SHEETS]
    rows = [(j, e, v) for j, row in enumerate(matrix) for e, v in enumerate(row)]
    df = pd.DataFrame(rows, columns=["judge", "entry", "score"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected_w = float(pg.friedman(data=df, dv="score", within="entry", subject="judge", method="chisq")["W"].iloc[0])
    assert res.agreement.kind == "kendall_w"
    assert res.agreement.value == pytest.approx(expected_w)
    by_entry = {e.id: e for e in res.entries}
    for n, sub in enumerate(world.subs):
        column = [matrix[j][n] for j in range(3)]
        assert by_entry[sub.id].raw_mean == pytest.approx(sum(column) / 3)
        assert by_entry[sub.id].disputed == scoring.is_disputed(column, 0, 4)
        assert by_entry[sub.id].criterion_means[world.criteria[0].id] == pytest.approx(sum(SHEETS[j][n][0] for j in range(3)) / 3)
    # Normalised by hand: z per judge (population sd), averaged, mapped back to 0-4.
    z = [[(v - np.mean(row)) / np.std(row) for v in row] for row in matrix]
    for n, sub in enumerate(world.subs):
        mean_z = np.mean([z[j][n] for j in range(3)])
        assert by_entry[sub.id].normalised == pytest.approx(min(4, max(0, 2 + mean_z / scoring.Z_SPAN * 2)))
    assert [e.rank for e in res.entries] == [1, 2, 3, 4]
    judge = {j.id: j for j in res.judges}[world.members[0].id]
    assert judge.calibration.mean == pytest.approx(np.mean(matrix[0]))
    assert judge.calibration.sd == pytest.approx(np.std(matrix[0]))


def test_incomplete_panels_use_krippendorffs_alpha_matching_the_krippendorff_package(make_world):
    world = make_world(judges=4, entries=5, rounds=({"name": "R", "strategy": "k", "k": 2},))
    round_ = open_round(world)
    values = {}

    def value_for(member, sub):
        v = ((member.id * 7 + sub.id * 3) % 5, (member.id + sub.id) % 5)
        values[(member.id, sub.id)] = _weighted(v)
        return v

    score_all(world, round_, value_for)
    res = results.load(round_)
    assert res.agreement.kind == "alpha"
    judges, entries = [m.id for m in world.members], [s.id for s in world.subs]
    data = np.array([[values.get((j, e), np.nan) for e in entries] for j in judges], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert res.agreement.value == pytest.approx(expected)
    assert "Krippendorff" in res.agreement.words


def test_a_judge_who_gives_everyone_the_same_score_breaks_nothing(make_world):
    sheets = [[(2, 2)] * 4, SHEETS[1], SHEETS[2]]
    world, round_ = _world_scored(make_world, sheets=sheets)
    res = results.load(round_)
    assert all(e.normalised is not None for e in res.entries)
    flat = {j.id: j for j in res.judges}[world.members[0].id]
    assert flat.calibration.sd == 0


def test_drafts_and_conflicted_judges_do_not_count(make_world):
    world, round_ = _world_scored(make_world)
    sub = world.subs[0]
    from challenge.judging.models import Conflict

    declared = db.session.scalar(db.select(Conflict).where(Conflict.panel_member_id == world.members[2].id,
                                                           Conflict.submission_id == sub.id))
    declared.has_conflict, declared.reason = True, "Found out later"
    db.session.commit()
    entry = next(e for e in results.load(round_).entries if e.id == sub.id)
    assert entry.complete == 2 and entry.raw_mean == pytest.approx((_weighted((4, 3)) + _weighted((3, 3))) / 2)


def test_service_user_stream_is_reported_separately_and_together(client, login, make_world):
    world, round_ = _world_scored(make_world, service_users=1)
    res = results.load(round_)
    assert res.has_service_users
    su = world.members[2].id
    for n, e in enumerate(res.entries):
        sub_index = [s.id for s in world.subs].index(e.id)
        assert e.streams["service_user"][0] == pytest.approx(_weighted(SHEETS[2][sub_index]))
        assert e.streams["expert"][0] == pytest.approx((_weighted(SHEETS[0][sub_index]) + _weighted(SHEETS[1][sub_index])) / 2)
    assert su in {j.id for j in res.judges if j.service_user}
    login(world.chair)
    page = client.get(f"/judging/{world.challenge.slug}/panel").get_data(as_text=True)
    assert "Service-user judges:" in page and "Expert judges:" in page and "Service users" in page


def test_panel_view_runs_the_same_number_of_queries_for_3_and_30_entries(app, client, login):
    counts = []
    for n in (3, 30):
        panel = build_panel(n, 4, 3, clock.now())
        db.session.commit()
        from challenge.accounts.models import User

        login(db.session.get(User, panel.chair_id))
        with counted_statements() as statements:
            response = client.get(f"/judging/{panel.slug}/panel?round=1")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count("<tr>") >= n
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_fixture_builds_a_fully_scored_round(app):
    panel = build_panel(12, 5, 4, clock.now(), strategy="k", k=2)
    res = results.load(db.session.get(Round, panel.round_id))
    assert len(res.entries) == 12 and all(e.complete == 2 for e in res.entries)
    assert res.completion == (24, 24) and res.agreement.kind == "alpha"


def test_who_sees_the_panel_view(client, login, make_world):
    world, round_ = _world_scored(make_world)
    slug = world.challenge.slug
    for user, status in ((world.chair, 200), (world.broker, 200), (world.seeker, 404), (world.judges[1], 404),
                         (world.outsider, 404), (world.creators[0], 404)):
        login(user)
        assert client.get(f"/judging/{slug}/panel?round=1").status_code == status, user.name
        assert client.get(f"/judging/{slug}/panel.csv?round=1").status_code == status
    assign.close_round(round_, world.chair, clock.now())
    db.session.commit()
    login(world.seeker)
    assert client.get(f"/judging/{slug}/panel?round=1").status_code == 200
    assert client.get(f"/judging/{slug}/panel.csv").status_code == 200
    login(world.judges[1])
    assert client.get(f"/judging/{slug}/panel").status_code == 404
    login(None)
    assert client.get(f"/judging/{slug}/panel").status_code == 302


def test_panel_view_before_any_round_opens_is_404(client, login, make_world):
    world = make_world()
    login(world.chair)
    assert client.get(f"/judging/{world.challenge.slug}/panel").status_code == 404
    assert client.get(f"/judging/{world.challenge.slug}/panel?round=7").status_code == 404


@pytest.mark.parametrize("query", ["sort=raw", "sort=disagreement", "sort=completion", "sort=reference",
                                   "show=disputed", "show=incomplete", "show=above_threshold", "sort=%3Cscript%3E",
                                   "show=&sort=", "round=abc", "round=-1", "round=99999999999999999999"])
def test_sorting_and_filtering_never_fail(client, login, make_world, query):
    world, round_ = _world_scored(make_world)
    login(world.chair)
    response = client.get(f"/judging/{world.challenge.slug}/panel?{query}")
    assert response.status_code in (200, 404)
    if "round=" not in query:
        assert response.status_code == 200


def test_filters_pick_the_right_entries(make_world):
    world, round_ = _world_scored(make_world)
    round_.threshold_percent = 50
    res = results.load(round_)
    assert [e.id for e in results.view(res, "rank", "disputed")] == [e.id for e in res.entries if e.disputed]
    above = results.view(res, "raw", "above_threshold")
    assert above and all(e.raw_mean >= 2 for e in above)
    raws = [e.raw_mean for e in results.view(res, "raw", "all")]
    assert raws == sorted(raws, reverse=True)


def test_csv_has_every_entry_and_defuses_formulas(client, login, make_world):
    world, round_ = _world_scored(make_world)
    world.subs[0].title = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    login(world.chair)
    response = client.get(f"/judging/{world.challenge.slug}/panel.csv?round=1")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 + len(world.subs)
    assert rows[0][:4] == ["Rank (normalised)", "Rank (raw)", "Reference", "Title"]
    titles = [r[3] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in titles


def test_cached_results_follow_every_change(client, login, make_world):
    world, round_ = _world_scored(make_world)
    before = results.load(round_)
    assert results.load(round_).entries[0].raw_mean == before.entries[0].raw_mean
    old_version = round_.results_version
    sub = world.subs[0]
    from tests.judging.judging_helpers import sheet
    from challenge.judging import services

    a = sheet(round_, world.members[1], sub)
    services.save_scores(a, {str(c.id): 0 for c in world.criteria}, "", True, world.judges[1], clock.now())
    db.session.commit()
    after = next(e for e in results.load(round_).entries if e.id == sub.id)
    assert after.raw_mean == pytest.approx((_weighted((4, 3)) + 0 + _weighted((4, 4))) / 3)
    # The old version's results can never be asked for again: the worker does not keep them.
    assert results._CACHE[round_.id][0] != old_version and len(results._CACHE) <= results._CACHE.maxsize
    from challenge.judging import panel

    panel.set_service_user(world.members[1], True, world.chair, clock.now())
    db.session.commit()
    assert results.load(round_).has_service_users


def test_viewing_the_panel_never_invalidates_its_cached_results(client, login, make_world, monkeypatch):
    """Views are cache hits (reading the page writes nothing that changes the results version); a score
    saved afterwards makes the next view compute them afresh."""
    world, round_ = _world_scored(make_world)
    computed = []
    compute = results._load
    monkeypatch.setattr(results, "_load", lambda r: computed.append(r.id) or compute(r))
    login(world.chair)
    for view in ("", "&sort=raw", "&show=disputed", "&page=2", ""):
        assert client.get(f"/judging/{world.challenge.slug}/panel?round=1{view}").status_code == 200
    assert len(computed) <= 1  # at most once, when this worker had not computed this version yet
    computed.clear()
    from challenge.judging import services
    from tests.judging.judging_helpers import sheet

    a = sheet(round_, world.members[1], world.subs[0])
    services.save_scores(a, {str(c.id): 0 for c in world.criteria}, "", True, world.judges[1], clock.now())
    db.session.commit()
    assert client.get(f"/judging/{world.challenge.slug}/panel?round=1").status_code == 200
    assert client.get(f"/judging/{world.challenge.slug}/panel?round=1").status_code == 200
    assert computed == [round_.id]


def test_panel_view_pages_through_many_entries(client, login, app):
    panel = build_panel(230, 2, 2, clock.now())
    db.session.commit()
    from challenge.accounts.models import User

    login(db.session.get(User, panel.chair_id))
    first = client.get(f"/judging/{panel.slug}/panel").get_data(as_text=True)
    assert "Entries 1 to 100 of 230" in first and 'aria-label="Pages of entries"' in first
    last = client.get(f"/judging/{panel.slug}/panel?page=3&sort=reference").get_data(as_text=True)
    assert "Entries 201 to 230 of 230" in last
    assert "Entries 201 to 230" in client.get(f"/judging/{panel.slug}/panel?page=999").get_data(as_text=True)
    assert "Entries 1 to 100" in client.get(f"/judging/{panel.slug}/panel?page=-2").get_data(as_text=True)
