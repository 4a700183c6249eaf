"""The catalogue's faster paths give the same answers: search totals, pages past the end, the filter form."""
from __future__ import annotations

import re

import pytest


def test_search_pages_and_totals(client, world, make_challenge):
    for n in range(14):
        make_challenge(world.org, "open", title=f"Hospital discharge {n:02d}")
    make_challenge(world.org, "open", title="Something else")
    first = client.get("/?q=hospital").get_data(as_text=True)
    assert "14 challenges match your filters" in first
    second = client.get("/?q=hospital&page=2").get_data(as_text=True)
    assert "14 challenges match your filters" in second and len(re.findall('class="h5 card-title"', second)) == 2
    beyond = client.get("/?q=hospital&page=50").get_data(as_text=True)
    assert "14 challenges match your filters" in beyond and "There is no page 50" in beyond


def test_the_organisation_filter_escapes_and_keeps_the_choice(client, world, make_org, make_user, make_challenge):
    odd = make_org(make_user(), name='<b>"Ünïcode" & Co</b>', kind="charity")
    make_challenge(odd, "open", title="Odd organisation's challenge")
    page = client.get(f"/?organisation={odd.slug}").get_data(as_text=True)
    assert "<b>\"Ünïcode\"" not in page
    assert 'value="&lt;b&gt;&#34;Ünïcode&#34; &amp; Co&lt;/b&gt;"' in page
    assert re.findall(r'<h2 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', page) == ["Odd organisation&#39;s challenge"]
    refused = client.get("/?organisation=%3Cscript%3E").get_data(as_text=True)
    assert "No organisation with listed challenges is called “&lt;script&gt;”" in refused and "<script>" not in refused


