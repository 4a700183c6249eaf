"""The demo world (`flask demo`) and the benchmark's panel builder: data for people to click through
and for the benchmark to measure, kept out of the application package.

`demo.world.load(now)` builds the world only through the application's services, as a seeker, a
broker, a judge or a creator would, with the clock passed in so that its history can lie in the past.
`demo.panels.build_panel` is different: a bulk builder of one scored round for the benchmark and the
query-count tests.
"""
from __future__ import annotations

from demo.world import SHARED_PASSWORD, accounts_to_try, load

__all__ = ["SHARED_PASSWORD", "accounts_to_try", "load"]
