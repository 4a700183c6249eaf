"""A worker freezes its long-lived objects out of the garbage collector's reach (challenge/platform/heap.py):
after the requests named in GC_FREEZE_AFTER, once each answer is closed, and never in the test suite."""
import gc

import pytest

from challenge import create_app
from challenge.config import Config, TestConfig


@pytest.fixture()
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # what the test froze goes back to the collector


def test_a_worker_freezes_its_heap_after_the_requests_named(unfrozen, database_url):
    config = type("Freezing", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, "GC_FREEZE_AFTER": (2,)})
    client = create_app(config).test_client()
    client.get("/healthz").close()
    assert gc.get_freeze_count() == 0
    answer = client.get("/healthz")
    assert gc.get_freeze_count() == 0  # not while the answer is still being sent
    answer.close()
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    client.get("/healthz").close()
    assert gc.get_freeze_count() == 0  # only at the requests named


def test_production_freezes_and_the_suite_does_not(unfrozen, database_url):
    assert Config.GC_FREEZE_AFTER and not TestConfig.GC_FREEZE_AFTER
    client = create_app(type("Suite", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url})).test_client()
    for _ in range(3):
        client.get("/healthz").close()
    assert gc.get_freeze_count() == 0
