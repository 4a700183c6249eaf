"""Keeping optional dependencies of our libraries out of a worker's memory (issue 13: < 150 MB RSS each).

Some libraries import another one only because they might use it: pygal draws with lxml when it can import
it (~4 MB RSS), and Markdown's fenced code blocks import Pygments for a highlighting we do not turn on
(~0.7 MB). `hidden` makes such an import fail, as if the package were not installed, while the library is
first imported; the library then falls back to what it does without (tests/test_memory.py).
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def hidden(package: str) -> Iterator[None]:
    """While inside, `import package` raises ImportError, unless something has already imported it (then
    nothing changes: the caller must not depend on which way it went)."""
    if package in sys.modules:
        yield
        return
    sys.modules[package] = None  # the import system's mark for "not importable"
    try:
        yield
    finally:
        if sys.modules.get(package, 0) is None:
            del sys.modules[package]
