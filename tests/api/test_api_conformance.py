"""Every answer conforms to the schema the OpenAPI document publishes for it (the document is made from the
schemas that shape the answers; this checks the answers against the document a client would generate from)."""
from __future__ import annotations

from openapi_schema_validator import OAS31Validator

from challenge import clock
from challenge.extensions import db
from challenge.library.models import LibraryEntry
from challenge.payouts.models import Funder
from challenge.payouts.states import FunderState

API = "/api/v1"


def _validator(doc: dict, path: str, status: str = "200"):
    answer = doc["paths"][path]["get"]["responses"][status]
    if "$ref" in answer:
        answer = doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    schema = answer["content"]["application/json"]["schema"] | {"components": doc["components"]}
    return OAS31Validator(schema)


def test_every_answer_conforms_to_its_documented_schema(client, make_user, make_org, make_challenge,
                                                       make_submission, rubric_for):
    council, funder_org = make_org(make_user(), name="Kent Council"), make_org(name="A trust")
    shown = make_challenge(council, prizes=((600_000, 1), (100_000, 3)))
    rubric_for(shown)
    db.session.add(Funder(challenge_id=shown.id, organisation_id=funder_org.id, share_bp=10_000, currency="GBP",
                          state=FunderState.ACCEPTED, created_at=clock.now()))
    decided = make_challenge(council, "decided")
    creator = make_user()
    won = make_submission(decided, creator, "winner")
    db.session.add(LibraryEntry(submission_id=won.id, solution_summary="It worked.", consent_by_id=creator.id,
                                consent_at=clock.now(), published_at=clock.now()))
    db.session.commit()
    doc = client.get(f"{API}/openapi.json").get_json()
    asked = {
        f"{API}/challenges": f"{API}/challenges",
        f"{API}/challenges/{{slug}}": f"{API}/challenges/{shown.slug}",
        f"{API}/organisations": f"{API}/organisations",
        f"{API}/organisations/{{slug}}": f"{API}/organisations/{council.slug}",
        f"{API}/library": f"{API}/library",
    }
    for documented, url in asked.items():
        answer = client.get(url)
        assert answer.status_code == 200, url
        errors = list(_validator(doc, documented).iter_errors(answer.get_json()))
        assert not errors, (url, [e.message for e in errors])
    detail = client.get(f"{API}/challenges/{shown.slug}").get_json()
    assert detail["funders"] == [{"organisation": {"slug": funder_org.slug, "name": "A trust"}, "share_percent": 100.0}]
    refused = client.get(f"{API}/challenges?status=nope")
    assert not list(_validator(doc, f"{API}/challenges", "422").iter_errors(refused.get_json()))
    missing = client.get(f"{API}/challenges/no-such-challenge")
    assert not list(_validator(doc, f"{API}/challenges/{{slug}}", "default").iter_errors(missing.get_json()))
