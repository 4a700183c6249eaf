"""The Webhooks pages: who may see and use them (anyone else: 404), the secret shown once, a double click,
bad input answered 400, a test ping and a redelivery sent at once, turning off and deleting."""
from __future__ import annotations

import pytest

from challenge import clock
from challenge.extensions import db
from challenge.platform.models import AuditEvent
from challenge.webhooks import services
from challenge.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint

EVENTS = ["challenge.closed", "decision.published"]


def _endpoints():
    db.session.expire_all()
    return list(db.session.scalars(db.select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def _deliveries():
    db.session.expire_all()
    return list(db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)))


@pytest.mark.parametrize("who, status", [("owner", 200), ("broker", 200), ("member", 404), ("other", 404),
                                         ("creator", 404)])
def test_who_may_open_an_organisations_webhooks(client, login, seekers, who, status):
    login(getattr(seekers, who))
    assert client.get(f"/organisations/{seekers.council.slug}/webhooks").status_code == status
    assert client.post(f"/organisations/{seekers.council.slug}/webhooks",
                       data={"url": "https://example.org/h", "events": EVENTS}).status_code in (status, 400)
    if status == 404:
        assert _endpoints() == []


def test_signed_out_people_are_sent_to_sign_in(client, seekers):
    answer = client.get(f"/organisations/{seekers.council.slug}/webhooks")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


@pytest.mark.parametrize("who, status", [("broker", 200), ("owner", 404), ("creator", 404)])
def test_the_platforms_webhooks_are_for_brokers(client, login, seekers, who, status):
    login(getattr(seekers, who))
    assert client.get("/admin/webhooks").status_code == status


def test_registering_shows_the_secret_once_and_a_double_click_makes_one_endpoint(client, login, seekers, receiver):
    login(seekers.owner)
    url = f"/organisations/{seekers.council.slug}/webhooks"
    first = client.post(url, data={"url": receiver.url, "events": EVENTS})
    assert first.status_code == 200
    [endpoint] = _endpoints()
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in first.text
    assert endpoint.events == EVENTS and endpoint.created_by_id == seekers.owner.id
    stored = db.session.execute(db.text("select secret from webhook_endpoints")).scalar()
    assert endpoint.secret not in stored  # sealed at rest
    second = client.post(url, data={"url": receiver.url, "events": EVENTS})
    assert second.status_code == 400 and "registered already" in second.text
    assert len(_endpoints()) == 1
    assert endpoint.secret not in client.get(url).text
    assert endpoint.secret not in client.get(f"/webhooks/{endpoint.id}").text


@pytest.mark.parametrize("data, words", [
    ({"url": "", "events": EVENTS}, "Enter the URL"),
    ({"url": "https://example.org/h"}, "Choose at least one event"),
    ({"url": "https://example.org/h", "events": ["user.deleted"]}, "not a valid choice"),
    ({"url": "gopher://example.org/", "events": EVENTS}, "http or https"),
    ({"url": "https://example.org/\x00h", "events": EVENTS}, None)])
def test_bad_input_is_a_400_with_the_reason(client, login, seekers, data, words):
    login(seekers.owner)
    answer = client.post(f"/organisations/{seekers.council.slug}/webhooks", data=data)
    assert answer.status_code in (400, 200) if words is None else answer.status_code == 400
    if words:
        assert words in answer.text
        assert _endpoints() == []


def test_a_test_ping_is_sent_at_once_and_logged_and_can_be_redelivered(client, login, seekers, hook, receiver):
    endpoint, _ = hook(seekers.council, receiver.url, seekers.owner)
    login(seekers.owner)
    answer = client.post(f"/webhooks/{endpoint.id}/ping", follow_redirects=True)
    assert answer.status_code == 200 and "test ping was sent" in answer.text
    [d] = _deliveries()
    assert d.state == DeliveryState.DELIVERED and len(receiver.got) == 1
    assert d.uid in answer.text and "HTTP 200" in answer.text
    client.post(f"/webhooks/{endpoint.id}/deliveries/{d.id}/redeliver")
    first, again = _deliveries()
    assert again.state == DeliveryState.DELIVERED and again.uid != first.uid and again.event_id == first.event_id
    assert [g.headers["X-Cx-Delivery"] for g in receiver.got] == [first.uid, again.uid]


def test_another_organisation_cannot_see_or_use_an_endpoint(client, login, seekers, hook, receiver):
    endpoint, _ = hook(seekers.council, receiver.url, seekers.owner)
    delivery = services.ping(endpoint, seekers.owner, clock.now())
    db.session.commit()
    for who in (seekers.other, seekers.member, seekers.creator):
        login(who)
        assert client.get(f"/webhooks/{endpoint.id}").status_code == 404
        for action in ("ping", "disable", "enable", "delete", f"deliveries/{delivery.id}/redeliver"):
            assert client.post(f"/webhooks/{endpoint.id}/{action}").status_code == 404
    assert len(_endpoints()) == 1 and len(_deliveries()) == 1 and receiver.got == []


def test_a_delivery_of_another_endpoint_is_a_404(client, login, seekers, hook):
    mine, _ = hook(seekers.council, "https://example.org/a", seekers.owner)
    theirs, _ = hook(seekers.other_council, "https://example.org/b", seekers.other)
    theirs_delivery = services.ping(theirs, seekers.other, clock.now())
    db.session.commit()
    login(seekers.owner)
    assert client.post(f"/webhooks/{mine.id}/deliveries/{theirs_delivery.id}/redeliver").status_code == 404


def test_a_delivery_still_waiting_is_not_redelivered(client, login, seekers, hook):
    endpoint, _ = hook(seekers.council, "http://127.0.0.1:9/h", seekers.owner)
    delivery = services.ping(endpoint, seekers.owner, clock.now())
    db.session.commit()
    login(seekers.owner)
    answer = client.post(f"/webhooks/{endpoint.id}/deliveries/{delivery.id}/redeliver", follow_redirects=True)
    assert "still being sent" in answer.text and len(_deliveries()) == 1


def test_turning_off_stops_new_events_and_deleting_removes_the_log(client, login, seekers, hook):
    endpoint, _ = hook(seekers.council, "https://example.org/a", seekers.owner)
    login(seekers.owner)
    client.post(f"/webhooks/{endpoint.id}/disable")
    assert _endpoints()[0].active is False
    assert services.raise_event("challenge.closed", [seekers.council.id], {}, clock.now()) == []
    client.post(f"/webhooks/{endpoint.id}/enable")
    assert _endpoints()[0].active is True
    services.ping(_endpoints()[0], seekers.owner, clock.now())
    db.session.commit()
    answer = client.post(f"/webhooks/{endpoint.id}/delete")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/organisations/{seekers.council.slug}/webhooks")
    assert _endpoints() == [] and _deliveries() == []
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"webhook.register", "webhook.disable", "webhook.enable", "webhook.delete"} <= actions
