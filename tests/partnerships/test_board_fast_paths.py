"""The board's statements are built once for each shape of the filters, their values bound at run time (issue
13): every shape and value gives the partnerships a plain reading of the filters gives, on every page, with the
counts at each stage; the board's move buttons are the ones the move table offers."""
from __future__ import annotations

import itertools
import random
import re
from datetime import timedelta

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.partnerships import board
from challenge.partnerships.models import Partnership
from challenge.partnerships.states import Stage, moves_from

PER_PAGE = 3


def _plain(partnerships, filters: board.Filters, user, now) -> list[int]:
    """The ids matching `filters`, read in Python from the partnerships themselves, most urgent first."""
    q = filters.q.lower()
    found = [p for p in partnerships
             if (not q or q in p.title.lower() or q in p.counterpart.name.lower() or q in p.creator.name.lower())
             and (not filters.kind or p.kind == filters.kind) and (not filters.stage or p.stage == filters.stage)
             and (filters.owner != "mine" or p.owner_id == user.id)
             and (filters.owner != "unassigned" or p.owner_id is None)
             and (not filters.overdue or p.is_overdue(now))]
    return [p.id for p in sorted(found, key=lambda p: (p.next_action_due is None, p.next_action_due or now, p.id))]


@pytest.fixture()
def spread(world, make_partnership, make_org):
    """Fourteen partnerships at every stage and kind, some owned, overdue, due later or not at all; odd titles
    with the LIKE wildcards in them."""
    now, chance = clock.now(), random.Random(13)
    other = make_org(world.adopter, name="York 100% Council", kind="local_authority")
    titles = ["Phone befriending", "Walk_and_talk", "100% recovery", "Meals", "Garden club", "Back\\slash"]
    for n in range(14):
        due = chance.choice([None, now - timedelta(days=2), now + timedelta(days=4), now + timedelta(days=4)])
        make_partnership(chance.choice([s.value for s in Stage]), title=f"{chance.choice(titles)} {n:02d}",
                         kind=chance.choice(["pilot", "commissioning", "policy"]),
                         counterpart=chance.choice([world.council, other]),
                         owner=chance.choice([None, world.broker]), next_action=chance.choice(["", "Call"]),
                         next_action_due=due)
    return now


SHAPES = [dict(zip(("q", "kind", "stage", "owner", "overdue"), values)) for values in itertools.product(
    ("", "befriend", "100%", "_", "york", "cara", "\\"), ("", "pilot"), ("", "pilot", "lead"),
    ("", "mine", "unassigned"), ("", "1"))]


def test_every_shape_and_page_matches_a_plain_reading_of_the_filters(app, world, spread):
    now = spread
    everything = list(db.session.scalars(db.select(Partnership)))
    shapes_seen = set()
    for args in SHAPES:
        filters = board.Filters.from_args(args)
        shapes_seen.add(board._shape(filters))
        expected = _plain(everything, filters, world.broker, now)
        with app.test_request_context("/partnerships/"):
            first, totals = board.board_page(filters, world.broker, now, PER_PAGE)
        assert totals == {s.value: sum(1 for p in everything if p.id in expected and p.stage == s.value)
                          for s in Stage}, args
        assert first.total == len(expected) and first.pages == -(-len(expected) // PER_PAGE), args
        shown = []
        for number in range(1, first.pages + 2):
            with app.test_request_context(f"/partnerships/?page={number}"):
                page, _ = board.board_page(filters, world.broker, now, PER_PAGE)
            shown += [card.id for card in page.items]
        assert shown == expected, args
        assert [p.id for p in board.search(filters, world.broker, now)] == expected, args
    assert len(shapes_seen) == 2 * 2 * 2 * 3 * 2 == board._board_statements.cache_info().maxsize
    assert any(_plain(everything, board.Filters.from_args(a), world.broker, now) for a in SHAPES if a["q"] == "100%")


def test_each_card_offers_the_forward_moves_of_its_stage(client, login, world, make_partnership):
    for stage in Stage:
        make_partnership(stage.value, title=f"At {stage.value}")
    login(world.broker)
    page = client.get("/partnerships/").get_data(as_text=True)
    for stage in Stage:
        if stage == Stage.CLOSED_LOST:
            continue
        card = re.search(rf'<article class="card[^"]*">(?:(?!</article>).)*At {stage.value}<(?:(?!</article>).)*'
                         r'</article>', page, re.S).group(0)
        offered = re.findall(r'name="move" value="([a-z_]+)"', card)
        assert offered == ([] if stage == Stage.LEAD else [m.name for m in moves_from(stage) if m.forward]), stage
        assert offered or stage in (Stage.LEAD, Stage.SCALED)