@pytest.mark.parametrize("parts_up_to", [500, 12])
def test_closing_soonest_read_by_parts_keeps_the_full_order(app, world, make_challenge, monkeypatch, parts_up_to):
    """The default order read a state at a time (catalogue._closing_parts) gives every page the same challenges,
    in the same order, as sorting all of them by the whole CASE order: ties on the deadline, no deadline, every
    listed state, filters, and pages deep enough that a part runs out; past PARTS_UP_TO rows, by one sort."""
    import random
    from datetime import timedelta

    from challenge import clock
    from challenge.challenges.catalogue import CatalogueParams, _order, search_challenges, status_clause
    from challenge.challenges.models import Challenge
    from challenge.challenges.states import LISTED_STATES
    from challenge.extensions import db

    now = clock.now()
    deadlines = [now + timedelta(days=d) for d in (-40, -3, -1, 2, 5, 9)] + [None] * 3
    chance = random.Random(13)
    for n in range(110):
        state = chance.choice(["published", "published", "published", "judging", "decided", "completed",
                               "draft", "cancelled"])
        closes = chance.choice(deadlines)
        opens = None if closes is None else closes - timedelta(days=chance.choice((20, 60)))
        made = make_challenge(world.org, state, sector=chance.choice(["health", "education"]), title=f"Parts {n:02d}")
        made.opens_at, made.closes_at = opens, closes
    # A sector where the challenges without a deadline outnumber the open ones: they follow those at once.
    make_challenge(world.org, "open", sector="transport")
    make_challenge(world.org, "open", sector="transport")
    for n in range(8):
        make_challenge(world.org, "open", sector="transport").closes_at = None
    db.session.commit()
    monkeypatch.setattr("challenge.challenges.catalogue.PARTS_UP_TO", parts_up_to)
    monkeypatch.setitem(app.config, "PER_PAGE", 3)  # smaller than every part, so a part cut in the wrong order shows

    def whole_order(params: CatalogueParams) -> list[int]:
        query = db.select(Challenge.id).where(Challenge.state.in_(LISTED_STATES))
        if params.sector:
            query = query.where(Challenge.sector == params.sector)
        if params.status:
            query = query.where(status_clause(params.status, now))
        return list(db.session.scalars(query.order_by(*_order("closing", now))))

    for params in (CatalogueParams(), CatalogueParams(sector="health"), CatalogueParams(status="closed"),
                   CatalogueParams(sector="transport")):
        expected = whole_order(params)
        assert len(expected) >= 10  # several pages
        for cards in (False, True):  # challenges for the API; cards for the page (unfiltered: one statement)
            seen = []
            for page in range(1, len(expected) // 3 + 3):
                result = search_challenges(CatalogueParams(sector=params.sector, status=params.status, page=page),
                                           now, cards=cards)
                assert result.total == len(expected)
                seen += [c.id for c in result.items]
            assert seen == expected


def test_cards_carry_what_the_challenges_do(world, make_challenge, make_org, make_user):
    """The catalogue's cards are plain rows; each holds what its challenge says, phase and sector label included."""
    from challenge import clock
    from challenge.challenges.catalogue import CatalogueParams, search_challenges
    from challenge.extensions import db

    for state in ("open", "upcoming", "closed", "judging", "decided"):
        make_challenge(make_org(make_user()), state, sector="health").summary = "Short <b>summary</b>."
    db.session.commit()
    now = clock.now()
    cards = search_challenges(CatalogueParams(), now, cards=True).items
    challenges = search_challenges(CatalogueParams(), now).items
    assert [card.id for card in cards] == [c.id for c in challenges] and len(cards) == 5
    for card, c in zip(cards, challenges):
        assert (card.slug, card.title, card.summary, card.prize_pool, card.currency, card.sector_label,
                card.organisation_name, card.phase(now)) == (
            c.slug, c.title, c.summary, c.prize_pool, c.currency, c.sector_label, c.organisation.name, c.phase(now))


@pytest.mark.parametrize("query", ["", "?sector=health&status=open&type=prize&sort=prize",
                                   "?status=%3Cb%3E&sort=nonsense"])
def test_the_filter_selects_say_what_wtforms_would(app, world, make_challenge, query):
    """Every select of the catalogue's form (FastSelect) is WTForms' own select, option for option: the same values,
    labels, escaping and choice, whatever was asked for."""
    from html.parser import HTMLParser

    from markupsafe import Markup
    from werkzeug.datastructures import MultiDict
    from wtforms.widgets import Select

    from challenge.challenges.forms import CatalogueForm, FastSelect

    class Parts(HTMLParser):
        def __init__(self, html: str):
            super().__init__()
            self.parts: list = []
            self.feed(html)

        def handle_starttag(self, tag, attrs):
            self.parts.append((tag, sorted(attrs)))

        def handle_data(self, data):
            self.parts.append(data)

    make_challenge(world.org, "open")
    with app.test_request_context(f"/{query}"):
        from flask import request

        form = CatalogueForm(MultiDict(request.args))
        form.sector.choices = [*form.sector.choices, ("o-1", '<i>"Ünï" & Co</i>'), ("o-2", "A\0B <c>"),
                               ("o-3", Markup("<b>kept</b>"))]
        form.validate()
        fast = [f for f in form if isinstance(f.widget, FastSelect)]
        assert {f.name for f in fast} == {"sector", "status", "type", "sort"}
        for f in fast:
            ours, theirs = f(class_="form-select"), Select()(f, class_="form-select")
            assert Parts(ours).parts == Parts(theirs).parts
            assert ("selected" in ours) == ("selected" in theirs)


def test_the_unfiltered_catalogue_uses_the_statement_built_once(client, world, make_challenge, monkeypatch):
    """The first pages everyone sees run the statement built at import; a filter builds its own."""
    built = []
    from challenge.challenges import catalogue

    real = catalogue._closing_parts
    monkeypatch.setattr(catalogue, "_closing_parts", lambda *args: built.append(args) or real(*args))
    make_challenge(world.org, "open", sector="health")
    for path in ("/", "/?page=2", "/?sort=closing&sector=&status=&q=+"):
        assert client.get(path, headers={"Cookie": "x=1"}).status_code == 200
    assert built == []
    assert "1 challenge matches your filters" in client.get("/?sector=health").get_data(as_text=True)
    assert len(built) == 1


def test_escaping_many_texts_at_once_is_escaping_each():
    from markupsafe import Markup, escape

    from challenge.challenges.forms import _escaped

    texts = ['<a href="x">', "Tom & Jerry's", "plain", "", "'\"&<>", "Ünïcode ∑"]
    assert _escaped(texts) == [str(escape(t)) for t in texts]
    assert _escaped([]) == []
    assert _escaped(["a\0b", "<"]) == ["a\0b", "&lt;"]  # the separator inside: escaped one by one
    assert _escaped([Markup("<b>"), "<b>"]) == ["<b>", "&lt;b&gt;"]  # Markup is already safe


@pytest.mark.parametrize("sort", ["closing", "newest", "prize"])
def test_a_search_read_as_cards_in_one_statement_keeps_the_order_and_total(app, world, make_challenge, monkeypatch,
                                                                           sort):
    """A search's cards come with their total from one statement; page for page they are the challenges the API
    reads, in the same order, and past the last page the total still holds."""
    import random

    from challenge import clock
    from challenge.challenges.catalogue import CatalogueParams, search_challenges
    from challenge.extensions import db

    chance = random.Random(5)
    for n in range(17):
        made = make_challenge(world.org, chance.choice(["open", "closed", "judging", "decided", "upcoming"]),
                              title=f"Hospital discharge {n:02d}", prizes=((chance.choice([100, 500, 900]), 1),))
        made.published_at = made.published_at.replace(minute=chance.choice([0, 30]))
    make_challenge(world.org, "open", title="Something else")
    db.session.commit()
    monkeypatch.setitem(app.config, "PER_PAGE", 4)
    now = clock.now()
    for page in range(1, 7):
        params = CatalogueParams(q="hospital", sort=sort, page=page)
        cards, challenges = search_challenges(params, now, cards=True), search_challenges(params, now)
        assert [c.id for c in cards.items] == [c.id for c in challenges.items]
        assert cards.total == challenges.total == 17
        assert len(cards.items) == (4 if page <= 4 else 1 if page == 5 else 0)


def test_the_filter_selects_are_drawn_as_selects(client, world, make_challenge):
    """Bootstrap's form-select (the arrow that says "choose"), not a text box's form-control, on every select."""
    make_challenge(world.org, "open")
    selects = re.findall(r"<select [^>]*>", client.get("/?sector=nonsense").get_data(as_text=True))
    assert len(selects) == 4 and all('class="form-select' in s for s in selects)
