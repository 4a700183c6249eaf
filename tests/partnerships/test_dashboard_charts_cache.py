"""Dashboard charts are drawn once per data version (issue 13): the same numbers are not drawn again, and
changed numbers give a new chart at once."""
from __future__ import annotations

import re

import pygal

from challenge.dashboards import charts
from challenge.extensions import db

SVG = re.compile(r"<svg .*?</svg>", re.DOTALL)


def _charts(page: str) -> list[str]:
    return SVG.findall(page)


def test_the_same_numbers_are_drawn_once(monkeypatch):
    drawn = []
    real = pygal.Bar.render

    def counting(self, *args, **kwargs):
        drawn.append("Cached test chart")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pygal.Bar, "render", counting)
    charts._drawn.cache_clear()
    first = charts.bar("Cached test chart", [("a", 1), ("b", 2)])
    again = charts.bar("Cached test chart", [("a", 1), ("b", 2)])
    assert first == again and drawn == ["Cached test chart"]
    changed = charts.bar("Cached test chart", [("a", 1), ("b", 3)])
    assert changed != first and len(drawn) == 2
    # 2 and 2.0 are equal keys, but whole numbers get whole-number ticks: drawn apart.
    fractional = charts.bar("Cached test chart", [("a", 1.0), ("b", 3.0)])
    assert fractional != changed and len(drawn) == 3


def test_a_change_in_the_data_shows_in_the_chart_at_once(client, login, world, make_challenge, make_submission,
                                                         make_user):
    login(world.broker)
    before = _charts(client.get("/dashboards/broker").get_data(as_text=True))
    assert _charts(client.get("/dashboards/broker").get_data(as_text=True)) == before  # unchanged, kept
    assert not any("Zebra crossings" in svg for svg in before)
    zebra = make_challenge(world.council, "open", title="Zebra crossings")
    for n in range(3):
        make_submission(zebra, make_user(f"Entrant {n}"), "submitted")
    db.session.commit()
    after = _charts(client.get("/dashboards/broker").get_data(as_text=True))
    submissions_chart = next(svg for svg in after if "Submissions per challenge" in svg)
    assert submissions_chart not in before and "Zebra crossings" in submissions_chart
    states_chart = next(svg for svg in after if "Challenges by state" in svg)
    assert states_chart not in before  # one more published challenge


def test_a_chart_is_one_svg_element_with_one_class_attribute_and_a_readable_empty_text():
    charts._drawn.cache_clear()
    drawn = str(charts.bar("Class test chart", [("a", 1), ("b", 2)]))
    opening = drawn[:drawn.index(">") + 1]
    assert opening.count(" class=") == 1 and 'class="pygal-chart img-fluid"' in opening
    assert 'role="img"' in opening and 'focusable="false"' in opening
    empty = str(charts.bar("Empty test chart", []))
    assert "Nothing to show yet" in empty
    assert re.search(r"\.no_data\s*\{[^}]*font-size:\s*16px", empty), "the empty text is drawn at the body's size"
