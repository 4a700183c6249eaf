"""The partnership board is paged (issue 13): a page of the most urgent cards, the stage counts of every
page, filters kept in the page links, and the same number of queries for 3 partnerships as for 30."""
from __future__ import annotations

import re
from datetime import timedelta

from challenge import clock
from challenge.partnerships.views import pipeline
from tests.factories import counted_statements


def _titles(page: str) -> list[str]:
    return re.findall(r'<a href="/partnerships/\d+">(Due in \d+ days)</a>', page)


def test_the_board_shows_one_page_of_the_most_urgent_with_counts_of_all(client, login, world, make_partnership,
                                                                          monkeypatch):
    monkeypatch.setattr(pipeline, "BOARD_PER_PAGE", 2)
    for days in (3, 1, 2):
        make_partnership("pilot", title=f"Due in {days} days", next_action="Call",
                         next_action_due=clock.now() + timedelta(days=days))
    make_partnership("closed_lost", title="Lost one")
    login(world.broker)
    first = client.get("/partnerships/").get_data(as_text=True)
    assert _titles(first) == ["Due in 1 days", "Due in 2 days"]
    assert re.search(r'id="col-pilot">Pilot <span class="badge[^"]*">3</span>', first)  # all three, not the page's two
    assert "Showing 1–2 of 4" in first and "Page 1 of 2" in first
    assert 'href="/partnerships/?page=2"' in first
    second = client.get("/partnerships/?page=2").get_data(as_text=True)
    assert _titles(second) == ["Due in 3 days"] and "Lost one" in second
    listed = client.get("/partnerships/?view=list&stage=pilot").get_data(as_text=True)
    assert 'href="/partnerships/?page=2&amp;stage=pilot&amp;view=list"' in listed  # filters and view kept
    assert "Due in 3 days" not in listed
    past = client.get("/partnerships/?page=99")
    assert past.status_code == 200 and "past the end of the list" in past.get_data(as_text=True)


def test_the_board_runs_the_same_number_of_queries_for_3_and_30_partnerships(client, login, world,
                                                                              make_partnership):
    login(world.broker)
    counts = []
    for n in (3, 27):
        for i in range(n):
            make_partnership(("lead", "pilot", "contracted")[i % 3], title=f"P{i}", owner=world.broker)
        with counted_statements() as statements:
            page = client.get("/partnerships/")
        assert page.status_code == 200
        shown = page.get_data(as_text=True)
        assert shown.count("(Befriend CIC) with Leeds City Council") == {3: 3, 27: 30}[n]  # names, loaded with the page
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] == 3, counts  # the user, the counts per stage (which give the total) and the page


def test_the_board_cards_hold_what_the_partnerships_show(app, world, make_partnership):
    """The page's Cards (plain columns and names) match the partnerships themselves, in the board's order,
    with and without an owner and a creator's organisation, and under each filter."""
    from challenge.partnerships import board

    now = clock.now()
    make_partnership("pilot", title="Owned", owner=world.broker, next_action="Call",
                     next_action_due=now + timedelta(days=2))
    bare = make_partnership("closed_lost", title="Bare", next_action="Write", next_action_due=now - timedelta(days=1))
    bare.creator_organisation = None
    make_partnership("lead", title="Overdue", next_action="Meet", next_action_due=now - timedelta(days=3))
    for args in ({}, {"owner": "unassigned"}, {"owner": "mine"}, {"stage": "pilot"}, {"overdue": "1"}, {"q": "bare"}):
        filters = board.Filters.from_args(args)
        with app.test_request_context("/partnerships/"):
            page, _ = board.board_page(filters, world.broker, now, 30)
        expected = board.search(filters, world.broker, now)
        assert [c.id for c in page.items] == [p.id for p in expected], args
        for card, p in zip(page.items, expected):
            assert (card.title, card.stage_label, card.kind_label, card.value, card.currency, card.next_action,
                    card.next_action_due, card.closed_reason, card.is_overdue(now)) == (
                p.title, p.stage_label, p.kind_label, p.value, p.currency, p.next_action, p.next_action_due,
                p.closed_reason, p.is_overdue(now))
            assert card.creator.name == p.creator.name and card.counterpart.name == p.counterpart.name
            assert (card.owner and card.owner.name) == (p.owner and p.owner.name)
            assert (card.creator_organisation and card.creator_organisation.name) == (
                p.creator_organisation and p.creator_organisation.name)
