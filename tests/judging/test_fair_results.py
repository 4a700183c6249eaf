"""The panel's fairness outputs: complete entries ranked first, disconnected designs ranked in groups,
judges left out of z-scores named, agreement figures naming the design, the joint model beside the rank."""
from __future__ import annotations

import csv
import io

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.judging import assignment as assign
from challenge.judging import decisions, results, services
from tests.factories import PASSWORD
from tests.judging.judging_helpers import open_round, sheet


def _submit(world, round_, cells):
    """cells: {(judge index, entry index): (impact, feasibility)}; every other sheet stays unsubmitted."""
    for (j, e), values in cells.items():
        member, sub = world.members[j], world.subs[e]
        user = next(u for u in world.judges if u.id == member.user_id)
        a = sheet(round_, member, sub)
        assign.declare(a, False, "", user, clock.now())
        services.save_scores(a, {str(c.id): v for c, v in zip(world.criteria, values)}, "", True, user, clock.now())
    db.session.commit()


def _disconnected(make_world):
    world = make_world(judges=4, entries=4)
    round_ = open_round(world)
    _submit(world, round_, {(0, 0): (4, 4), (0, 1): (1, 1), (1, 0): (3, 4), (1, 1): (2, 1),
                            (2, 2): (2, 2), (2, 3): (0, 1), (3, 2): (3, 3), (3, 3): (1, 0)})
    return world, round_


def test_a_disconnected_design_is_ranked_within_its_groups_and_the_page_says_so(client, login, make_world):
    world, round_ = _disconnected(make_world)
    res = results.load(round_)
    assert res.design.groups == 2
    by_sub = {e.id: e for e in res.entries}
    first, second = ({by_sub[world.subs[i].id].group for i in pair} for pair in ((0, 1), (2, 3)))
    assert len(first) == len(second) == 1 and first != second
    assert sorted(by_sub[world.subs[i].id].rank for i in range(4)) == [1, 1, 2, 2]
    assert by_sub[world.subs[0].id].rank == 1 and by_sub[world.subs[2].id].rank == 1
    login(world.chair)
    page = client.get(f"/judging/{world.challenge.slug}/panel?round=1").get_data(as_text=True)
    assert "The panel falls into 2 separate groups" in page and "ranked on its own" in page


def test_the_only_complete_entry_is_ranked_above_incomplete_ones(make_world):
    world = make_world(judges=3, entries=4)
    round_ = open_round(world)
    # entry 0: all three sheets, middling scores. Entries 1-3: one or two sheets each, higher scores.
    _submit(world, round_, {(0, 0): (2, 2), (1, 0): (2, 1), (2, 0): (1, 2),
                            (0, 1): (4, 4), (1, 2): (4, 3), (2, 3): (3, 4), (0, 2): (1, 1), (1, 1): (0, 0),
                            (0, 3): (0, 0)})
    res = results.load(round_)
    by_sub = {e.id: e for e in res.entries}
    complete = by_sub[world.subs[0].id]
    assert complete.is_complete and complete.rank == 1
    assert all(not by_sub[s.id].is_complete for s in world.subs[1:])
    assert res.entries[0].id == complete.id


def test_agreement_names_the_design_it_was_computed_on(make_world):
    world = make_world(judges=3, entries=3)
    round_ = open_round(world)
    _submit(world, round_, {(j, e): ((j + e) % 5, (2 * j + e) % 5) for j in range(3) for e in range(3)})
    words = results.load(round_).agreement.words
    assert "9 scores by 3 judges on 3 entries: every judge scored every entry (complete design)" in words

    world = make_world(judges=3, entries=3)
    round_ = open_round(world)
    _submit(world, round_, {(0, 0): (1, 1), (1, 0): (3, 2), (0, 1): (4, 4), (2, 1): (2, 2), (1, 2): (0, 1),
                            (2, 2): (3, 3), (2, 0): (1, 0)})
    res = results.load(round_)
    assert res.agreement.kind == "alpha"
    assert "7 scores by 3 judges on 3 entries: each entry scored by 2 to 3 of the judges (incomplete design)" \
        in res.agreement.words


