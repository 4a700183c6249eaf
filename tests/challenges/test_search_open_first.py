"""The search box's first page on SQLite reads the open matches in deadline order first and sorts the rest only to
fill the page (catalogue._first_matches_open_first, issue 13); its cards are the general search's first page, in
the same order, whether the open matches fill the page, fall short of it, or are none, and with few matches (all
of them sorted instead)."""
from __future__ import annotations

from datetime import timedelta

import pytest

QUERIES = ["hospital", "discharge", "carers", "breaks", "day centre", "hospital or carers", "hospital -discharge",
           "nothing"]


@pytest.fixture()
def many_matches(monkeypatch):
    """Open-first reading from 2 matches (the statement is built again for it, and once more after)."""
    from challenge.challenges import catalogue

    monkeypatch.setattr(catalogue, "OPEN_FIRST_FROM", 2)
    catalogue._search_cards.cache_clear()
    yield
    catalogue._search_cards.cache_clear()


def _challenges(world, make_challenge, make_org, make_user):
    import random

    from challenge import clock
    from challenge.extensions import db

    chance, now = random.Random(5), clock.now()
    other = make_org(make_user(), name="Carers Trust")
    states = ["open", "open", "closed", "judging", "decided", "completed", "upcoming", "draft", "cancelled"]
    for n in range(40):
        words = chance.choice(["Hospital discharge", "Hospital", "Discharge", "Carers breaks", "Day centre"])
        state = "open" if words == "Hospital" and n % 2 else chance.choice(states[2:]) if words == "Carers breaks" \
            else chance.choice(states)
        made = make_challenge(chance.choice([world.org, other]), state, title=f"{words} {n:02d}")
        shift = timedelta(days=chance.randint(1, 60), minutes=n)
        if state == "upcoming":
            made.opens_at, made.closes_at = now + timedelta(hours=1), now + timedelta(days=1) + shift
        else:
            made.closes_at = now + shift if state == "open" else now - shift
            made.opens_at = made.closes_at - timedelta(days=90)
    db.session.commit()


@pytest.mark.parametrize("open_first", [True, False], ids=["open first", "all sorted"])
@pytest.mark.parametrize("q", QUERIES)
def test_the_first_page_is_the_general_searchs(app, world, make_challenge, make_org, make_user, monkeypatch,
                                               request, open_first, q):
    from challenge import clock
    from challenge.challenges import catalogue
    from challenge.challenges.catalogue import CatalogueParams, search_challenges
    from challenge.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's first page; PostgreSQL reads the matches' narrow rows (test_search_built_once.py)")
    if open_first:
        request.getfixturevalue("many_matches")
    _challenges(world, make_challenge, make_org, make_user)
    now = clock.now()
    for per_page in (3, 5, 12):
        monkeypatch.setitem(app.config, "PER_PAGE", per_page)
        general = search_challenges(CatalogueParams(q=q), now)
        cards = search_challenges(CatalogueParams(q=q), now, cards=True)
        assert [c.id for c in cards.items] == [c.id for c in general.items], (q, per_page)
        assert cards.total == general.total
    assert catalogue.OPEN_FIRST_FROM == (2 if open_first else 100)


def test_the_open_ones_are_read_first_and_the_rest_only_when_they_fall_short(app, world, make_challenge, make_org,
                                                                            make_user, monkeypatch, many_matches):
    """What the parts give: a page the open matches (published, closing later: upcoming ones too) fill holds only
    those, soonest deadline first; a page they fall short of goes on with the rest, latest closed first."""
    from challenge import clock
    from challenge.challenges.catalogue import CatalogueParams, search_challenges
    from challenge.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's first page")
    _challenges(world, make_challenge, make_org, make_user)
    now = clock.now()
    monkeypatch.setitem(app.config, "PER_PAGE", 3)
    filled = search_challenges(CatalogueParams(q="hospital"), now, cards=True).items
    still_open = lambda card: card.state == "published" and card.closes_at > now  # noqa: E731 (as the order says)
    assert len(filled) == 3 and all(still_open(c) for c in filled)
    assert [c.closes_at for c in filled] == sorted(c.closes_at for c in filled)
    monkeypatch.setitem(app.config, "PER_PAGE", 12)
    short = search_challenges(CatalogueParams(q="breaks"), now, cards=True).items  # no open "Carers breaks"
    assert short and not any(still_open(c) for c in short)
    assert [c.closes_at for c in short] == sorted((c.closes_at for c in short), reverse=True)
