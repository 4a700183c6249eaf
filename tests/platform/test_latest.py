"""LatestVersions: one answer per key, for the latest version; the least recently used keys go first."""
from __future__ import annotations

from challenge.platform.latest import LatestVersions


def test_a_new_version_replaces_the_old_ones_answer():
    cache: LatestVersions[int, str] = LatestVersions(4)
    cache.keep(1, "v1", "first")
    assert cache.find(1, "v1") == "first"
    cache.keep(1, "v2", "second")
    assert cache.find(1, "v2") == "second" and cache.find(1, "v1") is None
    assert len(cache) == 1


def test_an_unknown_version_or_key_is_not_found():
    cache: LatestVersions[int, str] = LatestVersions(4)
    cache.keep(1, "v1", "first")
    assert cache.find(1, "v0") is None and cache.find(2, "v1") is None


def test_the_least_recently_used_key_goes_beyond_the_size():
    cache: LatestVersions[int, str] = LatestVersions(2)
    cache.keep(1, "a", "one")
    cache.keep(2, "a", "two")
    assert cache.find(1, "a") == "one"  # 1 is now the more recent
    cache.keep(3, "a", "three")
    assert cache.find(2, "a") is None and cache.find(1, "a") == "one" and cache.find(3, "a") == "three"
    assert len(cache) == 2
