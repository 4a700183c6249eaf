"""Search finds what people mean (issue 11 point 14), with the same answers on SQLite (FTS5, porter) and
PostgreSQL (English full-text): run this file on both (TEST_DATABASE_URL for PostgreSQL).

The challenges are the demo world's own words (demo/data.py): its organisations and its twelve challenges
in their phases, so the phrases below are the ones a visitor of the demo would type."""
from __future__ import annotations

import re

import pytest

from challenge import clock
from challenge.challenges.catalogue import CatalogueParams, search_challenges
from challenge.extensions import db
from demo.data import CHALLENGES, ORGANISATIONS

SHORT = {  # a short name for each demo challenge, by the start of its title
    "Reaching older people": "lonely",
    "Keeping pupils in school": "exclusion",
    "Keeping coastal villages": "storms",
    "Helping schools find young carers": "carers",
    "Getting medically fit patients": "discharge",
    "Making whole-house retrofit": "retrofit",
    "Finding damp and mould": "damp",
    "Community transport": "transport",
    "Support while children wait": "camhs",
    "Halving food waste": "food-waste (draft)",
    "Fewer missed outpatient": "outpatients (in review)",
    "Digital inclusion": "care-leavers (cancelled)",
}


def short(title: str) -> str:
    return next(name for start, name in SHORT.items() if title.startswith(start))


@pytest.fixture()
def demo_challenges(make_org, make_user, make_challenge):
    """The demo world's organisations and challenges, each in its phase, with all their searched words."""
    orgs = {slug: make_org(make_user(), name=name, kind=kind) for slug, name, kind, _, _ in ORGANISATIONS}
    for spec in CHALLENGES:
        challenge = make_challenge(orgs[spec["org"]], spec["phase"], title=spec["title"],
                                   context=spec.get("context", ""), outcomes=spec["outcomes"],
                                   eligibility=spec["eligibility"], tags=spec["tags"])
        challenge.summary, challenge.problem = spec["summary"], spec["problem"]
    db.session.commit()
    return orgs


def found(q: str) -> set[str]:
    result = search_challenges(CatalogueParams(q=q), clock.now())
    assert result.total == len(result.items)  # one page here
    return {short(c.title) for c in result.items}


@pytest.mark.parametrize("q,expected", [
    # the issue's own example: the first tag of an open challenge
    ("loneliness", {"lonely"}),
    ("lonely older people", {"lonely"}),
    ("hospital discharge", {"discharge"}),  # a tag
    ("school exclusion", {"exclusion"}),  # "exclusions" in the text: stemmed
    ("retrofit homes", {"retrofit"}),
    # the organisation's name, which no challenge text repeats
    ("Hartwell Foundation", {"carers"}),
    ("Riverside", {"discharge"}),  # its other challenge is still in review
    ("Northern Lights Academy", {"exclusion"}),  # its other challenge is a draft
    # outcomes
    ("UCLA loneliness scores", {"lonely"}),
    ("fewer readmissions", {"discharge"}),
    # other endings of the same word
    ("flood", {"storms"}),  # tagged "flooding"
    ("suspension", {"exclusion"}),  # "suspensions"
    ("carer", {"carers"}),
    ("volunteer drivers", {"transport"}),  # "volunteers" tag, "volunteer drivers" in the text
    # quotes, minus, or
    ('"young carers"', {"carers"}),
    ('"people lonely"', set()),  # both words, but never side by side
    ('"older people"', {"lonely", "discharge"}),
    ("older people -hospital", set()),  # both "older people" challenges say "hospital" too
    ("older people -mould", {"lonely", "discharge"}),
    ('hospital -"care package"', {"lonely", "transport"}),  # the discharge challenge's care packages
    ("mould or retrofit", {"damp", "retrofit"}),
    ("waiting lists", {"camhs", "lonely"}),  # CAMHS, and the befriending services' waiting lists
    ("waiting lists -befriending", {"camhs"}),
    # words nobody uses, stop words only, and unpublished challenges' words
    ("zebra", set()),
    ("the of and", set()),
    ("food waste", set()),
    ("care leavers", set()),
])
def test_demo_world_phrases(demo_challenges, q, expected):
    assert found(q) == expected


def test_the_catalogue_page_finds_the_tag(client, demo_challenges):
    page = client.get("/?q=loneliness").get_data(as_text=True)
    assert "1 challenge matches your filters" in page or "1 challenge matches" in page
    assert re.findall(r'<h2 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', page) == [
        "Reaching older people who are lonely but not yet known to services"]
