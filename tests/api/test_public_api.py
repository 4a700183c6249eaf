"""The public API: shapes, filters, search, cursor paging, ETag/304, drafts 404, JSON errors everywhere."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from challenge.extensions import db
from challenge.library.models import LibraryEntry
from challenge import clock

API = "/api/v1"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()["error"]
    assert body["code"] == code and body["message"] and isinstance(body["fields"], dict)
    return body


@pytest.fixture()
def council(make_user, make_org):
    return make_org(make_user(), name="Kent Council")


def test_list_shape_and_only_published(client, council, make_challenge):
    shown = make_challenge(council, title="Loneliness in Dover")
    make_challenge(council, "draft", title="Secret draft")
    make_challenge(council, "in_review", title="Under review")
    answer = client.get(f"{API}/challenges")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert [c["slug"] for c in body["data"]] == [shown.slug]
    item = body["data"][0]
    assert item["title"] == "Loneliness in Dover" and item["organisation"] == {"slug": council.slug,
                                                                                 "name": "Kent Council"}
    assert item["prize_pool"] == {"amount": shown.prize_pool, "currency": "GBP"} and item["phase"] == "open"
    assert item["url"].endswith(f"{API}/challenges/{shown.slug}")
    assert body["links"]["next"] is None


def test_filters_and_search(client, council, make_challenge):
    health = make_challenge(council, title="Falls at home", sector="health")
    make_challenge(council, title="Bus timetables", sector="transport")
    upcoming = make_challenge(council, "upcoming", title="Later one", sector="transport")

    def slugs(query):
        answer = client.get(f"{API}/challenges?{query}")
        assert answer.status_code == 200, answer.get_json()
        return [c["slug"] for c in answer.get_json()["data"]]

    assert slugs("sector=health") == [health.slug]
    assert slugs("status=upcoming") == [upcoming.slug]
    assert slugs("q=falls") == [health.slug]


def test_cursor_paging_walks_every_page_once(client, council, make_challenge, app):
    made = {make_challenge(council).slug for _ in range(app.config["PER_PAGE"] * 2 + 3)}
    seen, url, pages = [], f"{API}/challenges?sort=newest", 0
    while url:
        body = client.get(url).get_json()
        seen += [c["slug"] for c in body["data"]]
        url = body["links"]["next"] and _path(body["links"]["next"])
        assert url is None or "sort=newest" in url
        pages += 1
    assert pages == 3 and len(seen) == len(made) and set(seen) == made


def test_etag_and_304(client, council, make_challenge):
    shown = make_challenge(council)
    first = client.get(f"{API}/challenges/{shown.slug}")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=60"
    etag = first.headers["ETag"]
    again = client.get(f"{API}/challenges/{shown.slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get(f"{API}/challenges/{shown.slug}", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200


def test_detail_shape(client, council, make_challenge, rubric_for):
    shown = make_challenge(council, prizes=((600_000, 1), (200_000, 2)))
    rubric_for(shown, criteria=(("Impact", 60), ("Feasibility", 40)))
    body = client.get(f"{API}/challenges/{shown.slug}").get_json()
    assert [p["amount"]["amount"] for p in body["prizes"]] == [600_000, 200_000]
    assert body["prizes"][1]["winners"] == 2
    assert [(c["name"], c["weight_percent"]) for c in body["criteria"]] == [("Impact", 60), ("Feasibility", 40)]
    assert body["timeline"]["rounds"][0]["name"] == "Assessment"
    assert body["funders"] == [] and body["entry_questions"] == [] and body["winners"] is None


@pytest.mark.parametrize("state", ["draft", "in_review"])
def test_unpublished_is_404_even_for_its_owner(client, login, make_user, make_org, make_challenge, state):
    owner = make_user()
    hidden = make_challenge(make_org(owner=owner), state)
    login(owner)  # cookies never widen what the API shows
    _error(client.get(f"{API}/challenges/{hidden.slug}"), 404, "not_found")
    _error(client.get(f"{API}/challenges/{hidden.slug}/winners"), 404, "not_found")


def test_winners_404_before_results(client, council, make_challenge):
    judging = make_challenge(council, "judging")
    _error(client.get(f"{API}/challenges/{judging.slug}/winners"), 404, "not_found")


@pytest.mark.parametrize("query, field", [
    ("status=nonsense", "status"), ("min_prize=abc", "min_prize"), ("min_prize=-5", "min_prize"),
    ("sort=sideways", "sort"), ("sector=moon", "sector"), ("q=" + "x" * 201, "q"),
])
def test_bad_query_values_are_422_with_fields(client, query, field):
    body = _error(client.get(f"{API}/challenges?{query}"), 422, "invalid_parameters")
    assert field in body["fields"] and body["fields"][field]


@pytest.mark.parametrize("cursor", ["garbage!!", "eyJwIjogMH0", "eyJwIjogIngifQ", "W10"])
def test_bad_cursor_is_400_on_its_field(client, cursor):
    body = _error(client.get(f"{API}/challenges?cursor={cursor}"), 400, "bad_request")
    assert "cursor" in body["fields"]


def test_unknown_path_and_method_answer_json(client):
    _error(client.get(f"{API}/nothing-here"), 404, "not_found")
    _error(client.get("/api/v2/challenges"), 404, "not_found")
    _error(client.delete(f"{API}/challenges"), 405, "method_not_allowed")
    _error(client.post(f"{API}/challenges"), 401, "unauthorized")  # drafting needs a token (test_api_tokens.py)
    assert client.get("/no-such-page").mimetype == "text/html"  # the site keeps its own pages


def test_organisations(client, council, make_org, make_challenge):
    make_org(name="No challenges yet")
    shown = make_challenge(council)
    make_challenge(council, "draft")
    body = client.get(f"{API}/organisations").get_json()
    assert body["data"] == [{"slug": council.slug, "name": "Kent Council"}]
    one = client.get(f"{API}/organisations/{council.slug}").get_json()
    assert one["kind"] == "local_authority" and [c["slug"] for c in one["challenges"]] == [shown.slug]
    _error(client.get(f"{API}/organisations/no-such-org"), 404, "not_found")


def test_library_lists_only_published_entries(client, council, make_user, make_challenge, make_submission):
    decided = make_challenge(council, "decided", title="Warm homes")
    creator = make_user()
    shown = make_submission(decided, creator, "winner", title="Heat pump club")
    hidden = make_submission(decided, make_user(), "winner", title="Not yet consented")
    now = clock.now()
    db.session.add_all([
        LibraryEntry(submission_id=shown.id, solution_summary="Neighbours share.", consent_by_id=creator.id,
                     consent_at=now, published_at=now),
        LibraryEntry(submission_id=hidden.id, solution_summary="", consent_by_id=hidden.owner_id, consent_at=now)])
    db.session.commit()
    body = client.get(f"{API}/library").get_json()
    assert [e["title"] for e in body["data"]] == ["Heat pump club"]
    assert body["data"][0]["who"] == creator.name and body["links"]["next"] is None
    assert client.get(f"{API}/library?q=heat").get_json()["data"][0]["challenge"]["slug"] == decided.slug
    assert client.get(f"{API}/library?q=nothingmatches").get_json()["data"] == []
    _error(client.get(f"{API}/library?sector=moon"), 422, "invalid_parameters")


@pytest.mark.parametrize("query", ["q=a%00b", "organisation=a%00b", "cursor=%00", "min_prize=1e400",
                                   "max_prize=99999999999999999999999", "q=%ff%fe", "sort=closing&sort=newest"])
def test_odd_bytes_never_500(client, council, make_challenge, query):
    make_challenge(council)
    answer = client.get(f"{API}/challenges?{query}")
    assert answer.status_code in (200, 400, 422) and answer.mimetype == "application/json"
    assert client.get(f"{API}/library?{query.replace('organisation', 'sector')}").status_code in (200, 400, 422)


def test_an_unexpected_failure_is_a_json_500(client, monkeypatch):
    from challenge.api.views import challenges as views

    def broken(*args, **kwargs):
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr(views, "search_challenges", broken)
    body = _error(client.get(f"{API}/challenges"), 500, "server_error")
    assert "fire" not in body["message"]


def test_a_cancelled_challenge_is_shown_as_on_the_site_but_not_listed(client, council, make_challenge):
    cancelled = make_challenge(council, "cancelled", cancel_reason="Funding withdrawn.")
    assert client.get(f"{API}/challenges").get_json()["data"] == []
    body = client.get(f"{API}/challenges/{cancelled.slug}").get_json()
    assert body["phase"] == "cancelled" and body["winners"] is None
    assert client.get(f"/challenges/{cancelled.slug}").status_code == 200  # the page an anonymous visitor sees


def test_a_changed_challenge_gets_a_new_etag(client, council, make_challenge):
    shown = make_challenge(council, title="Before")
    etag = client.get(f"{API}/challenges").headers["ETag"]
    assert client.get(f"{API}/challenges", headers={"If-None-Match": etag}).status_code == 304
    shown.title = "After"
    db.session.commit()
    fresh = client.get(f"{API}/challenges", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert fresh.get_json()["data"][0]["title"] == "After"
    head = client.head(f"{API}/challenges")
    assert head.status_code == 200 and head.headers["ETag"] == fresh.headers["ETag"]
