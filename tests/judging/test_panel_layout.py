"""The chair's panel view (issue 11 point 11): each ranked entry links to the chair's view of it (the entry
and every judge's sheet), which only those who may see the panel results may open; the CSV link is a plain
link labelled "Download scores (CSV)"; the compact view leaves out the joint model and the raw mean."""
from __future__ import annotations

import pytest

from tests.judging.judging_helpers import open_round, score_all


@pytest.fixture()
def scored(make_world):
    world = make_world(judges=3, entries=3)
    round_ = open_round(world)
    score_all(world, round_, lambda member, sub: (3, 2))
    return world


def _entry_url(world, sub) -> str:
    return f"/judging/{world.challenge.slug}/panel/entries/{sub.id}?round=1"


def test_each_ranked_entry_links_to_its_sheets(client, login, scored):
    login(scored.chair)
    html = client.get(f"/judging/{scored.challenge.slug}/panel?round=1").get_data(as_text=True)
    for sub in scored.subs:
        assert f'href="/judging/{scored.challenge.slug}/panel/entries/{sub.id}?round=1"' in html
    assert ">Download scores (CSV)</a>" in html and "bi-download" not in html
    assert "Joint model<br>(rank)" in html and ">Compact view</a>" in html


def test_the_compact_view_leaves_out_the_secondary_columns(client, login, scored):
    login(scored.chair)
    html = client.get(f"/judging/{scored.challenge.slug}/panel?round=1&view=compact").get_data(as_text=True)
    assert "Joint model<br>" not in html and "Raw mean<br>" not in html and ">Full view</a>" in html
    assert all(judge.name in html for judge in scored.judges)  # every judge's column is still there


def test_the_chairs_view_of_an_entry_shows_each_judges_sheet(client, login, scored):
    login(scored.chair)
    response = client.get(_entry_url(scored, scored.subs[0]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and scored.subs[0].title in html
    assert "The judges' sheets" in html and all(judge.name in html for judge in scored.judges)
    assert "Submitted" in html and scored.creators[0].name in html  # not blind: the entrant is named


def test_a_blind_panel_does_not_name_the_entrant(client, login, make_world):
    world = make_world(blind=True, judges=2, entries=2)
    round_ = open_round(world)
    score_all(world, round_, lambda member, sub: (1, 1))
    login(world.chair)
    html = client.get(_entry_url(world, world.subs[0])).get_data(as_text=True)
    assert "Blind judging" in html and world.creators[0].name not in html


def test_only_those_who_may_see_the_results_open_it(client, login, scored, make_world):
    url = _entry_url(scored, scored.subs[0])
    for person in (scored.judges[1], scored.outsider, scored.creators[0]):
        login(person)
        assert client.get(url).status_code == 404, person.name
    login(scored.broker)
    assert client.get(url).status_code == 200
    other = make_world(judges=1, entries=1)
    login(scored.chair)  # an entry of another challenge is not in this round
    assert client.get(f"/judging/{scored.challenge.slug}/panel/entries/{other.subs[0].id}?round=1").status_code == 404
    assert client.get(f"/judging/{scored.challenge.slug}/panel/entries/{scored.subs[0].id}?round=9").status_code == 404
