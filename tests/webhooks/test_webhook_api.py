"""Webhook endpoints through the API with a personal token: an owner lists, registers (the secret in that
answer only) and deletes; a read token cannot write; another organisation gets 404; bad input is a 422."""
from __future__ import annotations

from challenge.extensions import db
from challenge.webhooks.models import WebhookEndpoint
from tests.api.test_api_authenticated import bearer

API = "/api/v1"


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(WebhookEndpoint.id)))


def test_an_owner_registers_lists_and_deletes_an_endpoint(client, seekers):
    headers = bearer(seekers.owner, "write")
    url = f"{API}/organisations/{seekers.council.slug}/webhooks"
    made = client.post(url, json={"url": "https://example.org/h", "events": ["decision.published"]}, headers=headers)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["decision.published"]
    listed = client.get(url, headers=headers).get_json()["data"]
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    again = client.post(url, json={"url": "https://example.org/h", "events": ["decision.published"]}, headers=headers)
    assert again.status_code == 422 and "registered already" in again.get_json()["error"]["fields"]["url"]
    assert client.get(f"{API}/webhooks/{body['id']}", headers=headers).get_json()["url"] == "https://example.org/h"
    assert client.delete(f"{API}/webhooks/{body['id']}", headers=headers).status_code == 204
    assert _count() == 0


def test_who_may_use_the_api_and_what_is_refused(client, seekers, hook):
    endpoint, _ = hook(seekers.council, "https://example.org/h", seekers.owner)
    url = f"{API}/organisations/{seekers.council.slug}/webhooks"
    good = {"url": "https://example.org/other", "events": ["challenge.closed"]}
    assert client.post(url, json=good, headers=bearer(seekers.owner, "read")).status_code == 403
    for stranger in (seekers.other, seekers.member, seekers.creator):
        headers = bearer(stranger, "write")
        assert client.get(url, headers=headers).status_code == 404
        assert client.post(url, json=good, headers=headers).status_code == 404
        assert client.get(f"{API}/webhooks/{endpoint.id}", headers=headers).status_code == 404
        assert client.delete(f"{API}/webhooks/{endpoint.id}", headers=headers).status_code == 404
    headers = bearer(seekers.owner, "write")
    for bad in ({"url": "ftp://example.org/", "events": ["challenge.closed"]}, {"url": "https://example.org/x"},
                {"url": "https://example.org/x", "events": ["user.deleted"]}, {"url": "", "events": []}):
        answer = client.post(url, json=bad, headers=headers)
        assert answer.status_code == 422, (bad, answer.get_json())
    assert _count() == 1
