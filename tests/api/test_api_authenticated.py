"""The API with a personal token: only `Authorization: Bearer cx_…` authenticates (never a cookie), a bad or
revoked token is a 401 at once, a read token cannot write (403), and each role gets exactly what the pages
give it (the same rules, asked through `permissions`)."""
from __future__ import annotations

import csv
import io

import pytest

from challenge import clock
from challenge.accounts import tokens
from challenge.challenges.models import Challenge
from challenge.extensions import db
from tests.accounts.conftest import limited_app  # noqa: F401  the fixture
from tests.security.conftest import sec_world, strict_app  # noqa: F401  the fixtures
from tests.security.world import ROLES

API = "/api/v1"
PEOPLE = [r for r in ROLES if r != "anon"] + ["chair"]


def bearer(user, scope="read") -> dict:
    _, secret = tokens.create(user, f"{scope} token", scope, clock.now())
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _draft_body(org_slug: str, **overrides) -> dict:
    body = {"organisation": org_slug, "title": "Fewer missed bins", "summary": "Collections people can trust.",
            "problem": "Bins are missed on narrow streets.", "sector": "community", "type": "proposal",
            "opens_at": "2031-01-05T09:00:00+00:00", "closes_at": "2031-03-01T17:00:00+00:00",
            "prizes": [{"name": "First prize", "amount": 2_500_000, "winners": 1}]}
    return body | overrides


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()["error"]
    assert body["code"] == code and body["message"] and isinstance(body["fields"], dict)
    return body


@pytest.fixture()
def seeker(make_user, make_org):
    user = make_user()
    return user, make_org(owner=user, name="Kent Council")


def test_a_cookie_never_authenticates_the_api(client, login, seeker):
    user, org = seeker
    login(user)
    before = db.session.scalar(db.select(db.func.count(Challenge.id)))
    refused = client.post(f"{API}/challenges", json=_draft_body(org.slug))
    _error(refused, 401, "unauthorized")
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    _error(client.get(f"{API}/my/submissions"), 401, "unauthorized")  # nor widens a read
    assert db.session.scalar(db.select(db.func.count(Challenge.id))) == before


def test_unknown_malformed_and_revoked_tokens_are_refused_at_once(client, seeker):
    user, _ = seeker
    _error(client.get(f"{API}/my/submissions", headers={"Authorization": "Bearer cx_nothing"}), 401, "unauthorized")
    _error(client.get(f"{API}/my/submissions", headers={"Authorization": "Basic abc"}), 401, "unauthorized")
    # a bad token is refused even where no token is needed: a client learns at once that its token is wrong
    _error(client.get(f"{API}/challenges", headers={"Authorization": "Bearer cx_nothing"}), 401, "unauthorized")
    headers = bearer(user)
    assert client.get(f"{API}/my/submissions", headers=headers).status_code == 200
    token = tokens.tokens_of(user)[0]
    tokens.revoke(token, user, clock.now())
    db.session.commit()
    _error(client.get(f"{API}/my/submissions", headers=headers), 401, "unauthorized")


def test_a_deactivated_accounts_tokens_stop_working(client, seeker):
    user, _ = seeker
    headers = bearer(user)
    user.is_active_account = False
    db.session.commit()
    _error(client.get(f"{API}/my/submissions", headers=headers), 401, "unauthorized")


def test_a_read_token_cannot_write_and_a_write_needs_json(client, seeker):
    user, org = seeker
    body = _error(client.post(f"{API}/challenges", json=_draft_body(org.slug), headers=bearer(user)), 403,
                  "forbidden")
    assert "only read" in body["message"]
    writer = bearer(user, "write")
    _error(client.post(f"{API}/challenges", data="title=x", headers=writer), 415, "unsupported_media_type")
    _error(client.post(f"{API}/challenges", data="{not json", content_type="application/json", headers=writer),
           400, "bad_request")


def test_a_seeker_drafts_and_updates_a_challenge(client, seeker):
    user, org = seeker
    writer = bearer(user, "write")
    made = client.post(f"{API}/challenges", json=_draft_body(org.slug), headers=writer)
    assert made.status_code == 201, made.get_json()
    draft = made.get_json()
    assert draft["state"] == "draft" and draft["title"] == "Fewer missed bins"
    assert draft["prizes"] == [{"name": "First prize", "amount": {"amount": 2_500_000, "currency": "GBP"},
                                "winners": 1}]
    assert made.headers["Cache-Control"] == "private, no-store"
    stored = db.session.scalars(db.select(Challenge).where(Challenge.slug == draft["slug"])).one()
    assert stored.organisation_id == org.id and stored.created_by_id == user.id
    changed = client.patch(f"{API}/challenges/{draft['slug']}", json={"title": "No missed bins"}, headers=writer)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["title"] == "No missed bins" and changed.get_json()["summary"] == draft["summary"]
    assert client.get(f"{API}/challenges/{draft['slug']}").status_code == 404  # still a draft: not public


