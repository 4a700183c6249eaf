"""A webhook receiver on 127.0.0.1 (pytest-httpserver) that records what it got and answers the statuses a
test asks for, and a seeker organisation with an owner, a member and an endpoint helper."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from challenge import clock
from challenge.extensions import db
from challenge.webhooks import services
from challenge.webhooks.models import EVENTS


class Receiver:
    """Records each POST (headers, raw body) and answers the next of `statuses` (then 200)."""

    def __init__(self, server: HTTPServer):
        self.server, self.got, self.statuses, self.lock = server, [], [], threading.Lock()
        self.delay = 0.0
        server.clear()
        server.expect_request("/hook", method="POST").respond_with_handler(self.handle)
        server.expect_request("/moved", method="POST").respond_with_response(
            Response(status=302, headers={"Location": self.url}))

    @property
    def url(self) -> str:
        return self.server.url_for("/hook")

    def handle(self, request: Request) -> Response:
        if self.delay:
            threading.Event().wait(self.delay)
        with self.lock:
            self.got.append(SimpleNamespace(headers=dict(request.headers), body=request.get_data()))
            status = self.statuses.pop(0) if self.statuses else 200
        return Response("thanks" if status < 300 else "oops " * 200, status=status)


@pytest.fixture(scope="session")
def receiver_server():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture()
def receiver(receiver_server):
    yield Receiver(receiver_server)
    receiver_server.clear()


@pytest.fixture()
def seekers(make_user, make_org):
    owner = make_user("Sally Seeker", "sally@riverside.example.org")
    member = make_user("Colin Colleague", "colin@riverside.example.org")
    other = make_user("Omar Other", "omar@hillside.example.org")
    creator = make_user("Cara Creator", "cara@example.org")
    broker = make_user("Brooke Broker", "brooke@example.org", broker=True)
    council = make_org(member, name="Riverside Council", owner=owner)
    other_council = make_org(name="Hillside Council", owner=other)
    return SimpleNamespace(**locals())


@pytest.fixture()
def hook(app):
    """`hook(org, url, actor, events=...)`: a registered endpoint (committed); returns (endpoint, secret)."""
    def make(org, url, actor, events=tuple(EVENTS)):
        endpoint, secret = services.register(org, url, list(events), actor, clock.now())
        db.session.commit()
        return endpoint, secret
    return make
