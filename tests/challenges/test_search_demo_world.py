"""The real demo world, loaded by `flask demo` through the services: its catalogue finds what visitors
mean, with the same answers on SQLite and PostgreSQL (tests/challenges/test_search_phrases.py holds the
long list over the same words; this one proves the loader's challenges are indexed as they are written)."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.challenges.catalogue import CatalogueParams, search_challenges


def found(q: str) -> set[str]:
    return {c.title for c in search_challenges(CatalogueParams(q=q), clock.now()).items}


LONELY = "Reaching older people who are lonely but not yet known to services"
DISCHARGE = "Getting medically fit patients home from hospital sooner"
EXCLUSION = "Keeping pupils in school: alternatives to exclusion in Years 7 to 9"
RETROFIT = "Making whole-house retrofit simple for owner-occupiers"
CARERS = "Helping schools find young carers sooner"


@pytest.fixture()
def demo(runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output


def test_the_demo_worlds_catalogue_finds_what_people_mean(demo):
    assert found("loneliness") == {LONELY}  # the example: the first tag of an open challenge
    assert found("lonely older people") == {LONELY}
    assert found("hospital discharge") == {DISCHARGE}
    assert found("school exclusions") == {EXCLUSION}
    assert found("retrofit homes") == {RETROFIT}
    assert found("Hartwell Foundation") == {CARERS}  # the organisation's name
    assert found("fewer readmissions") == {DISCHARGE}  # an outcome
    assert found('"young carers" -camhs') == {CARERS}
    assert found("food waste") == set()  # a draft's words
