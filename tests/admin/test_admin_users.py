from challenge.accounts.models import User
from challenge.extensions import db
from challenge.platform.models import AuditEvent
from tests.factories import PASSWORD


def _switch(client, user, what, value):
    return client.post(f"/admin/users/{user.id}/{what}", data={"value": value})


def test_search_by_name_or_email(client, broker, make_user):
    make_user("Ada Lovelace", "ada@example.org")
    make_user("Grace Hopper", "grace@navy.example")
    page = client.get("/admin/users?q=lovelace").get_data(as_text=True)
    assert "Ada Lovelace" in page and "Grace Hopper" not in page
    page = client.get("/admin/users?q=NAVY").get_data(as_text=True)
    assert "Grace Hopper" in page and "Ada Lovelace" not in page
    page = client.get("/admin/users?q=%25").get_data(as_text=True)  # a literal %, not a wildcard
    assert "No account matches" in page


def test_filter_brokers_and_deactivated(client, broker, make_user):
    gone = make_user("Gone Person")
    gone.is_active_account = False
    db.session.commit()
    make_user("Plain Person")
    assert "Plain Person" not in client.get("/admin/users?show=brokers").get_data(as_text=True)
    page = client.get("/admin/users?show=inactive").get_data(as_text=True)
    assert "Gone Person" in page and "Plain Person" not in page


def test_make_and_unmake_a_broker_is_audited(client, broker, make_user):
    user = make_user()
    assert _switch(client, user, "broker", "on").status_code == 302
    db.session.refresh(user)
    assert user.is_broker
    _switch(client, user, "broker", "off")
    db.session.refresh(user)
    assert not user.is_broker
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id, e.object_id) for e in events] == [
        ("user.make_broker", broker.id, user.id), ("user.unmake_broker", broker.id, user.id)]


def test_deactivate_and_reactivate(app, client, broker, make_user):
    user = make_user(email="kim@example.org")
    _switch(client, user, "active", "off")
    db.session.refresh(user)
    assert not user.is_active_account
    assert app.test_client().post("/login", data={"email": "kim@example.org", "password": PASSWORD}).status_code == 400
    _switch(client, user, "active", "on")
    assert app.test_client().post("/login", data={"email": "kim@example.org", "password": PASSWORD}).status_code == 302
    assert [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))] == [
        "user.deactivate", "signin.failed", "user.reactivate"]  # the refused sign-in is a security event


def test_deactivation_ends_remembered_sessions(app, client, broker, make_user):
    user = make_user(email="kim@example.org")
    device = app.test_client()
    device.post("/login", data={"email": "kim@example.org", "password": PASSWORD, "remember": "y"})
    _switch(client, user, "active", "off")
    _switch(client, user, "active", "on")  # even once reactivated, the old cookies stay dead
    with device.session_transaction() as session:
        session.clear()
    assert device.get("/account").status_code == 302


def test_a_broker_cannot_demote_or_deactivate_themselves(client, broker):
    for what in ("broker", "active"):
        response = _switch(client, broker, what, "off")
        assert response.status_code == 302
        assert "yourself" in client.get(response.location).get_data(as_text=True)
    db.session.refresh(broker)
    assert broker.is_broker and broker.is_active_account


def test_non_brokers_cannot_switch_anything(client, make_user, login):
    target = make_user()
    login(make_user())
    assert _switch(client, target, "broker", "on").status_code == 404
    assert _switch(client, target, "active", "off").status_code == 404
    db.session.refresh(target)
    assert not target.is_broker and target.is_active_account


def test_bad_switch_values_and_unknown_users(client, broker, make_user):
    user = make_user()
    assert _switch(client, user, "broker", "maybe").status_code == 400
    assert client.post(f"/admin/users/{user.id}/broker").status_code == 400
    assert client.post("/admin/users/999999/broker", data={"value": "on"}).status_code == 404
    assert db.session.get(User, user.id).is_broker is False


def test_users_are_paginated(client, broker, make_user):
    for n in range(55):
        make_user(f"Bulk {n:02d}")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Next page" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and "Previous page" in second
    assert client.get("/admin/users?page=-4").status_code == 200
    assert client.get("/admin/users?page=99999999999999999999").status_code == 200
