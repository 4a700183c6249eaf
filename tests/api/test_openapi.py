"""The API described: a valid OpenAPI 3.1 document listing every route, made from the schemas the views use;
its documentation page served here with no CDN; and never an HTML answer under /api/."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from tests.accounts.conftest import limited_app  # noqa: F401  the fixture

API = "/api/v1"


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/")]


def test_the_document_is_valid_openapi_3_1_and_lists_every_route(client, app):
    answer = client.get(f"{API}/openapi.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    doc = answer.get_json()
    assert doc["openapi"] == "3.1.0"
    validate(doc)  # raises on any departure from the 3.1 schema
    documented = set(doc["paths"])
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in _api_rules(app)}
    assert routes == documented
    for item in doc["paths"].values():
        assert set(item["get"]["responses"]) >= {"200", "304", "404", "429"}


def test_query_parameters_come_from_the_validating_schema(client):
    doc = client.get(f"{API}/openapi.json").get_json()
    params = {p["name"]: p for p in doc["paths"][f"{API}/challenges"]["get"]["parameters"]}
    assert set(params) == {"cursor", "q", "sector", "status", "type", "min_prize", "max_prize", "organisation", "sort"}
    assert "upcoming" in params["status"]["schema"]["enum"] and params["min_prize"]["schema"]["minimum"] == 0
    error = doc["components"]["schemas"]["ErrorBody"]
    assert set(error["required"]) == {"code", "message", "fields"}


def test_the_documentation_page_is_ours_and_loads_nothing_from_elsewhere(client):
    page = client.get("/developers/api")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "GET /api/v1/challenges/{slug}" in page.text and "/api/v1/openapi.json" in page.text
    assert not re.search(r"""(src|href)=["']https?://""", page.text)


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
def test_no_html_ever_under_api(client, app, method):
    """Every API rule (with a made-up slug, and as a route that does not exist below it) answers JSON."""
    for rule in _api_rules(app):
        url = re.sub(r"<(?:\w+:)?\w+>", "no-such-thing", rule.rule)
        for path in (url, url + "/nothing-below"):
            answer = client.open(path, method=method)
            assert answer.mimetype == "application/json", (method, path, answer.status_code)
            if answer.status_code >= 400:
                assert set(answer.get_json()["error"]) == {"code", "message", "fields"}
    assert client.open("/api/", method=method).mimetype == "application/json"


def test_rate_limited_with_a_json_429(limited_app):
    limited = limited_app()
    client = limited.test_client()
    answers = [client.get(f"{API}/organisations").status_code for _ in range(125)]
    assert answers.count(200) == 120 and answers[-1] == 429
    body = client.get(f"{API}/organisations").get_json()["error"]
    assert body["code"] == "too_many_requests" and body["message"]
    assert client.get("/accessibility").status_code == 200  # the site's pages are not counted with the API's
