"""A receiver that checks requests with the few lines docs/api.md shows accepts our real deliveries and
refuses a tampered body, another secret and an old timestamp."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from challenge import clock
from challenge.webhooks import services, signing
from challenge.webhooks.sending import send_due

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.fixture(scope="module")
def docs_verify():
    """The `verify` function of the docs' snippet, run as a receiver would paste it."""
    section = DOC.read_text(encoding="utf-8").split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) <= 12
    namespace: dict = {}
    exec(compile(code, "docs/api.md", "exec"), namespace)
    return namespace["verify"]


def _one_delivery(seekers, hook, receiver):
    endpoint, secret = hook(seekers.council, receiver.url, seekers.owner)
    services.ping(endpoint, seekers.owner, clock.now())
    assert send_due(clock.now()) == (1, 0)
    [got] = receiver.got
    return got, secret


def test_the_docs_snippet_accepts_a_real_delivery_and_refuses_a_tampered_one(seekers, hook, receiver, docs_verify):
    got, secret = _one_delivery(seekers, hook, receiver)
    header = got.headers["X-Cx-Signature"]
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
    assert docs_verify(secret, header, got.body)
    assert signing.verify(secret, header, got.body)
    tampered = got.body.replace(b"A test", b"A fake")
    assert tampered != got.body and not docs_verify(secret, header, tampered)
    assert not docs_verify("whsec_another", header, got.body)
    assert not docs_verify(secret, "v1=" + header.split("v1=")[1], got.body)  # no timestamp
    payload = json.loads(got.body)
    assert payload["type"] == "ping" and got.headers["X-Cx-Event"] == "ping"
    assert got.headers["X-Cx-Delivery"] and got.headers["Content-Type"] == "application/json"


def test_a_replayed_request_older_than_five_minutes_is_refused(docs_verify):
    body, secret = b'{"type":"ping"}', "whsec_x"
    old = int(time.time()) - 301
    assert not docs_verify(secret, signing.header(secret, old, body), body)
    assert docs_verify(secret, signing.header(secret, int(time.time()) - 200, body), body)


def test_the_developers_page_shows_the_same_snippet_as_the_docs(client):
    import html

    section = DOC.read_text(encoding="utf-8").split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    page = html.unescape(client.get("/developers/api").text)
    assert 'id="webhooks"' in page and code in page