def test_judges_left_out_of_z_scores_are_named_with_the_reason(client, login, make_world):
    world = make_world(judges=3, entries=3)
    round_ = open_round(world)
    _submit(world, round_, {(0, 0): (1, 1), (0, 1): (4, 4), (0, 2): (2, 2), (1, 0): (2, 1), (1, 1): (3, 3),
                            (1, 2): (0, 1), (2, 1): (4, 4)})
    res = results.load(round_)
    lone = world.judges[2].name
    assert res.z_excluded == {lone: "scored only one entry"}
    login(world.chair)
    page = client.get(f"/judging/{world.challenge.slug}/panel?round=1").get_data(as_text=True)
    assert "Left out of the z-scores:" in page and f"{lone} (scored only one entry)" in page
    assert "Joint model" in page and "Nothing is clipped" in page


@pytest.mark.browser
def test_panel_page_with_groups_and_left_out_judge_looks_right(page, make_world):
    world, round_ = _disconnected(make_world)
    page.goto("/login")
    page.get_by_label("Email address").fill(world.chair.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/judging/{world.challenge.slug}/panel?round=1")
    assert page.get_by_text("separate groups").is_visible()
    page.screenshot(path="/tmp/shots/fairness/panel_groups.png", full_page=True)


def _close_world(make_world):
    world = make_world(judges=4, entries=12)
    round_ = open_round(world)
    # entry 0 is far ahead for everyone; entries 1 and 2 swap places between judges.
    table = [(4, 4), (2, 2), (2, 1), (1, 2), (1, 1), (1, 1), (1, 0), (0, 1), (0, 1), (0, 0), (0, 0), (0, 0)]
    cells = {(j, e): table[e] for j in range(4) for e in range(12)}
    cells[(1, 1)], cells[(1, 2)] = (2, 1), (2, 2)
    _submit(world, round_, cells)
    return world, round_


def test_neighbours_whose_intervals_overlap_are_too_close_to_call(client, login, make_world):
    world, round_ = _close_world(make_world)
    res = results.load(round_)
    by_sub = {e.id: e for e in res.entries}
    best, one, two = (by_sub[world.subs[i].id] for i in range(3))
    assert best.rank == 1 and not best.too_close
    assert {one.rank, two.rank} == {2, 3}
    assert (one if one.rank == 2 else two).too_close
    assert all(e.interval[0] <= e.normalised <= e.interval[1] for e in res.entries)
    login(world.chair)
    page = client.get(f"/judging/{world.challenge.slug}/panel?round=1").get_data(as_text=True)
    assert page.count("Too close to call</span>") == sum(e.too_close for e in res.entries) >= 1


@pytest.mark.browser
def test_panel_page_with_too_close_marks_looks_right(page, make_world):
    world, round_ = _close_world(make_world)
    page.goto("/login")
    page.get_by_label("Email address").fill(world.chair.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/judging/{world.challenge.slug}/panel?round=1")
    assert page.get_by_text("Too close to call").first.is_visible()
    page.screenshot(path="/tmp/shots/fairness/panel_close.png", full_page=True)


def test_the_csv_carries_the_joint_model_the_interval_and_the_too_close_mark(client, login, make_world):
    world, round_ = _close_world(make_world)
    res = results.load(round_)
    login(world.chair)
    text = client.get(f"/judging/{world.challenge.slug}/panel.csv?round=1").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(res.entries)
    for entry, row in zip(res.entries, rows):
        assert row["Reference"] == entry.reference
        assert float(row["Joint model"]) == pytest.approx(entry.joint, abs=0.005)
        assert row["Rank (joint model)"] == str(entry.rank_joint)
        assert float(row["Interval low (90 %)"]) == pytest.approx(entry.interval[0], abs=0.005)
        assert float(row["Interval high (90 %)"]) == pytest.approx(entry.interval[1], abs=0.005)
        assert row["Too close to call"] == ("yes" if entry.too_close else "no")
    assert any(r["Too close to call"] == "yes" for r in rows)


def test_the_decision_page_marks_the_places_too_close_to_call(client, login, make_world):
    """The chair decides where the order is a judgement: the decision page carries the same marks as the panel."""
    world, round_ = _close_world(make_world)
    assign.close_round(round_, world.chair, clock.now())
    db.session.commit()
    res = results.load(round_)
    close = [e for e in res.entries if e.too_close]
    login(world.chair)
    page = client.get(f"/judging/{world.challenge.slug}/rounds/1/decide").get_data(as_text=True)
    assert close and page.count("Too close to call</span>") == len(close)
    slots = len(decisions.prize_slots(world.challenge))  # each place's list names every entry
    assert page.count("(too close to call with the next)") == len(close) * slots