def test_invalid_drafts_are_422_with_the_forms_messages(client, seeker, make_org):
    user, org = seeker
    writer = bearer(user, "write")
    late = client.post(f"{API}/challenges", headers=writer,
                       json=_draft_body(org.slug, closes_at="2030-01-01T09:00:00+00:00"))
    assert _error(late, 422, "invalid_parameters")["fields"] == {
        "closes_at": "The closing date must be after the opening date"}
    blank = _error(client.post(f"{API}/challenges", json=_draft_body(org.slug, title=" "), headers=writer), 422,
                   "invalid_parameters")
    assert blank["fields"] == {"title": "Enter a title"}
    past = _error(client.post(f"{API}/challenges", headers=writer, json=_draft_body(
        org.slug, opens_at="2020-01-01T09:00:00+00:00", closes_at="2020-02-01T09:00:00+00:00")), 422,
        "invalid_parameters")
    assert past["fields"] == {"closes_at": "The closing date must be in the future"}  # the service's own check
    shape = _error(client.post(f"{API}/challenges", json={"title": 5}, headers=writer), 422, "invalid_parameters")
    assert {"title", "organisation", "prizes"} <= set(shape["fields"])
    theirs = make_org(name="Not mine")
    _error(client.post(f"{API}/challenges", json=_draft_body(theirs.slug), headers=writer), 422,
           "invalid_parameters")
    assert db.session.scalar(db.select(db.func.count(Challenge.id))) == 0


def test_only_a_draft_can_be_updated_and_only_by_its_organisation(client, seeker, make_user, make_challenge):
    user, org = seeker
    published = make_challenge(org, "open")
    _error(client.patch(f"{API}/challenges/{published.slug}", json={"title": "x"}, headers=bearer(user, "write")),
           409, "conflict")
    draft = make_challenge(org, "draft")
    stranger = bearer(make_user(), "write")
    _error(client.patch(f"{API}/challenges/{draft.slug}", json={"title": "x"}, headers=stranger), 404, "not_found")


# Each pair: a page and the API route that answers the same question with the same rule.
def _pairs(w):
    slug = w.challenge.slug
    return {
        "submissions": (f"/challenges/{slug}/submissions", f"{API}/challenges/{slug}/submissions"),
        "results": (f"/judging/{slug}/panel.csv", f"{API}/challenges/{slug}/results"),
        "mine": ("/my/submissions", f"{API}/my/submissions"),
        "partnership": (f"/partnerships/{w.partnership.id}", f"{API}/partnerships/{w.partnership.id}"),
        "payouts": ("/admin/payouts", f"{API}/payouts"),
    }


def test_each_role_gets_from_the_api_what_the_pages_give_it(client, login, sec_world):
    problems = []
    for role in PEOPLE:
        person = getattr(sec_world, role)
        headers = bearer(person)
        for name, (page, api) in _pairs(sec_world).items():
            login(person)
            shown = client.get(page).status_code
            login(None)
            answered = client.get(api, headers=headers).status_code
            if shown != answered or answered not in (200, 404):
                problems.append(f"{role} {name}: page {shown}, API {answered}")
    assert not problems, "\n".join(problems)
    for page, api in _pairs(sec_world).values():
        _error(client.get(api), 401, "unauthorized")  # nobody without a token


def test_the_same_rows_as_the_pages(client, login, sec_world):
    w = sec_world
    login(w.broker)
    csv_rows = list(csv.DictReader(io.StringIO(client.get(f"/judging/{w.challenge.slug}/panel.csv").text)))
    login(None)
    broker = bearer(w.broker)
    results = client.get(f"{API}/challenges/{w.challenge.slug}/results", headers=broker).get_json()
    assert [r["reference"] for r in results["data"]] == [r["Reference"] for r in csv_rows]
    entries = client.get(f"{API}/challenges/{w.challenge.slug}/submissions", headers=broker).get_json()["data"]
    assert {e["reference"] for e in entries} == {w.sub.reference, w.other_sub.reference}
    mine = client.get(f"{API}/my/submissions", headers=bearer(w.creator)).get_json()["data"]
    assert [s["reference"] for s in mine] == [w.sub.reference]
    payouts = client.get(f"{API}/payouts", headers=broker).get_json()["data"]
    assert [(p["payee"], p["amount"]["amount"]) for p in payouts] == [(w.creator.name, 1_000_000)]
    listed = client.get(f"{API}/partnerships", headers=broker).get_json()["data"]
    assert [p["id"] for p in listed] == [w.partnership.id]
    assert client.get(f"{API}/partnerships", headers=bearer(w.seeker)).get_json()["data"] == []
    theirs = client.get(f"{API}/partnerships", headers=bearer(w.creator)).get_json()["data"]
    assert [p["id"] for p in theirs] == [w.partnership.id]


