"""A worker's cache of answers computed from data that carries a version token (a round's results, a
pairwise fit): one answer per key, the one for the latest version seen.

A version is replaced, never returned to, so the answer for an older version of the same key can never be
asked for again: keeping it would only hold memory (the results of a 500-entry panel are ~3 MB, and every
score gives the round a new version). The least recently used keys go beyond `size`.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LatestVersions(Generic[K, V]):
    def __init__(self, size: int):
        self.size = size
        self._kept: OrderedDict[K, tuple[str, V]] = OrderedDict()

    def find(self, key: K, version: str) -> V | None:
        """The answer kept for `key` at `version`, or None."""
        kept = self._kept.get(key)
        if kept is None or kept[0] != version:
            return None
        self._kept.move_to_end(key)
        return kept[1]

    def keep(self, key: K, version: str, value: V) -> V:
        """Keep `value` as the answer for `key` at `version`, in place of any other version's; return it."""
        self._kept[key] = (version, value)
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()
