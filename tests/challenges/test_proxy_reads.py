"""Flask's request globals (`request`, `g`, `current_app`, `current_user`) are proxies: each attribute read through one
first fails on the proxy's class (an AttributeError built with its message) and then finds the object again, ~0.7 µs
and ~3,000 instructions a read. The app's own code reads each once per function (`_get_current_object()`, or
permissions.viewer() for the person), not once per use: the challenge page's reads went from ~70 to ~14 a request,
and the catalogue's search from ~55 to ~19 (5–7 % of each page's instructions). These tests hold the pages everyone
opens to that, signed in and not, so a read through a proxy in a per-row or per-date helper shows up here."""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from werkzeug import local

import challenge

_APP = str(Path(challenge.__file__).parent)
# What the app's own code may read through the proxies on one of these pages (they read 14–19 after the change;
# before it, 55–70).
MOST = 30


def counting(monkeypatch) -> Counter:
    """Counts the reads through Werkzeug's proxies made by the app's own code, by file and line, until `monkeypatch`
    is undone."""
    seen: Counter = Counter()
    lookup = local._ProxyLookup.__get__

    def counted(self, instance, owner=None):
        if instance is not None:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename == local.__file__:
                frame = frame.f_back
            if frame is not None and frame.f_code.co_filename.startswith(_APP):
                seen[f"{frame.f_code.co_filename[len(_APP) + 1:]}:{frame.f_lineno}"] += 1
        return lookup(self, instance, owner)

    monkeypatch.setattr(local._ProxyLookup, "__get__", counted)
    return seen


@pytest.fixture()
def proxy_reads(monkeypatch):
    return counting(monkeypatch)


@pytest.mark.parametrize("role", [None, "creator"])
def test_the_pages_everyone_opens_read_the_request_globals_a_few_times(app, client, world, make_challenge, as_role,
                                                                       monkeypatch, role):
    from challenge.diagnostics import FRESH_HEADER

    monkeypatch.setitem(app.config, "QUERY_COUNT_HEADER", True)  # so the fresh header renders in full
    for n in range(14):
        make_challenge(world.org, "open", title=f"Hospital discharge {n}")
    as_role(role)
    pages = ["/", "/?q=hospital", "/?q=hospital&page=2", f"/challenges/{make_challenge(world.org, 'open').slug}"]
    for path in pages:  # warmed up: what a worker does once (its kept parts, its first statements) is not counted
        assert client.get(path, headers={FRESH_HEADER: "1"}).status_code == 200
    for path in pages:
        with monkeypatch.context() as patch:
            seen = counting(patch)
            assert client.get(path, headers={FRESH_HEADER: "1"}).status_code == 200
        assert 0 < sum(seen.values()) <= MOST, (path, seen.most_common(8))
        assert max(seen.values()) <= 2, (path, seen.most_common(3))  # no line reads once per row or per date


def test_the_count_sees_a_read_through_a_proxy(app, proxy_reads):
    """The counter itself: a read of `request.path` in the app's code is one read at that line."""
    from challenge.platform import hygiene

    with app.test_request_context("/?page=3"):
        assert hygiene.page_arg() == 3
    assert sum(count for line, count in proxy_reads.items() if line.startswith("platform/hygiene.py")) == 1
