"""The cyclic garbage collector in a long-lived worker: freeze what lives as long as the process.

Once a worker has served a few pages its heap holds ~190,000 objects the collector tracks (functions, classes,
SQLAlchemy's mappers and compiled statements, Jinja's templates), nearly all of them alive as long as the
process. A full (generation 2) collection walks every one: 100–140 ms of CPU on the bench machine, once every
seventy-odd requests of the panel view, which made its p99 ten times its p50 (`python -m bench.tail`).

`gc.freeze()` moves every object alive at that moment into a permanent generation the collector no longer
walks, so the collections that remain walk only what the requests since have kept. A worker freezes after its
requests numbered in GC_FREEZE_AFTER (after the first: the app and its mappers; later: the templates and
statements of the pages it served since), each time just after a full collection, so no garbage is frozen.
A frozen object is still freed when nothing refers to it any more; only a frozen cycle that became garbage
later would stay, and that is at most what one request held when its worker froze.
"""
from __future__ import annotations

import gc

from flask import Flask, Response


def settle() -> None:
    """Collect the garbage there is, then freeze everything still alive."""
    gc.collect()
    gc.freeze()


def register_heap(app: Flask) -> None:
    """Freeze the worker's heap after the requests numbered in config GC_FREEZE_AFTER (none: never)."""
    at = set(app.config.get("GC_FREEZE_AFTER") or ())
    if not at:
        return
    served = [0]

    @app.after_request
    def count(response: Response) -> Response:
        served[0] += 1
        if served[0] in at:  # once the response is written and closed, not while the client waits
            response.call_on_close(settle)
        return response
