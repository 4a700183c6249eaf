"""The catalogue: status computed from the clock, search, filters, sorts, pagination, constant queries."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from challenge import clock
from challenge.challenges.catalogue import CatalogueParams, search_challenges
from challenge.extensions import db
from tests.factories import counted_statements


def titles(client, query: str = "") -> list[str]:
    page = client.get("/" + query).get_data(as_text=True)
    return re.findall(r'<h2 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', page)


@pytest.fixture()
def listed(world, make_challenge, make_org, make_user):
    """Challenges in every phase, in different sectors, types and prize sizes."""
    nhs = make_org(make_user(), name="Riverside NHS Trust", kind="nhs_trust")
    made = {
        "open": make_challenge(world.org, "open", title="Loneliness in older people", sector="social_care",
                               prizes=((2_500_000, 1),)),
        "open2": make_challenge(nhs, "open", title="Hospital discharge delays", sector="health", type="pilot_ready",
                                prizes=((6_000_000, 1),)),
        "upcoming": make_challenge(world.org, "upcoming", title="Damp and mould", sector="housing",
                                   prizes=((1_000_000, 2),)),
        "closed": make_challenge(nhs, "closed", title="Missed appointments", sector="health", prizes=((500_000, 1),)),
        "judging": make_challenge(world.org, "judging", title="Retrofit homes", sector="housing", prizes=((300_000, 1),)),
        "decided": make_challenge(world.org, "decided", title="School exclusions", sector="education",
                                  prizes=((100_000, 1),)),
        "completed": make_challenge(nhs, "completed", title="Community transport", sector="transport",
                                    prizes=((4_000_000, 1),)),
        "draft": make_challenge(world.org, "draft", title="Secret draft about hospital"),
        "in_review": make_challenge(world.org, "in_review", title="Review hospital thing"),
        "cancelled": make_challenge(world.org, "cancelled", title="Cancelled hospital idea"),
    }
    made["open"].summary = "Befriending at scale."
    made["open2"].problem = "Patients wait for care packages before discharge."
    made["open2"].closes_at = clock.now() + timedelta(days=3)
    made["open2"].published_at = clock.now() - timedelta(days=1)
    made["open"].published_at = clock.now() - timedelta(days=5)
    db.session.commit()
    return made


def test_only_published_challenges_are_listed(client, listed):
    shown = titles(client)
    assert len(shown) == 7
    assert not {"Secret draft about hospital", "Review hospital thing", "Cancelled hospital idea"} & set(shown)


@pytest.mark.parametrize("status,expected", [
    ("upcoming", {"Damp and mould"}),
    ("open", {"Loneliness in older people", "Hospital discharge delays"}),
    ("closed", {"Missed appointments", "Retrofit homes"}),
    ("awarded", {"School exclusions", "Community transport"}),
])
def test_status_filter(client, listed, status, expected):
    assert set(titles(client, f"?status={status}")) == expected


def test_status_follows_the_clock_without_any_job(client, listed):
    assert "Damp and mould" not in titles(client, "?status=open")
    clock.travel(timedelta(days=3))  # the upcoming one opens; open2 closes
    assert set(titles(client, "?status=open")) == {"Loneliness in older people", "Damp and mould"}
    assert "Hospital discharge delays" in titles(client, "?status=closed")


@pytest.mark.parametrize("q,expected", [
    ("hospital", {"Hospital discharge delays"}),
    ("HOSPITAL discharge", {"Hospital discharge delays"}),
    ("care packages", {"Hospital discharge delays"}),  # in the problem text
    ("befriending", {"Loneliness in older people"}),  # in the summary
    ("hospital loneliness", set()),  # every word must match
    ("zebra", set()),
])
def test_search_over_title_summary_and_problem(client, listed, q, expected):
    assert set(titles(client, f"?q={q}")) == expected


def test_prize_bounds_beyond_any_pool_find_all_or_nothing(client, listed):
    assert len(titles(client, "?max_prize=99,999,999,999")) == 7  # more than the column holds: no 500
    assert titles(client, "?min_prize=99,999,999,999") == []
    api = client.get("/api/v1/challenges?max_prize=34359738367")
    assert api.status_code == 200 and len(api.get_json()["data"]) == 7


@pytest.mark.parametrize("q", ["100%", "_", "'; drop table challenges; --", '"unclosed', "!!!", "a\x00b",
                               "-hospital", "OR", "🙂", "x" * 300, "<script>alert(1)</script>"])
def test_odd_searches_never_fail(client, listed, q):
    response = client.get("/", query_string={"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_filters_sector_type_organisation_and_prize_range(client, listed):
    assert set(titles(client, "?sector=health")) == {"Hospital discharge delays", "Missed appointments"}
    assert titles(client, "?type=pilot_ready") == ["Hospital discharge delays"]
    nhs_slug = listed["open2"].organisation.slug
    assert set(titles(client, f"?organisation={nhs_slug}")) == {
        "Hospital discharge delays", "Missed appointments", "Community transport"}
    assert set(titles(client, "?min_prize=20,000&max_prize=£40000")) == {
        "Loneliness in older people", "Damp and mould", "Community transport"}
    assert set(titles(client, "?sector=housing&status=closed")) == {"Retrofit homes"}


def test_sorting(client, listed):
    by_prize = titles(client, "?sort=prize")
    assert by_prize[:3] == ["Hospital discharge delays", "Community transport", "Loneliness in older people"]
    closing = titles(client, "?sort=closing")
    assert closing[:2] == ["Hospital discharge delays", "Loneliness in older people"]
    assert closing.index("Damp and mould") < closing.index("Missed appointments")
    newest = titles(client, "?sort=newest")
    assert newest[0] == "Community transport"  # published now, and the latest made
    assert newest[-2:] == ["Hospital discharge delays", "Loneliness in older people"]  # a day ago, five days ago


def test_bad_filter_values_are_reported_and_ignored(client, listed):
    response = client.get("/?min_prize=lots&sector=space&sort=random&page=abc&endpoint=x&_external=1&status=%00")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter an amount in pounds" in page and "Not a valid choice" in page
    assert len(titles(client, "?min_prize=lots&sector=space")) == 7


def test_empty_results_offer_to_clear_filters(client, listed):
    page = client.get("/?q=zebra").get_data(as_text=True)
    assert "No challenges match these filters" in page and 'href="/">Clear filters' in page


def test_empty_catalogue(client, app):
    page = client.get("/").get_data(as_text=True)
    assert "There are no published challenges yet" in page


def test_pagination(client, world, make_challenge):
    for n in range(14):
        make_challenge(world.org, "open", title=f"Numbered challenge {n:02d}")
    first, second = titles(client), titles(client, "?page=2")
    assert len(first) == 12 and len(second) == 2 and not set(first) & set(second)
    page = client.get("/?page=2").get_data(as_text=True)
    assert 'aria-current="page"' in page and 'rel="prev"' in page
    assert client.get("/?page=999").status_code == 200
    assert "There is no page 999" in client.get("/?page=999").get_data(as_text=True)
    assert "page=2" in client.get("/?sort=prize").get_data(as_text=True)
    assert "sort=prize" in client.get("/?sort=prize").get_data(as_text=True)


def test_search_service_directly(world, make_challenge):
    make_challenge(world.org, "open", title="Hospital flow", prizes=((100, 1),))
    result = search_challenges(CatalogueParams(q="hospital", min_prize=100, max_prize=100, sort="prize"), clock.now())
    assert [c.title for c in result.items] == ["Hospital flow"] and result.total == 1


def test_the_catalogue_runs_a_constant_number_of_queries(client, world, make_challenge, make_org, make_user):
    def queries_for_page() -> int:
        with counted_statements() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    for n in range(3):
        make_challenge(make_org(make_user()), "open")
    few = queries_for_page()
    for n in range(27):
        make_challenge(make_org(make_user()), "open")
    # the page's cards with the total; the page cache's generation and the next opening or closing
    assert queries_for_page() == few <= 3


def test_the_challenge_page_runs_a_constant_number_of_queries(client, world, make_challenge, make_user):
    from challenge.challenges import conversation

    challenge = make_challenge(world.org, "open", prizes=((100, 1), (50, 2)))

    def queries_for_page() -> int:
        with counted_statements() as statements:
            assert client.get(f"/challenges/{challenge.slug}").status_code == 200
        return len(statements)

    conversation.ask(challenge, "First?", make_user(), clock.now())
    db.session.commit()
    db.session.expire_all()
    few = queries_for_page()
    for n in range(10):
        question = conversation.ask(challenge, f"Question {n}?", make_user(), clock.now())
        conversation.answer(question, "Yes", world.seeker, clock.now())
    db.session.commit()
    db.session.expire_all()
    assert queries_for_page() == few
