"""Security events land in the audit log with the IP address and user agent, and the broker can filter them."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from challenge import clock
from challenge.extensions import db
from challenge.platform.models import AuditEvent

BROWSER = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "Mozilla/5.0 (Test) Firefox/140.0"}


def _events(action: str) -> list[AuditEvent]:
    db.session.rollback()  # see what the requests committed
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_a_failed_sign_in_is_recorded_with_ip_and_user_agent(app, make_user):
    kim = make_user(email="kim@example.org")
    client = app.test_client()
    client.post("/login", data={"email": "KIM@example.org", "password": "not the password"}, environ_base=BROWSER)
    client.post("/login", data={"email": "nobody@example.org", "password": "whatever"}, environ_base=BROWSER)

    known, unknown = _events("signin.failed")
    assert (known.object_type, known.object_id, known.actor_id) == ("user", kim.id, None)
    assert known.ip == "203.0.113.7" and known.user_agent == "Mozilla/5.0 (Test) Firefox/140.0"
    assert (unknown.object_type, unknown.data["email"]) == ("", "nobody@example.org")


def test_a_user_agent_with_control_characters_is_kept_without_them(app, make_user):
    make_user(email="kim@example.org")
    app.test_client().post("/login", data={"email": "kim@example.org", "password": "nope"},
                           environ_base={"HTTP_USER_AGENT": "evil\x00agent\x1b[31m" + "x" * 400})
    [event] = _events("signin.failed")
    assert event.user_agent.startswith("evilagent[31m") and len(event.user_agent) == 300


def test_a_lockout_is_recorded_once_a_minute(limited_app, make_user):
    client = limited_app().test_client()
    codes = [client.post("/login", data={"email": "nobody@example.org", "password": "nope"},
                         environ_base=BROWSER).status_code for _ in range(13)]
    assert codes[10:] == [429, 429, 429]
    [event] = _events("signin.locked_out")
    assert event.ip == "203.0.113.7" and event.data["path"] == "/login"
    assert len(_events("signin.failed")) == 10


def test_a_refused_admin_page_is_recorded_once_per_person_and_path_a_minute(client, make_user, login):
    creator = make_user(email="cara@example.org")
    login(creator)
    for _ in range(5):
        assert client.get("/admin/users", environ_base=BROWSER).status_code == 404
    client.get("/admin/audit", environ_base=BROWSER)
    events = _events("access.denied")
    assert [(e.actor_id, e.data["path"], e.data["permission"]) for e in events] == [
        (creator.id, "/admin/users", "user.manage"), (creator.id, "/admin/audit", "audit.view")]
    assert events[0].ip == "203.0.113.7"

    clock.travel(timedelta(seconds=61))
    client.get("/admin/users", environ_base=BROWSER)
    assert len(_events("access.denied")) == 3


def test_refused_pages_of_people_signed_out_are_counted_by_ip_address(app):
    for ip in ("198.51.100.1", "198.51.100.1", "198.51.100.2"):
        assert app.test_client().get("/admin/", environ_base={"REMOTE_ADDR": ip}).status_code == 404
    assert sorted(e.ip for e in _events("access.denied")) == ["198.51.100.1", "198.51.100.2"]


def test_a_refused_money_page_is_recorded(client, make_user, make_org, make_challenge, login):
    challenge = make_challenge(make_org(make_user()))
    login(make_user(email="cara@example.org"))
    assert client.get(f"/admin/payouts/challenges/{challenge.slug}").status_code == 404
    [event] = _events("access.denied")
    assert (event.object_type, event.object_id) == ("challenge", challenge.id)


def test_a_page_that_is_simply_missing_is_not_a_security_event(client, make_user, login):
    login(make_user(broker=True))
    assert client.get("/admin/nothing-here").status_code == 404
    assert client.get("/challenges/no-such-challenge").status_code == 404
    assert _events("access.denied") == []


def test_bank_detail_changes_carry_the_ip_and_user_agent(client, make_user, login):
    login(make_user(email="cara@example.org"))
    answer = client.post("/my/payouts/bank-details", environ_base=BROWSER, data={
        "holder": "Cara Creator", "sort_code": "30-99-50", "account_number": "12345678"})
    assert answer.status_code == 302
    [event] = _events("payee.bank_details")
    assert event.ip == "203.0.113.7" and "Firefox" in event.user_agent


def test_a_download_of_personal_data_is_recorded(client, make_user, login):
    broker = login(make_user(broker=True))
    answer = client.get("/admin/audit.csv", environ_base=BROWSER)
    assert answer.status_code == 200
    [event] = _events("data.export")
    assert event.actor_id == broker.id and event.data["path"] == "/admin/audit.csv"
    assert event.data["file"].startswith("audit-") and event.ip == "203.0.113.7"


def test_the_broker_filters_the_log_to_security_events_and_by_ip(app, client, make_user, login):
    make_user(email="kim@example.org")
    other = app.test_client()
    other.post("/login", data={"email": "kim@example.org", "password": "wrong"}, environ_base=BROWSER)
    other.post("/login", data={"email": "kim@example.org", "password": "wrong"},
               environ_base={"REMOTE_ADDR": "192.0.2.9"})
    login(make_user(broker=True, name="Bea Broker"))  # user.create is not recorded by the factory

    page = client.get("/admin/audit?kind=security&ip=203.0.113").get_data(as_text=True)
    assert "1 event," in page and "203.0.113.7" in page and "192.0.2.9" not in page and "Firefox" in page
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv?kind=security").get_data(as_text=True))))
    assert sorted(r["ip"] for r in rows if r["action"] == "signin.failed") == ["192.0.2.9", "203.0.113.7"]
    assert client.get("/admin/audit?kind=nonsense").status_code == 200  # a bad filter is explained, not a 500
    assert client.get("/admin/audit?ip=" + "9" * 80).status_code == 200


def test_events_outside_a_request_have_no_ip(app, make_user):
    from challenge.accounts import services

    services.update_profile(make_user(), "New Name", "", None, clock.now())
    db.session.commit()
    [event] = _events("user.update_profile")
    assert (event.ip, event.user_agent) == ("", "")