def test_drafting_is_allowed_to_whom_the_edit_page_allows(client, login, sec_world, make_challenge):
    draft = make_challenge(sec_world.council, "draft", author=sec_world.seeker)
    problems = []
    for role in PEOPLE:
        person = getattr(sec_world, role)
        login(person)
        shown = client.get(f"/challenges/{draft.slug}/edit").status_code
        login(None)
        answered = client.patch(f"{API}/challenges/{draft.slug}", json={"tags": role},
                                headers=bearer(person, "write")).status_code
        if shown != answered:
            problems.append(f"{role}: edit page {shown}, API {answered}")
    assert not problems, "\n".join(problems)


def test_a_broker_moves_a_partnership_through_its_lifecycle(client, sec_world):
    w = sec_world
    writer = bearer(w.broker, "write")
    url = f"{API}/partnerships/{w.partnership.id}"
    before = client.get(url, headers=writer).get_json()
    assert before["stage"] == "introduced" and before["moves"]
    moved = client.patch(url, json={"move": before["moves"][0]}, headers=writer)
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["stage"] != "introduced"
    _error(client.patch(url, json={"move": "reopen"}, headers=writer), 409, "conflict")
    _error(client.patch(url, json={"move": "close_lost"}, headers=writer), 422, "invalid_parameters")
    _error(client.patch(url, json={"move": "fly"}, headers=writer), 422, "invalid_parameters")
    _error(client.patch(url, json={"move": "close_lost", "reason": "x"}, headers=bearer(w.creator, "write")), 404,
           "not_found")


def test_rate_limits_are_per_token_with_a_json_429(limited_app, make_user):
    limited = limited_app()
    client = limited.test_client()
    with limited.app_context():
        first, second = bearer(make_user()), bearer(make_user())
    answers = [client.get(f"{API}/my/submissions", headers=first).status_code for _ in range(121)]
    assert answers.count(200) == 120 and answers[-1] == 429
    refused = client.get(f"{API}/my/submissions", headers=first)
    _error(refused, 429, "too_many_requests")
    assert int(refused.headers["Retry-After"]) >= 1
    assert client.get(f"{API}/my/submissions", headers=second).status_code == 200  # its own allowance


def test_the_document_marks_each_token_operation_and_the_docs_page_shows_curl(client, app):
    doc = client.get(f"{API}/openapi.json").get_json()
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearer"]["description"]}
    marked = {(m.upper(), p) for p, item in doc["paths"].items() for m, op in item.items()
              if isinstance(op, dict) and op.get("security")}
    assert marked == {("POST", f"{API}/challenges"), ("PATCH", f"{API}/challenges/{{slug}}"),
                      ("GET", f"{API}/challenges/{{slug}}/submissions"), ("GET", f"{API}/challenges/{{slug}}/results"),
                      ("GET", f"{API}/my/submissions"), ("GET", f"{API}/partnerships"),
                      ("GET", f"{API}/partnerships/{{pid}}"), ("PATCH", f"{API}/partnerships/{{pid}}"),
                      ("GET", f"{API}/payouts"), ("GET", f"{API}/organisations/{{slug}}/webhooks"),
                      ("POST", f"{API}/organisations/{{slug}}/webhooks"), ("GET", f"{API}/webhooks/{{hook_id}}"),
                      ("DELETE", f"{API}/webhooks/{{hook_id}}")}
    for method, path in marked:
        assert {"401", "403"} <= set(doc["paths"][path][method.lower()]["responses"])
    page = client.get("/developers/api").text
    assert 'curl -H "Authorization: Bearer $CX_TOKEN"' in page and "curl -X POST" in page
    assert "/api/v1/challenges" in page and "organisation" in page and "Revoke it there" in page


def test_csrf_does_not_apply_to_token_requests_and_cookie_writes_stay_refused(strict_app, login, seeker):
    user, org = seeker
    strict = strict_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False)
    client = strict.test_client()
    writer = bearer(user, "write")
    made = client.post(f"{API}/challenges", json=_draft_body(org.slug), headers=writer)  # no CSRF token
    assert made.status_code == 201, made.get_json()
    login(user, client=client)
    _error(client.post(f"{API}/challenges", json=_draft_body(org.slug)), 401, "unauthorized")
    assert db.session.scalar(db.select(db.func.count(Challenge.id))) == 1


def test_a_body_too_large_is_a_json_413(client, app, seeker, monkeypatch):
    user, org = seeker
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2_000)
    big = _draft_body(org.slug, problem="x" * 5_000)
    _error(client.post(f"{API}/challenges", json=big, headers=bearer(user, "write")), 413, "too_large")
