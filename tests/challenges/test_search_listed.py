"""The search finds the listed challenges only (published, judging, decided, completed) and answers for a state change
at once, in its cards and its total; the search box's statement (catalogue._search_cards) and the general one agree
on the order across the deadline. SQLite's FTS5 table holds only the listed challenges, kept so by triggers on the
state and the search text, and PostgreSQL's narrow table of them by a trigger on the state, the deadline and the search
text (migration 0044). Run on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from challenge import clock
from challenge.challenges.catalogue import CatalogueParams, search_challenges
from challenge.challenges.models import Challenge
from challenge.challenges.states import LISTED_STATES
from challenge.extensions import db


def searched(q: str, page: int = 1, cards: bool = True) -> tuple[list[str], int]:
    """The titles on one page of the search for `q` and its total: the search box's statement (cards) or the
    general one."""
    found = search_challenges(CatalogueParams(q=q, page=page), clock.now(), cards=cards)
    return [c.title for c in found.items], found.total


def every_page(q: str, cards: bool) -> tuple[list[str], set[int]]:
    """The titles of every page in order, and the totals the pages gave."""
    titles, totals, page = [], set(), 1
    while True:
        items, total = searched(q, page, cards)
        totals.add(total)
        if not items:
            return titles, totals
        titles += items
        page += 1


def index_holds_the_listed_challenges_only() -> bool:
    """SQLite: the FTS5 table finds the listed challenges' words and nobody else's (every test title has 'hospital').
    PostgreSQL: the narrow table holds each listed challenge's state, deadline and search text, and nothing else."""
    listed = db.select(Challenge.id, Challenge.state, Challenge.closes_at, Challenge.search_text).where(
        Challenge.state.in_(LISTED_STATES))
    if db.engine.dialect.name == "sqlite":
        indexed = {row[0] for row in db.session.execute(
            text("SELECT rowid FROM challenges_fts WHERE challenges_fts MATCH 'hospital'"))}
        return indexed == {row.id for row in db.session.execute(listed)}
    kept = db.session.execute(text("SELECT id, state, closes_at, search_text FROM challenges_listed_search"))
    return set(map(tuple, kept)) == set(map(tuple, db.session.execute(listed)))


def test_a_challenge_leaving_the_listed_states_leaves_the_search_and_its_total_at_once(world, make_challenge):
    make_challenge(world.org, "open", title="Hospital flow")
    moved = make_challenge(world.org, "judging", title="Hospital food")
    assert searched("hospital") == searched("hospital", cards=False) == (["Hospital flow", "Hospital food"], 2)

    moved.state = "cancelled"
    db.session.commit()
    assert searched("hospital") == searched("hospital", cards=False) == (["Hospital flow"], 1)
    assert index_holds_the_listed_challenges_only()

    moved.state = "completed"  # listed again, with its words
    db.session.commit()
    assert searched("food") == (["Hospital food"], 1)
    assert searched("hospital")[1] == 2 and index_holds_the_listed_challenges_only()


def test_words_changed_while_unlisted_are_the_ones_found_once_listed(world, make_challenge):
    draft = make_challenge(world.org, "draft", title="Hospital meals")
    assert searched("meals") == ([], 0)
    draft.title = "Hospital trolleys"  # edited while a draft: nothing in the index to take out
    db.session.commit()
    draft.state, draft.title = "published", "Hospital beds"  # published and edited in one change
    db.session.commit()
    assert searched("beds") == (["Hospital beds"], 1)
    assert searched("meals") == searched("trolleys") == ([], 0)
    assert index_holds_the_listed_challenges_only()


def test_deleting_listed_and_unlisted_challenges_keeps_the_index_in_step(world, make_challenge):
    kept = make_challenge(world.org, "decided", title="Hospital parking")
    for state in ("draft", "in_review", "cancelled", "open", "closed"):
        db.session.delete(make_challenge(world.org, state, title=f"Hospital {state}"))
    db.session.commit()
    assert searched("hospital") == ([kept.title], 1)
    assert index_holds_the_listed_challenges_only()


def test_closing_soonest_across_the_deadline_page_by_page(app, world, make_challenge, monkeypatch):
    """What can still be entered first, soonest deadline first (an upcoming one too, by its deadline); then the rest,
    latest deadline first, whatever their state; drafts and cancelled challenges nowhere. The same pages from the
    search box's statement and the general one, each with the same total."""
    now = clock.now()
    days = {"open soon": 1, "open later": 5, "upcoming": 30, "closed": -1, "decided": -2, "judging": -3,
            "closed long ago": -10, "draft": 3, "cancelled": 2}
    states = {"open soon": "open", "open later": "open", "closed long ago": "closed"}
    for name, offset in days.items():
        made = make_challenge(world.org, states.get(name, name), title=f"Hospital {name}")
        made.closes_at = now + timedelta(days=offset)
        made.opens_at = min(made.opens_at, made.closes_at - timedelta(days=1))
    db.session.commit()
    monkeypatch.setitem(app.config, "PER_PAGE", 3)
    expected = [f"Hospital {name}" for name in
                ("open soon", "open later", "upcoming", "closed", "decided", "judging", "closed long ago")]
    assert every_page("hospital", cards=True) == every_page("hospital", cards=False) == (expected, {7})
    assert index_holds_the_listed_challenges_only()
